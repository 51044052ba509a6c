/**
 * Review items: the events that belong together, folded into one thing to look at. Pure: no I/O,
 * no clock. The events of one camera and one track within an episode (no pause longer than
 * {@link EPISODE_GAP_MS} between them) make one item — the person's zone entrances and exits, line
 * crossings and the alarms they raised, with its start, end and the rules it touched. A group
 * event (crowd, with no track) is an item of its own. An item holding an alarm (intrusion,
 * loitering, crowd) has severity `alarm`; the others are `detection`s.
 */

import { ALARM_EVENT_TYPES } from './rules/types.ts';

const ALARMS: readonly string[] = ALARM_EVENT_TYPES;

/** Most events one request marks reviewed. */
export const MAX_REVIEW_MARKS = 1000;

/** How long a track may be quiet (no event, nothing inside a zone) before its next event starts a new item, ms. */
export const EPISODE_GAP_MS = 60_000;

/** How much an item matters: an alarm, or a detection (something seen, nothing raised). */
export type ReviewSeverity = 'alarm' | 'detection';

/** The fields of an event the grouping reads (the store's and the live system's events have them all). */
export interface ReviewEventInput {
  readonly id: string;
  readonly cameraId: string;
  readonly type: string;
  readonly rule: string;
  /** Null for group events (crowd). */
  readonly trackId: number | null;
  readonly class: string;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms; null while a duration event is open. */
  readonly endTime: number | null;
  /** Extra fields: `seconds` (time inside so far, or the whole dwell of a zone exit), `box`, ... */
  readonly data: Readonly<Record<string, unknown>>;
  readonly snapshotPath: string | null;
}

/** One item to review: the events of one episode, oldest first. */
export interface ReviewItem<E extends ReviewEventInput = ReviewEventInput> {
  /** The id of its first event (stable while later events join it). */
  readonly id: string;
  readonly cameraId: string;
  /** The track, or null for a group event. */
  readonly trackId: number | null;
  readonly class: string;
  readonly severity: ReviewSeverity;
  /** Start of its first event, epoch ms. */
  readonly start: number;
  /** The latest end (or start) among its events, epoch ms; null while one of its events is still open. */
  readonly end: number | null;
  /** The event types it holds, in order of first appearance. */
  readonly types: readonly string[];
  /** The lines and zones it touched, in order of first appearance. */
  readonly rules: readonly string[];
  /** Its events, oldest first (by start, then id). */
  readonly events: readonly E[];
  /** The event whose snapshot stands for the item: its first alarm with a snapshot, else its first event with one, else its first. */
  readonly cover: E;
}

/** When the object of an event was first inside, ms: a zone exit or an alarm carries the seconds inside before it. */
export function activeFrom(e: ReviewEventInput): number {
  const seconds = e.data['seconds'];
  const inside = e.type === 'zone_exit' || e.type === 'intrusion' || e.type === 'loitering';
  return inside && typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? e.startTime - Math.round(seconds * 1000) : e.startTime;
}

/** True when the event type is an alarm. */
export function isAlarmType(type: string): boolean {
  return ALARMS.includes(type);
}

const byStart = (a: ReviewEventInput, b: ReviewEventInput): number => a.startTime - b.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** An item under construction. */
interface Open<E> {
  readonly events: E[];
  /** The latest time the track was seen active in it; +Infinity while an event is open. */
  last: number;
}

function itemOf<E extends ReviewEventInput>(events: readonly E[]): ReviewItem<E> {
  const first = events[0]!;
  const open = events.some((e) => e.endTime === null && isAlarmType(e.type));
  const end = open ? null : Math.max(...events.map((e) => e.endTime ?? e.startTime));
  const cover = events.find((e) => isAlarmType(e.type) && e.snapshotPath !== null) ?? events.find((e) => e.snapshotPath !== null) ?? events.find((e) => isAlarmType(e.type)) ?? first;
  return {
    id: first.id,
    cameraId: first.cameraId,
    trackId: first.trackId,
    class: first.class,
    severity: events.some((e) => isAlarmType(e.type)) ? 'alarm' : 'detection',
    start: first.startTime,
    end,
    types: [...new Set(events.map((e) => e.type))],
    rules: [...new Set(events.map((e) => e.rule))],
    events,
    cover,
  };
}

/**
 * The review items of a set of events (in any order; a repeated id counts once, the last copy
 * winning), newest first (by start, then id). Events of one camera and track join the item of
 * their episode while their object was active within {@link EPISODE_GAP_MS} of the item's latest
 * activity (an open alarm keeps the item open); a group event is an item of its own.
 */
export function groupReviewItems<E extends ReviewEventInput>(events: readonly E[]): ReviewItem<E>[] {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()].sort(byStart);
  const done: E[][] = [];
  const open = new Map<string, Open<E>>();
  for (const e of unique) {
    if (e.trackId === null) {
      done.push([e]);
      continue;
    }
    const key = `${e.cameraId}\u0000${e.trackId}`;
    const current = open.get(key);
    const active = e.endTime === null && isAlarmType(e.type) ? Number.POSITIVE_INFINITY : Math.max(e.startTime, e.endTime ?? e.startTime);
    if (current !== undefined && activeFrom(e) <= current.last + EPISODE_GAP_MS) {
      current.events.push(e);
      current.last = Math.max(current.last, active);
      continue;
    }
    if (current !== undefined) done.push(current.events);
    open.set(key, { events: [e], last: active });
  }
  for (const o of open.values()) done.push(o.events);
  return done.map((list) => itemOf(list)).sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** True when every event of the item is in `reviewed` (ids the user marked): an item that gained an event since is not reviewed. */
export function isItemReviewed(item: Pick<ReviewItem, 'events'>, reviewed: ReadonlySet<string>): boolean {
  return item.events.every((e) => reviewed.has(e.id));
}

/** The item's duration, ms, or null while it is open. */
export function itemDuration(item: Pick<ReviewItem, 'start' | 'end'>): number | null {
  return item.end === null ? null : Math.max(0, item.end - item.start);
}

/** The box `[x, y, w, h]` (pixels of the analysed picture) of an event's object, or null when it has none. */
export function boxOf(e: Pick<ReviewEventInput, 'data'>): readonly [number, number, number, number] | null {
  const b = e.data['box'];
  if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const [x, y, w, h] = b as [number, number, number, number];
  return w > 0 && h > 0 ? [x, y, w, h] : null;
}
