/**
 * Dwell time, the pure part: how long each object spent in a zone (a `zone_exit` carries it in
 * `seconds`), folded into a fixed histogram that holds no identities, and the figures read back
 * from it: the mean (from the exact sum) and the median (estimated from the histogram).
 *
 * The bins are fixed (changing them takes a store migration): under 5 s, 5–15 s, 15–30 s,
 * 30–60 s, 1–2 min, 2–5 min, 5–15 min, and 15 min or more. A bin holds its lower edge and not its
 * upper one: a dwell of exactly 5 s is in the 5–15 s bin.
 */

/** The lower edge of each dwell bin, seconds, in order; the last bin has no upper edge. */
export const DWELL_BIN_EDGES: readonly number[] = [0, 5, 15, 30, 60, 120, 300, 900];

/** How many dwell bins there are. */
export const DWELL_BIN_COUNT = DWELL_BIN_EDGES.length;

/** Each dwell bin in words, for tables, charts and CSV headers. */
export const DWELL_BIN_LABELS: readonly string[] = ['under 5 s', '5–15 s', '15–30 s', '30–60 s', '1–2 min', '2–5 min', '5–15 min', '15 min or more'];

/** One dwell bin: its lower edge and its upper edge (null for the last, open bin), seconds. */
export interface DwellBin {
  readonly fromSeconds: number;
  readonly toSeconds: number | null;
}

/** Every dwell bin with its edges, in order. */
export const DWELL_BINS: readonly DwellBin[] = DWELL_BIN_EDGES.map((from, i) => ({ fromSeconds: from, toSeconds: DWELL_BIN_EDGES[i + 1] ?? null }));

/** The index of the bin that holds a dwell of `seconds` (negative or NaN counts as 0). */
export function dwellBin(seconds: number): number {
  let bin = 0;
  for (let i = 1; i < DWELL_BIN_EDGES.length; i++) if (seconds >= DWELL_BIN_EDGES[i]!) bin = i;
  return bin;
}

/** A histogram with every bin at zero. */
export function emptyDwellBins(): number[] {
  return new Array<number>(DWELL_BIN_COUNT).fill(0);
}

/** The bin-by-bin sum of histograms (each of {@link DWELL_BIN_COUNT} bins). */
export function addDwellBins(a: readonly number[], b: readonly number[]): number[] {
  return a.map((n, i) => n + (b[i] ?? 0));
}

/** The mean dwell in seconds (to 0.1 s) of `exits` exits whose dwell adds up to `dwellMs`; null when there were none. */
export function meanDwellSeconds(exits: number, dwellMs: number): number | null {
  return exits > 0 ? Math.round(dwellMs / exits / 100) / 10 : null;
}

/**
 * The median dwell in seconds (to 0.1 s) estimated from a histogram, as for grouped data: find the
 * bin that holds the middle exit (half of all exits lie before it), and interpolate linearly
 * across that bin, as if its exits were spread evenly between its edges. When the middle falls in
 * the open last bin the answer is its lower edge, 900 s, a lower bound. Null for an empty histogram.
 */
export function medianDwellSeconds(bins: readonly number[]): number | null {
  const total = bins.reduce((n, b) => n + b, 0);
  if (total <= 0) return null;
  const half = total / 2;
  let before = 0;
  for (let i = 0; i < bins.length; i++) {
    const n = bins[i]!;
    if (n > 0 && before + n >= half) {
      const from = DWELL_BIN_EDGES[i]!;
      const to = DWELL_BIN_EDGES[i + 1];
      if (to === undefined) return from;
      return Math.round((from + ((half - before) / n) * (to - from)) * 10) / 10;
    }
    before += n;
  }
  return DWELL_BIN_EDGES.at(-1)!;
}
