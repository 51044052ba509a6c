/**
 * Webhooks: each armed event step that passes a webhook's `types` and `cameras` filters is queued
 * in the outbox (channel `webhook:<name>`) and POSTed as JSON, `{"kind":"new"|"update"|"end",
 * "event":{...},"frameTime":<epoch ms>}`, retried with backoff until the endpoint answers 2xx.
 * Redirects are never followed (a 3xx counts as a failure), each attempt times out after 10 s.
 *
 * Headers of each request:
 * - `x-sightline-event`: the step, `new`, `update` or `end`.
 * - `x-sightline-delivery`: the delivery id, the same on every retry of one step: drop repeats by it.
 * - `x-sightline-timestamp`: Unix time in seconds when this attempt was sent.
 * - `x-sightline-signature`: `sha256=` and the lower-case hex HMAC-SHA256, keyed with the webhook's
 *   secret, of the timestamp, a dot and the raw body: `HMAC(secret, "<timestamp>.<body>")`.
 *
 * To verify, a receiver recomputes the HMAC over the body bytes exactly as received (before any JSON
 * parsing), compares it in constant time, and rejects timestamps more than a few minutes from its
 * clock, so a captured request cannot be replayed later; {@link verifyWebhookSignature} does this.
 * The secret never leaves the signing code: it is in no header, log line or error message.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import type { webhookSchema } from '../config/schema/server.ts';
import { SightlineError } from '../core/errors.ts';
import type { LiveEventMessage } from '../events/live-event.ts';
import { redactText } from '../ingest/redact-url.ts';
import type { JsonObject } from '../core/json.ts';
import { UndeliverableError, type DeliveryContext } from './dispatcher.ts';
import type { NotifyQueue } from './mqtt-notifier.ts';

/** One configured webhook. */
export type WebhookConfig = z.infer<typeof webhookSchema>;

/** Prefix of webhook outbox channels: `webhook:<name>`. */
export const WEBHOOK_CHANNEL_PREFIX = 'webhook:';

/** Default limit of one attempt, ms. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Default largest gap between a signature's timestamp and the receiver's clock, seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The outbox channel of a webhook. */
export function webhookChannel(name: string): string {
  return `${WEBHOOK_CHANNEL_PREFIX}${name}`;
}

/** The `x-sightline-signature` value of a body sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number | string, body: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(body);
  return `sha256=${hmac.digest('hex')}`;
}

/**
 * True when `header` (the `x-sightline-signature` value) is the signature of `body` at `timestamp`
 * (the `x-sightline-timestamp` value) with `secret`, compared in constant time. Given `nowMs`, also
 * false when the timestamp is more than `toleranceSeconds` (default 300) away from it.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number | string,
  body: string | Buffer,
  header: string | undefined,
  options: { readonly nowMs?: number; readonly toleranceSeconds?: number } = {},
): boolean {
  if (header === undefined || !/^\d{1,12}$/.test(String(timestamp))) return false;
  if (options.nowMs !== undefined) {
    const skew = Math.abs(options.nowMs / 1000 - Number(timestamp));
    if (skew > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How to build the webhook notifier. */
export interface WebhookNotifierOptions {
  readonly webhooks: readonly WebhookConfig[];
  readonly queue: NotifyQueue;
  readonly now: () => number;
  /** Limit of one attempt, ms. Default {@link WEBHOOK_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** Queues matching events for each webhook and delivers them signed; see the file header. */
export class WebhookNotifier {
  private readonly byName: ReadonlyMap<string, WebhookConfig>;

  constructor(private readonly options: WebhookNotifierOptions) {
    this.byName = new Map(options.webhooks.map((w) => [w.name, w]));
  }

  /** Queues the step for every webhook whose filters match; unarmed events are ignored. */
  onEvent(message: LiveEventMessage): void {
    const body = message.event;
    if (!body.armed) return;
    for (const hook of this.options.webhooks) {
      if (hook.types !== undefined && !hook.types.includes(body.type)) continue;
      if (hook.cameras !== undefined && !hook.cameras.includes(body.cameraName)) continue;
      this.options.queue.enqueue(webhookChannel(hook.name), { kind: message.kind, event: { ...body }, frameTime: message.frameTime });
    }
  }

  /** Delivers one queued item of `webhook:<name>`: resolves on a 2xx answer, rejects otherwise. */
  async deliver(name: string, payload: JsonObject, context: DeliveryContext): Promise<void> {
    const hook = this.byName.get(name);
    if (hook === undefined) throw new UndeliverableError(`the webhook "${name}" is no longer configured`);
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(this.options.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Sightline',
      'x-sightline-event': String(payload['kind']),
      'x-sightline-delivery': String(context.id),
      'x-sightline-timestamp': String(timestamp),
      'x-sightline-signature': signWebhook(hook.secret, timestamp, body),
    };
    let status: number;
    try {
      status = await post(new URL(hook.url), headers, body, this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS, context.signal);
    } catch (cause) {
      const reason = redactText(cause instanceof Error ? cause.message : String(cause), [hook.url]);
      throw new SightlineError('NOTIFY_FAILED', `webhook "${name}" failed: ${reason}`, { cause });
    }
    if (status < 200 || status > 299) {
      const note = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      throw new SightlineError('NOTIFY_FAILED', `webhook "${name}" answered HTTP ${status}${note}`);
    }
  }
}

/** POSTs `body` once, without following redirects; resolves with the status once the answer is read. */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, signal: AbortSignal): Promise<number> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false, signal }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}
