/**
 * Occupancy (people counted in a zone per frame) against true counts, as a user checks a scene of
 * their own: accuracy `1 - sum|measured - truth| / sum(truth)` over the frames of the truth (a
 * frame without a measurement counts as 0), the mean absolute error, the mean signed error (bias:
 * above 0 over-counts) and the largest error. Pure; the CSV readers are here too.
 */
/** A parse failure: the 1-based line and what is wrong. */
export interface CountsParseError {
  readonly line: number;
  readonly message: string;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CountsParseError };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const err = (error: CountsParseError): Parsed<never> => ({ ok: false, error });

/** Counts by 1-based frame number. */
export type FrameCounts = ReadonlyMap<number, number>;

/** The comparison. */
export interface OccupancyAccuracy {
  /** Frames in the truth. */
  readonly frames: number;
  /** Frames of the truth with no measured count (taken as 0). */
  readonly unmeasuredFrames: number;
  readonly totalTruth: number;
  readonly totalAbsoluteError: number;
  /** 1 - totalAbsoluteError / totalTruth; NaN when the truth holds nobody. */
  readonly accuracy: number;
  readonly meanAbsoluteError: number;
  /** Mean of measured - truth: positive over-counts, negative under-counts. */
  readonly meanError: number;
  readonly maxAbsoluteError: number;
  /** The frame of the largest error (the first such), null without frames. */
  readonly worstFrame: number | null;
}

/** Compares measured counts with the truth over the truth's frames. */
export function occupancyAccuracy(truth: FrameCounts, measured: FrameCounts): OccupancyAccuracy {
  let totalTruth = 0;
  let totalAbs = 0;
  let signed = 0;
  let max = 0;
  let worst: number | null = null;
  let unmeasured = 0;
  for (const [frame, t] of [...truth].sort((a, b) => a[0] - b[0])) {
    const m = measured.get(frame);
    if (m === undefined) unmeasured++;
    const e = (m ?? 0) - t;
    totalTruth += t;
    totalAbs += Math.abs(e);
    signed += e;
    if (worst === null || Math.abs(e) > max) {
      max = Math.abs(e);
      worst = frame;
    }
  }
  const n = truth.size;
  return {
    frames: n,
    unmeasuredFrames: unmeasured,
    totalTruth,
    totalAbsoluteError: totalAbs,
    accuracy: totalTruth > 0 ? 1 - totalAbs / totalTruth : Number.NaN,
    meanAbsoluteError: n > 0 ? totalAbs / n : 0,
    meanError: n > 0 ? signed / n : 0,
    maxAbsoluteError: max,
    worstFrame: worst,
  };
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * Reads a CSV of counts with a header that names a `count` column and optionally `frame` (and
 * `zone`: then only the rows of `zone`, when given). A `frame` that is a positive whole number is
 * the frame; otherwise (a file name, or no such column) the n-th data row is frame n. Errors say
 * the line.
 */
export function parseCountsCsv(text: string, zone?: string): Parsed<Map<number, number>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0] === undefined ? [] : splitCsvLine(lines[0]).map((h) => h.toLowerCase());
  const ci = header.indexOf('count');
  if (ci < 0) return err({ line: 1, message: `the header must name a "count" column (got "${lines[0] ?? ''}")` });
  const fi = header.indexOf('frame');
  const zi = header.indexOf('zone');
  const counts = new Map<number, number>();
  let row = 0;
  for (let i = 1; i < lines.length; i++) {
    const cells = splitCsvLine(lines[i]!);
    if (zone !== undefined && zi >= 0 && cells[zi] !== zone) continue;
    row++;
    const count = Number(cells[ci]);
    if (cells[ci] === undefined || cells[ci] === '' || !Number.isFinite(count) || count < 0) return err({ line: i + 1, message: `count must be a number of at least 0, got "${cells[ci] ?? ''}"` });
    const f = fi >= 0 ? Number(cells[fi]) : Number.NaN;
    const frame = Number.isSafeInteger(f) && f > 0 ? f : row;
    if (counts.has(frame)) return err({ line: i + 1, message: `frame ${frame} appears twice${zone === undefined && zi >= 0 ? ' (several zones: choose one with --zone)' : ''}` });
    counts.set(frame, count);
  }
  if (counts.size === 0) return err({ line: lines.length, message: zone === undefined ? 'no counts' : `no counts of zone "${zone}"` });
  return ok(counts);
}
