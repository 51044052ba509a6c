/**
 * The charts' arithmetic, apart from their drawing: bucket times, round gridline steps, and the
 * scales that place bars and line points in the SVG viewBox.
 */

/** Width and height of a chart's viewBox, and its margins for the axes. */
export const CHART = { width: 720, height: 240, left: 44, right: 8, top: 12, bottom: 28 } as const;

/** Milliseconds in a bucket. */
export const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** A bucket size. */
export type Bucket = keyof typeof BUCKET_MS;

/** Start times of every bucket overlapping [from, to), aligned like the server's (UTC). */
export function bucketStarts(from: number, to: number, bucket: Bucket): number[] {
  const size = BUCKET_MS[bucket];
  const out: number[] = [];
  for (let t = Math.floor(from / size) * size; t < to; t += size) out.push(t);
  return out;
}

/** A round step (1, 2 or 5 times a power of ten, at least 1) for about `parts` gridlines up to `max`. */
export function niceStep(max: number, parts = 4): number {
  const raw = Math.max(1, max / parts);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const n = raw / pow;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * pow;
}

/** The horizontal placement shared by both charts: each bucket's slot width and the x of its centre. */
export function slotX(count: number): { readonly slot: number; readonly x: (i: number) => number } {
  const plotW = CHART.width - CHART.left - CHART.right;
  const slot = plotW / Math.max(1, count);
  return { slot, x: (i) => CHART.left + slot * (i + 0.5) };
}

/** One bar pair: crossings in and out. */
export interface InOut {
  readonly in: number;
  readonly out: number;
}

/** The bar chart's scale: `in` bars rise from the middle line, `out` bars hang from it. */
export interface BarScale {
  readonly totalIn: number;
  readonly totalOut: number;
  /** The value at the top (and, downwards, the bottom) of the plot: a whole number of steps. */
  readonly top: number;
  /** Gridline values above (and mirrored below) the middle, from one step to `top`. */
  readonly ticks: readonly number[];
  /** The y of the middle line. */
  readonly mid: number;
  readonly slot: number;
  readonly x: (i: number) => number;
  /** The height in viewBox units of a bar of value `v`. */
  readonly h: (v: number) => number;
}

/** The scale of a bar chart of these values, one per bucket. */
export function barScale(values: readonly InOut[]): BarScale {
  const totalIn = values.reduce((n, v) => n + v.in, 0);
  const totalOut = values.reduce((n, v) => n + v.out, 0);
  const max = Math.max(1, ...values.map((v) => Math.max(v.in, v.out)));
  const step = niceStep(max, 2);
  const top = Math.ceil(max / step) * step;
  const half = (CHART.height - CHART.top - CHART.bottom) / 2;
  const ticks: number[] = [];
  for (let v = step; v <= top; v += step) ticks.push(v);
  return { totalIn, totalOut, top, ticks, mid: CHART.top + half, ...slotX(values.length), h: (v) => (v / top) * half };
}

/** The line chart's scale: zero at the bottom of the plot. */
export interface LineScale {
  readonly top: number;
  /** Gridline values from 0 to `top`. */
  readonly ticks: readonly number[];
  readonly slot: number;
  readonly x: (i: number) => number;
  readonly y: (v: number) => number;
}

/** The scale of a line chart of these series over `count` buckets. */
export function lineScale(series: Readonly<Record<string, readonly number[]>>, count: number): LineScale {
  const max = Math.max(1, ...Object.values(series).flat());
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { top, ticks, ...slotX(count), y: (v) => CHART.top + plotH - (v / top) * plotH };
}

/** The points attribute of a series' polyline. */
export function polylinePoints(values: readonly number[], scale: Pick<LineScale, 'x' | 'y'>): string {
  return values.map((v, i) => `${scale.x(i).toFixed(1)},${scale.y(v).toFixed(1)}`).join(' ');
}

/** Width and height of a dwell distribution chart's viewBox, and its margins. */
export const DWELL_CHART = { width: 360, height: 150, left: 8, right: 8, top: 18, bottom: 22 } as const;

/** The dwell chart's scale: one bar per bin, zero at the bottom, the tallest bar reaching the top of the plot. */
export interface DwellScale {
  readonly slot: number;
  /** The x of bin `i`'s centre. */
  readonly x: (i: number) => number;
  /** The y of the plot's bottom (the zero line). */
  readonly base: number;
  /** The height in viewBox units of a bar of `v` exits. */
  readonly h: (v: number) => number;
}

/** The scale of a dwell chart of these bin counts. */
export function dwellScale(bins: readonly number[]): DwellScale {
  const max = Math.max(1, ...bins);
  const plotW = DWELL_CHART.width - DWELL_CHART.left - DWELL_CHART.right;
  const plotH = DWELL_CHART.height - DWELL_CHART.top - DWELL_CHART.bottom;
  const slot = plotW / Math.max(1, bins.length);
  return { slot, x: (i) => DWELL_CHART.left + slot * (i + 0.5), base: DWELL_CHART.top + plotH, h: (v) => (v / max) * plotH };
}

/** A short label of a dwell bin for under its bar: `<5s`, `5–15s`, `30–60s`, `1–2m`, `≥15m` (seconds up to a minute, minutes above). */
export function dwellBinShort(fromSeconds: number, toSeconds: number | null): string {
  const inMinutes = toSeconds === null ? fromSeconds >= 60 : toSeconds > 60;
  const n = (v: number): string => String(inMinutes ? v / 60 : v);
  const unit = inMinutes ? 'm' : 's';
  if (toSeconds === null) return `≥${n(fromSeconds)}${unit}`;
  if (fromSeconds === 0) return `<${n(toSeconds)}${unit}`;
  return `${n(fromSeconds)}–${n(toSeconds)}${unit}`;
}

/** A dwell for people: `4.2 s`, `38 s`, `2 min 5 s`, `1 h 3 min`; `—` when there is none. */
export function formatDwell(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return whole % 60 === 0 ? `${whole / 60} min` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
  const minutes = Math.round(whole / 60);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** An estimated median dwell in words: `about 18 s`, or `15 min or more` when it lies in the open last bin (from `lastFrom` seconds). */
export function medianText(medianSeconds: number | null, lastFrom: number): string {
  if (medianSeconds === null) return '—';
  return medianSeconds >= lastFrom ? `${formatDwell(lastFrom)} or more` : `about ${formatDwell(medianSeconds)}`;
}
