/**
 * Which recorded segments to delete, decided without I/O or a clock (time is passed in):
 * - `age`: the segment ended at least `maxAgeMs` before now;
 * - `not-near-event`: the camera records in `events` mode, the segment ended more than its pre-roll
 *   before now (so no event still to come can need it) and it overlaps no event window
 *   `[eventStart - preRoll, (eventEnd ?? now) + postRoll]`;
 * - `quota`: after those, the oldest segments until the total is at most `quotaBytes`;
 * - `disk`: then the oldest segments until at least `bytesToFree` bytes are freed in all.
 * The segment being written is not in the index until it is complete, so it is never planned.
 */

/** The fields of a segment that retention looks at. */
export interface RetentionSegment {
  readonly id: number;
  readonly cameraId: string;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms. */
  readonly endTime: number;
  readonly bytes: number;
}

/** An event of a camera, as far as retention cares: when it started and ended (null while it is open). */
export interface EventSpan {
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms; null while the event is still open. */
  readonly end: number | null;
}

/** What an `events`-mode camera keeps: its events and the pre- and post-roll around them. */
export interface EventKeep {
  readonly preRollMs: number;
  readonly postRollMs: number;
  readonly events: readonly EventSpan[];
}

/** Everything the plan depends on. */
export interface RetentionInput {
  readonly segments: readonly RetentionSegment[];
  /** Epoch ms. */
  readonly now: number;
  /** Segments that ended this long ago are deleted; Infinity keeps them. */
  readonly maxAgeMs: number;
  /** Largest total of all segments, bytes; Infinity for none. */
  readonly quotaBytes: number;
  /** Bytes to free for the disk's free-space minimum (0 when there is enough). */
  readonly bytesToFree: number;
  /** Cameras recording in `events` mode, by id; the others keep every segment. */
  readonly keep: ReadonlyMap<string, EventKeep>;
}

/** Why a segment is deleted. */
export type RetentionReason = 'age' | 'quota' | 'disk' | 'not-near-event';

/** One segment to delete. */
export interface RetentionDeletion {
  readonly id: number;
  readonly cameraId: string;
  readonly bytes: number;
  readonly reason: RetentionReason;
}

/** Decides which segments to delete and why, oldest first (by start time, then id). */
export function planRetention(input: RetentionInput): RetentionDeletion[] {
  const { now } = input;
  const ordered = [...input.segments].sort((a, b) => a.startTime - b.startTime || a.id - b.id);
  const windows = new Map<string, { readonly keep: EventKeep; readonly spans: readonly Span[] }>();
  for (const [cameraId, keep] of input.keep) windows.set(cameraId, { keep, spans: mergeWindows(keep, now) });

  const reasons = new Map<number, RetentionReason>();
  let total = 0;
  for (const s of ordered) {
    total += s.bytes;
    if (now - s.endTime >= input.maxAgeMs) {
      reasons.set(s.id, 'age');
      continue;
    }
    const camera = windows.get(s.cameraId);
    if (camera !== undefined && s.endTime < now - camera.keep.preRollMs && !overlapsAny(camera.spans, s.startTime, s.endTime)) {
      reasons.set(s.id, 'not-near-event');
    }
  }

  let freed = 0;
  for (const s of ordered) {
    if (reasons.has(s.id)) freed += s.bytes;
  }
  for (const s of ordered) {
    if (total - freed <= input.quotaBytes) break;
    if (reasons.has(s.id)) continue;
    reasons.set(s.id, 'quota');
    freed += s.bytes;
  }
  for (const s of ordered) {
    if (freed >= input.bytesToFree) break;
    if (reasons.has(s.id)) continue;
    reasons.set(s.id, 'disk');
    freed += s.bytes;
  }

  return ordered.flatMap((s) => {
    const reason = reasons.get(s.id);
    return reason === undefined ? [] : [{ id: s.id, cameraId: s.cameraId, bytes: s.bytes, reason }];
  });
}

/** A closed interval of epoch ms. */
interface Span {
  readonly from: number;
  readonly to: number;
}

/** The event windows of a camera, sorted and merged where they touch. */
function mergeWindows(keep: EventKeep, now: number): Span[] {
  const spans = keep.events
    .map((e) => ({ from: e.start - keep.preRollMs, to: Math.max(e.start, e.end ?? now) + keep.postRollMs }))
    .sort((a, b) => a.from - b.from);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last !== undefined && span.from <= last.to) merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, span.to) };
    else merged.push(span);
  }
  return merged;
}

/** True when [start, end] overlaps one of the sorted, disjoint spans (touching counts). */
function overlapsAny(spans: readonly Span[], start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length;
  // The first span that ends at or after `start`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.to < start) lo = mid + 1;
    else hi = mid;
  }
  const span = spans[lo];
  return span !== undefined && span.from <= end;
}
