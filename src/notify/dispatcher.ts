/**
 * The dispatcher: delivers the outbox's items through one `deliver` function, channel by channel.
 * Within a channel items go one at a time in id order (the next waits until the one before it is
 * delivered or given up); channels run side by side, so a dead webhook never holds up MQTT.
 *
 * A failed attempt is retried after an exponential backoff with jitter (1 s, doubling, at most
 * 10 min by default); an item still failing 48 h after it was queued, or whose failure is an
 * {@link UndeliverableError}, is given up for good with its last error kept in the table. The
 * dispatcher wakes at once on `enqueue` and `retryNow`, and otherwise when the next retry falls
 * due, on an injected clock so that tests skip the waits. On start it resumes whatever a previous
 * run left pending.
 */
import { SightlineError } from '../core/errors.ts';
import type { JsonObject } from '../core/json.ts';
import type { Clock } from './clock.ts';
import type { Outbox, OutboxItem } from '../store/outbox.ts';

/** What a delivery attempt knows besides the payload. */
export interface DeliveryContext {
  /** The outbox id: stable across retries, so receivers can drop duplicates. */
  readonly id: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the dispatcher stops: give up the attempt quickly. */
  readonly signal: AbortSignal;
}

/** Sends one item; resolves once the far end acknowledged it, rejects to have it retried. */
export type Deliver = (channel: string, payload: JsonObject, context: DeliveryContext) => Promise<void>;

/** A failure that retrying cannot fix (the channel is no longer configured): the item is given up at once. */
export class UndeliverableError extends SightlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOTIFY_FAILED', message, options);
    this.name = 'UndeliverableError';
  }
}

/** How failed deliveries are retried. */
export interface BackoffPolicy {
  /** Delay after the first failure, ms. */
  readonly initialMs: number;
  /** Longest delay between attempts, ms. */
  readonly maxMs: number;
  /** An item still failing this long after it was queued is given up, ms. */
  readonly giveUpAfterMs: number;
  /** Fraction of each delay taken off at random (0 = none, 0.5 = between half and all of it). */
  readonly jitter: number;
}

/** 1 s doubling to 10 min, up to half of each delay taken off at random, given up after 48 h. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 10 * 60 * 1000, giveUpAfterMs: 48 * 60 * 60 * 1000, jitter: 0.5 };

/** The delay before the next attempt after `failures` failed attempts (1 or more); `random` returns [0, 1). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(Math.max(failures, 1) - 1, 40));
  return Math.max(0, Math.round(base * (1 - policy.jitter * random())));
}

/** What happened to an item, for logs and metrics. */
export type DispatchReport =
  | { readonly outcome: 'delivered'; readonly item: OutboxItem; readonly at: number }
  | { readonly outcome: 'failed'; readonly item: OutboxItem; readonly error: string; readonly nextAttempt: number }
  | { readonly outcome: 'gave_up'; readonly item: OutboxItem; readonly error: string }
  | { readonly outcome: 'error'; readonly error: string };

/** How to build a dispatcher. */
export interface DispatcherOptions {
  readonly outbox: Outbox;
  readonly deliver: Deliver;
  readonly clock: Clock;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Source of jitter, [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Told about every delivery, failure and give-up (messages hold no secrets if `deliver`'s errors hold none). */
  readonly onReport?: (report: DispatchReport) => void;
}

/** How long to wait before looking again after the database itself failed, ms. */
const DATABASE_RETRY_MS = 5000;

/** Delivers the outbox: per channel in order, with retries and backoff; see the file header. */
export class Dispatcher {
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly busy = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private started = false;
  private stopped = false;
  private pumpQueued = false;
  private timer: { readonly at: number; readonly cancel: () => void } | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
  }

  /** Starts delivering, beginning with what a previous run left pending. */
  start(): void {
    this.started = true;
    this.kick();
  }

  /** Queues a notification and wakes the dispatcher; returns the outbox id. */
  enqueue(channel: string, payload: JsonObject): number {
    const id = this.options.outbox.enqueue(channel, payload, this.options.clock.now());
    this.kick();
    return id;
  }

  /** Makes the channel's waiting items due now (its far end came back) and wakes the dispatcher. */
  retryNow(channel: string): void {
    if (this.stopped) return;
    this.options.outbox.retryNow(channel, this.options.clock.now());
    this.kick();
  }

  /** Items still to deliver. */
  pending(): number {
    return this.options.outbox.pending();
  }

  /** Stops: no new attempts, attempts in flight are aborted and awaited; undelivered items stay queued for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }

  private kick(): void {
    if (!this.started || this.stopped || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Starts every idle channel whose head is due and sets the timer for the earliest one that is not. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    let wake = Infinity;
    try {
      for (const channel of this.options.outbox.channels()) {
        if (this.busy.has(channel)) continue;
        const head = this.options.outbox.head(channel);
        if (head === null) continue;
        if (head.nextAttempt <= now) this.runChannel(channel);
        else wake = Math.min(wake, head.nextAttempt);
      }
    } catch (error) {
      this.report({ outcome: 'error', error: `the outbox could not be read: ${messageOf(error)}` });
      wake = now + DATABASE_RETRY_MS;
    }
    this.setTimer(wake, now);
  }

  private setTimer(at: number, now: number): void {
    if (this.timer?.at === at) return;
    this.timer?.cancel();
    this.timer = null;
    if (at === Infinity) return;
    const cancel = this.options.clock.schedule(() => {
      this.timer = null;
      this.pump();
    }, at - now);
    this.timer = { at, cancel };
  }

  private runChannel(channel: string): void {
    this.busy.add(channel);
    const run = (async () => {
      try {
        for (;;) {
          if (this.stopped) return;
          const item = this.options.outbox.head(channel);
          if (item === null || item.nextAttempt > this.options.clock.now()) return;
          if (!(await this.attempt(item))) return;
        }
      } catch (error) {
        this.report({ outcome: 'error', error: `the outbox could not be updated: ${messageOf(error)}` });
      } finally {
        this.busy.delete(channel);
        this.kick();
      }
    })();
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  /** One attempt; true when the channel may go on with its next item. */
  private async attempt(item: OutboxItem): Promise<boolean> {
    const { outbox, clock } = this.options;
    try {
      await this.options.deliver(item.channel, item.payload, { id: item.id, attempt: item.attempts + 1, signal: this.abort.signal });
    } catch (error) {
      // Interrupted by stop(): not the far end's fault, so not counted; the item stays due for the next start.
      if (this.stopped) return false;
      const message = messageOf(error);
      const now = clock.now();
      if (error instanceof UndeliverableError || now - item.createdAt >= this.policy.giveUpAfterMs) {
        outbox.markGaveUp(item.id, message);
        this.report({ outcome: 'gave_up', item, error: message });
        return true;
      }
      const nextAttempt = now + backoffDelay(item.attempts + 1, this.policy, this.random);
      outbox.markFailed(item.id, message, nextAttempt);
      this.report({ outcome: 'failed', item, error: message, nextAttempt });
      return false;
    }
    const at = clock.now();
    outbox.markDelivered(item.id, at);
    this.report({ outcome: 'delivered', item, at });
    return true;
  }

  private report(report: DispatchReport): void {
    try {
      this.options.onReport?.(report);
    } catch {
      // A failing listener must not stop deliveries.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
