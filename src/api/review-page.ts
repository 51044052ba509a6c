/**
 * One page of review items, newest first, from the event store: events are read newest first and
 * folded into items (src/core/review-items.ts) until enough items are whole — no older event can
 * join them — and the events after the page's upper bound that continue its items are folded in,
 * so an item that straddles two pages is shown whole on the older page and not on the newer one.
 */
import { EPISODE_GAP_MS, groupReviewItems, isItemReviewed, type ReviewItem, type ReviewSeverity } from '../core/review-items.ts';
import type { EventQuery, EventStore, StoredEvent } from '../store/event-store.ts';

/** Events read per store query. */
const SCAN_PAGE = 1000;
/** Store queries one page of items reads at most (newest first), so one request stays bounded. */
const MAX_SCANS = 10;

/** What a page asks for. */
export interface ReviewPageQuery {
  /** The cameras (one, or those the caller may see; null: all). */
  readonly cameraId?: string | undefined;
  readonly cameraIds?: readonly string[] | undefined;
  /** Items that start at or after this time. */
  readonly from?: number | undefined;
  /** Items that start before this time (the `nextTo` of the previous page). */
  readonly to?: number | undefined;
  readonly severity?: ReviewSeverity | undefined;
  /** Only reviewed (true) or only unreviewed (false) items. */
  readonly reviewed?: boolean | undefined;
  readonly limit: number;
}

/** An item of a page with the caller's marks. */
export interface ReviewPageItem {
  readonly item: ReviewItem<StoredEvent>;
  readonly reviewed: ReadonlySet<string>;
}

/** A page of items and the `to` of the next, older page (null on the last). */
export interface ReviewPage {
  readonly items: readonly ReviewPageItem[];
  readonly nextTo: number | null;
}

/** Reads one page of items; `reviewedOf` says which of a set of events the caller has marked. */
export async function readReviewPage(store: Pick<EventStore, 'queryEvents'>, q: ReviewPageQuery, reviewedOf: (ids: readonly string[]) => ReadonlySet<string>): Promise<ReviewPage> {
  const scope: EventQuery = { ...(q.cameraId !== undefined && { cameraId: q.cameraId }), ...(q.cameraIds !== undefined && { cameraIds: q.cameraIds }) };
  const events: StoredEvent[] = [];
  let cursor: string | null = null;
  let exhausted = false;
  for (let scans = 0; scans < MAX_SCANS && !exhausted; scans++) {
    const page = await store.queryEvents({ ...scope, ...(q.from !== undefined && { from: q.from }), ...(q.to !== undefined && { to: q.to }), order: 'desc', limit: SCAN_PAGE, ...(cursor !== null && { cursor }) });
    events.push(...page.events);
    cursor = page.nextCursor;
    exhausted = cursor === null;
    if (!exhausted && wanted(whole(groupReviewItems(events), events, false), q, reviewedOf).length >= q.limit) break;
  }
  // The events after the upper bound that continue the page's items (they began before it).
  const later = q.to === undefined ? [] : (await store.queryEvents({ ...scope, from: q.to, order: 'asc', limit: SCAN_PAGE })).events;
  const laterIds = new Set(later.map((e) => e.id));
  const items = whole(groupReviewItems([...events, ...later]), events, exhausted).filter((i) => !laterIds.has(i.id));
  const chosen = wanted(items, q, reviewedOf);
  if (chosen.length <= q.limit) {
    // Everything whole is on this page; the items cut off by the scan come on the next one.
    const oldest = events.at(-1)?.startTime;
    return { items: chosen, nextTo: exhausted || oldest === undefined ? null : items.length > 0 ? Math.min(...items.map((i) => i.start)) : oldest };
  }
  // The newest `limit` items, and any that start at the same time as the last of them.
  const bound = chosen[q.limit - 1]!.item.start;
  return { items: chosen.filter((c) => c.item.start >= bound), nextTo: bound };
}

/** The items that no event older than those read can join (all of them once the store has no more). */
function whole(items: ReviewItem<StoredEvent>[], read: readonly StoredEvent[], exhausted: boolean): ReviewItem<StoredEvent>[] {
  const oldest = read.at(-1)?.startTime;
  if (exhausted || oldest === undefined) return items;
  return items.filter((i) => i.start - oldest > EPISODE_GAP_MS);
}

/** The items that pass the severity and reviewed filters, with the caller's marks. */
function wanted(items: readonly ReviewItem<StoredEvent>[], q: ReviewPageQuery, reviewedOf: (ids: readonly string[]) => ReadonlySet<string>): ReviewPageItem[] {
  const bySeverity = q.severity === undefined ? items : items.filter((i) => i.severity === q.severity);
  const marks = reviewedOf(bySeverity.flatMap((i) => i.events.map((e) => e.id)));
  const out: ReviewPageItem[] = [];
  for (const item of bySeverity) {
    if (q.reviewed !== undefined && isItemReviewed(item, marks) !== q.reviewed) continue;
    out.push({ item, reviewed: marks });
  }
  return out;
}
