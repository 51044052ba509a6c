/**
 * The Review page's state as data, pure: the events loaded (pages of items, and events arriving
 * over the bus) folded into review items by the server's own grouping (src/core/review-items.ts),
 * the caller's review marks, and the filter that decides what the list and the timeline show.
 */
import { groupReviewItems, isItemReviewed, type ReviewItem, type ReviewSeverity } from '../../../src/core/review-items.ts';
import type { BusMessage } from '../api/live-messages.ts';
import type { ReviewItemView, SightlineEvent } from '../api/types.ts';

/** The filter of the page; empty strings mean "any". `from` and `to` are epoch ms or null. */
export interface ReviewItemFilter {
  readonly camera: string;
  readonly severity: '' | ReviewSeverity;
  readonly reviewed: '' | 'true' | 'false';
  readonly from: number | null;
  readonly to: number | null;
}

/** The events loaded, by id, and the ids the user has marked reviewed. */
export interface ReviewState {
  readonly events: ReadonlyMap<string, SightlineEvent>;
  readonly reviewed: ReadonlySet<string>;
}

/** An item as the page shows it: the grouping's item and whether the user has reviewed it. */
export interface ShownItem {
  readonly item: ReviewItem<SightlineEvent>;
  readonly reviewed: boolean;
}

/** The empty state. */
export const EMPTY_REVIEW: ReviewState = { events: new Map(), reviewed: new Set() };

/** The state with a page of items added (their events and marks). */
export function addPage(state: ReviewState, items: readonly ReviewItemView[]): ReviewState {
  const events = new Map(state.events);
  const reviewed = new Set(state.reviewed);
  for (const i of items) {
    for (const e of i.events) events.set(e.id, e);
    for (const id of i.reviewedEventIds) reviewed.add(id);
  }
  return { events, reviewed };
}

/** The event of a bus message (its start, update or end) as the store keeps it, or null for other messages. */
export function eventOfMessage(m: BusMessage): SightlineEvent | null {
  if (m.topic !== 'event') return null;
  const { cameraName: _name, armed: _armed, ...record } = m.message.event;
  // The bus does not carry the frame number; nothing on the page reads it.
  return { ...record, frame: 0 };
}

/** True when a live event belongs on the page under the filter (its camera, and a start within the range). */
export function liveEventFits(e: Pick<SightlineEvent, 'cameraId' | 'startTime'>, f: ReviewItemFilter): boolean {
  return (f.camera === '' || e.cameraId === f.camera) && (f.from === null || e.startTime >= f.from) && (f.to === null || e.startTime < f.to);
}

/** The state with a live event added or replaced (a later message of the same event carries its end or new data). */
export function addLiveEvent(state: ReviewState, e: SightlineEvent): ReviewState {
  const events = new Map(state.events);
  events.set(e.id, e);
  return { events, reviewed: state.reviewed };
}

/** The state with the events marked reviewed (or not). */
export function markEvents(state: ReviewState, ids: readonly string[], reviewed: boolean): ReviewState {
  const next = new Set(state.reviewed);
  for (const id of ids) {
    if (reviewed) next.add(id);
    else next.delete(id);
  }
  return { events: state.events, reviewed: next };
}

/** The items to show, newest first: every loaded event folded into items, those the filter keeps. */
export function shownItems(state: ReviewState, f: ReviewItemFilter): ShownItem[] {
  const out: ShownItem[] = [];
  for (const item of groupReviewItems([...state.events.values()])) {
    if (f.camera !== '' && item.cameraId !== f.camera) continue;
    if (f.severity !== '' && item.severity !== f.severity) continue;
    const reviewed = isItemReviewed(item, state.reviewed);
    if (f.reviewed !== '' && reviewed !== (f.reviewed === 'true')) continue;
    out.push({ item, reviewed });
  }
  return out;
}

/** The words of an event type ("zone enter"). */
export function typeWords(type: string): string {
  return type.replace(/_/g, ' ');
}

/** A duration in words: "a moment", "45 s", "3 min 5 s", "1 h 2 min". */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s === 0) return 'a moment';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The headline of an item: its alarm (or first event type) and its class, e.g. "Intrusion · person". */
export function itemTitle(item: Pick<ReviewItem, 'types' | 'class' | 'severity'>): string {
  const main = item.severity === 'alarm' ? (item.types.find((t) => t === 'intrusion' || t === 'loitering' || t === 'crowd') ?? item.types[0]!) : item.types[0]!;
  const words = typeWords(main);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} · ${item.class}`;
}
