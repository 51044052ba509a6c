/**
 * The notification outbox seam: a durable queue of MQTT events, webhook calls and emails. Every
 * notification is written here first and only marked delivered once the far end acknowledged it, so
 * a broker or endpoint that is down, or a server restart, loses nothing. Implementations pass the
 * contract suite in test/contracts/outbox-contract.ts.
 *
 * Items are pending until delivered. An item given up for good (retried past its deadline, or
 * undeliverable) stays undelivered with `nextAttempt` = {@link GAVE_UP} and keeps the reason in
 * `lastError`. Items of one channel are delivered in id order: an item is due only when no earlier
 * pending item of its channel is waiting for a later retry.
 *
 * The interface is synchronous: the dispatcher and the notifiers queue from bus handlers, which
 * are synchronous; a networked implementation would keep a local write-ahead queue behind it.
 */
import type { JsonObject } from '../core/json.ts';

/** `nextAttempt` of an item given up for good: later than any real time. */
export const GAVE_UP = Number.MAX_SAFE_INTEGER;

/** One queued notification. */
export interface OutboxItem {
  readonly id: number;
  /** `mqtt`, `webhook:<name>` or `email`. */
  readonly channel: string;
  readonly payload: JsonObject;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** Epoch ms of the next attempt; {@link GAVE_UP} when given up. */
  readonly nextAttempt: number;
  readonly lastError: string | null;
  /** Epoch ms; null while pending. */
  readonly deliveredAt: number | null;
}

/** The durable queue of notifications; failures throw SightlineError (STORE_INPUT_INVALID for a bad channel name). */
export interface Outbox {
  /** Queues a notification, due at once; returns its id. */
  enqueue(channel: string, payload: JsonObject, now: number): number;
  /** Pending items that may be attempted at `now`, oldest first: per channel, those before the first item still waiting for a later retry. */
  due(now: number, limit: number): OutboxItem[];
  /** The oldest pending item of a channel (due or not), or null; given-up items are skipped. */
  head(channel: string): OutboxItem | null;
  /** Channels that have pending items, sorted. */
  channels(): string[];
  /** One item by id, or null. */
  get(id: number): OutboxItem | null;
  /** Records a delivery. */
  markDelivered(id: number, at: number): void;
  /** Records a failed attempt and when to try again. */
  markFailed(id: number, error: string, nextAttempt: number): void;
  /** Records a last failed attempt and gives the item up for good. */
  markGaveUp(id: number, error: string): void;
  /** Makes every pending item of a channel due now (its far end came back); returns how many moved. */
  retryNow(channel: string, now: number): number;
  /** Items still to deliver (not given up). */
  pending(): number;
  /** Items not delivered, given up or not (what the metrics and the system page show). */
  undelivered(): number;
  /** Deletes items delivered, and items given up, more than `days` days before `now`; returns how many. */
  prune(now: number, days: number): number;
}
