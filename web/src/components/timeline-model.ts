/** The recordings timeline's arithmetic: zoom levels, the range around a moment, positions and ticks. Pure, for the page and its tests. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The zoom levels, widest first: a week to a minute. */
export const ZOOMS = [
  { label: 'Week', ms: 7 * DAY },
  { label: 'Day', ms: DAY },
  { label: '6 hours', ms: 6 * HOUR },
  { label: 'Hour', ms: HOUR },
  { label: '10 minutes', ms: 10 * MINUTE },
  { label: 'Minute', ms: MINUTE },
] as const;

/** The default span: a day. */
export const DEFAULT_SPAN = DAY;

/** A time range, epoch ms, `to` exclusive. */
export interface Range {
  readonly from: number;
  readonly to: number;
}

/** The zoom level nearest to `span` ms. */
export function nearestZoom(span: number): (typeof ZOOMS)[number] {
  let best: (typeof ZOOMS)[number] = ZOOMS[1];
  for (const z of ZOOMS) if (Math.abs(Math.log(z.ms / span)) < Math.abs(Math.log(best.ms / span))) best = z;
  return best;
}

/** The range of `span` ms with `t` in its middle, whole seconds. */
export function rangeAround(t: number, span: number): Range {
  const from = Math.round((t - span / 2) / SECOND) * SECOND;
  return { from, to: from + span };
}

/** The x (0..width) of `time` on a timeline of `range` drawn `width` wide. */
export function xOf(time: number, range: Range, width: number): number {
  return ((time - range.from) / (range.to - range.from)) * width;
}

/** The time at `x` on a timeline of `range` drawn `width` wide, clamped to the range. */
export function timeOf(x: number, range: Range, width: number): number {
  const f = Math.min(1, Math.max(0, x / width));
  return Math.round(range.from + f * (range.to - range.from));
}

/** The range moved by `fraction` of its span (negative: earlier). */
export function pan(range: Range, fraction: number): Range {
  const d = Math.round((range.to - range.from) * fraction);
  return { from: range.from + d, to: range.to + d };
}

const STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];

/** One tick of the axis: its time and its label. */
export interface Tick {
  readonly time: number;
  readonly label: string;
}

/**
 * The axis ticks of `range`: the smallest step that gives at most `most` ticks, at whole steps of
 * local time (the offset of the zone at each tick is `offsetMs(time)`, minutes east of UTC × 60,000;
 * the browser's by default), labelled in local time.
 */
export function ticks(range: Range, most = 8, offsetMs: (time: number) => number = (t) => -new Date(t).getTimezoneOffset() * MINUTE): Tick[] {
  const span = range.to - range.from;
  const step = STEPS.find((s) => span / s <= most) ?? DAY;
  const out: Tick[] = [];
  const off = offsetMs(range.from);
  for (let t = Math.ceil((range.from + off) / step) * step - off; t < range.to; t += step) out.push({ time: t, label: tickLabel(t, step, offsetMs(t)) });
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function tickLabel(time: number, step: number, offset: number): string {
  const d = new Date(time + offset);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (step >= DAY) return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()}/${d.getUTCMonth() + 1}`;
  if (step < MINUTE) return `${hm}:${pad(d.getUTCSeconds())}`;
  // Midnight says which day begins.
  return hm === '00:00' ? `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()}/${d.getUTCMonth() + 1}` : hm;
}

/** The epoch ms of a `datetime-local` input's value (local time, minutes or seconds), or null when it is not one. */
export function parseLocalDateTime(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const t = new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isFinite(t) ? t : null;
}

/** A `datetime-local` value (to the minute) for epoch ms `t` in local time. */
export function localDateTimeValue(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `t` when it falls in one of the recorded `spans` (oldest first); otherwise the start of the next one, or null when none follows. */
export function playableFrom(t: number, spans: readonly { readonly start: number; readonly end: number }[]): number | null {
  for (const s of spans) {
    if (t < s.start) return s.start;
    if (t < s.end) return t;
  }
  return null;
}
