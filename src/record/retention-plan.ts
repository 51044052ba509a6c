/**
 * Which recorded segments and event snapshots to delete, decided without I/O or a clock (time is
 * passed in). Both kinds share one budget and one order, oldest first (a segment by its start, a
 * snapshot by the time it was written):
 * - `age`: the segment ended, or the snapshot was written, at least `maxAgeMs` before now;
 * - `not-near-event` (segments only): the camera records in `events` mode, the segment ended more
 *   than its pre-roll before now (so no event still to come can need it) and it overlaps no event
 *   window `[eventStart - preRoll, (eventEnd ?? now) + postRoll]`;
 * - `quota`: after those, the oldest segments or snapshots until their total is at most `quotaBytes`;
 * - `disk`: then the oldest of either until at least `bytesToFree` bytes are freed in all.
 * The segment being written is not in the index until it is complete, so it is never planned.
 *
 * The records kept in the store (events, aggregates, the audit log) are deleted by age only, each
 * kind before its own cutoff ({@link planRecordCutoffs}).
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

/** The fields of an event snapshot file that retention looks at. */
export interface RetentionSnapshot {
  /** Relative to the data directory, `/`-separated; it identifies the snapshot. */
  readonly path: string;
  readonly cameraId: string;
  /** When the file was written, epoch ms. */
  readonly time: number;
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
  /** The event snapshot files on disk. */
  readonly snapshots: readonly RetentionSnapshot[];
  /** Epoch ms. */
  readonly now: number;
  /** Segments that ended, and snapshots written, this long ago are deleted; Infinity keeps them. */
  readonly maxAgeMs: number;
  /** Largest total of all segments and snapshots, bytes; Infinity for none. */
  readonly quotaBytes: number;
  /** Bytes to free for the disk's free-space minimum (0 when there is enough). */
  readonly bytesToFree: number;
  /** Cameras recording in `events` mode, by id; the others keep every segment. */
  readonly keep: ReadonlyMap<string, EventKeep>;
  /**
   * When only the oldest end is listed: every segment and snapshot that starts before `horizon` is
   * in the lists, the others may not be (their bytes are `unlistedBytes`). Quota and disk deletions
   * stop at the horizon (the next run reads further); age and event-mode deletions apply to
   * whatever is listed. Default: everything is listed.
   */
  readonly horizon?: number;
  /** Bytes of the segments and snapshots not in the lists (all at or after the horizon); default 0. */
  readonly unlistedBytes?: number;
}

/** Why a segment or snapshot is deleted (`not-near-event` is for segments only). */
export type RetentionReason = 'age' | 'quota' | 'disk' | 'not-near-event';

/** One segment to delete. */
export interface SegmentDeletion {
  readonly kind: 'segment';
  readonly id: number;
  readonly cameraId: string;
  readonly bytes: number;
  readonly reason: RetentionReason;
}

/** One snapshot file to delete. */
export interface SnapshotDeletion {
  readonly kind: 'snapshot';
  readonly path: string;
  readonly cameraId: string;
  readonly bytes: number;
  readonly reason: Exclude<RetentionReason, 'not-near-event'>;
}

/** One segment or snapshot to delete. */
export type RetentionDeletion = SegmentDeletion | SnapshotDeletion;

/** A segment or a snapshot, as the plan orders and counts them. */
type Item = { readonly kind: 'segment'; readonly of: RetentionSegment } | { readonly kind: 'snapshot'; readonly of: RetentionSnapshot };

const startOf = (item: Item): number => (item.kind === 'segment' ? item.of.startTime : item.of.time);
const endOf = (item: Item): number => (item.kind === 'segment' ? item.of.endTime : item.of.time);

/** Oldest first: by start time, a segment before a snapshot of the same time, then by id or path. */
function compareItems(a: Item, b: Item): number {
  const byTime = startOf(a) - startOf(b);
  if (byTime !== 0) return byTime;
  if (a.kind === 'segment') return b.kind === 'segment' ? a.of.id - b.of.id : -1;
  if (b.kind === 'segment') return 1;
  return a.of.path < b.of.path ? -1 : a.of.path > b.of.path ? 1 : 0;
}

/** Decides which segments and snapshots to delete and why, oldest first (see {@link compareItems}). */
export function planRetention(input: RetentionInput): RetentionDeletion[] {
  const { now } = input;
  const ordered: Item[] = [
    ...input.segments.map((of): Item => ({ kind: 'segment', of })),
    ...input.snapshots.map((of): Item => ({ kind: 'snapshot', of })),
  ].sort(compareItems);
  const windows = new Map<string, { readonly keep: EventKeep; readonly spans: readonly Span[] }>();
  for (const [cameraId, keep] of input.keep) windows.set(cameraId, { keep, spans: mergeWindows(keep, now) });

  const deletions = new Map<Item, RetentionDeletion>();
  const mark = (item: Item, reason: SnapshotDeletion['reason']): void => {
    const { cameraId, bytes } = item.of;
    deletions.set(item, item.kind === 'segment' ? { kind: 'segment', id: item.of.id, cameraId, bytes, reason } : { kind: 'snapshot', path: item.of.path, cameraId, bytes, reason });
  };
  const horizon = input.horizon ?? Infinity;
  let total = input.unlistedBytes ?? 0;
  for (const item of ordered) {
    total += item.of.bytes;
    if (now - endOf(item) >= input.maxAgeMs) {
      mark(item, 'age');
      continue;
    }
    if (item.kind !== 'segment') continue;
    const s = item.of;
    const camera = windows.get(s.cameraId);
    if (camera !== undefined && s.endTime < now - camera.keep.preRollMs && !overlapsAny(camera.spans, s.startTime, s.endTime)) {
      deletions.set(item, { kind: 'segment', id: s.id, cameraId: s.cameraId, bytes: s.bytes, reason: 'not-near-event' });
    }
  }

  let freed = 0;
  for (const d of deletions.values()) freed += d.bytes;
  for (const item of ordered) {
    if (total - freed <= input.quotaBytes || startOf(item) >= horizon) break;
    if (deletions.has(item)) continue;
    mark(item, 'quota');
    freed += item.of.bytes;
  }
  for (const item of ordered) {
    if (freed >= input.bytesToFree || startOf(item) >= horizon) break;
    if (deletions.has(item)) continue;
    mark(item, 'disk');
    freed += item.of.bytes;
  }
  return ordered.flatMap((item) => deletions.get(item) ?? []);
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

/** How long the store's records are kept, days; an absent limit keeps that kind for ever. */
export interface RecordLimits {
  readonly eventDays?: number;
  readonly aggregateDays?: number;
  readonly auditDays?: number;
}

/** The time before which each kind of record is deleted, epoch ms; null keeps that kind. */
export interface RecordCutoffs {
  /** Events that started and ended before this. */
  readonly events: number | null;
  /** Line counts, occupancy and heat whose bucket ends by this. */
  readonly aggregates: number | null;
  /** Audit entries before this: a whole UTC day, so the audit log is purged (and the purge recorded) once a day. */
  readonly audit: number | null;
}

const DAY_MS = 86_400_000;

/** The cutoffs of the records at `now` (epoch ms) under `limits`. */
export function planRecordCutoffs(now: number, limits: RecordLimits): RecordCutoffs {
  const before = (days: number | undefined): number | null => (days === undefined ? null : Math.max(0, Math.round(now - days * DAY_MS)));
  const audit = before(limits.auditDays);
  return { events: before(limits.eventDays), aggregates: before(limits.aggregateDays), audit: audit === null ? null : Math.floor(audit / DAY_MS) * DAY_MS };
}
