/**
 * MQTT notifications in Frigate's topic layout (see mqtt-topics.ts), with Home Assistant discovery.
 *
 * Events go through the outbox (channel `mqtt`): each is published with QoS 1 and marked delivered
 * only when the broker acknowledged it (PUBACK), so while the broker is down they wait in SQLite and
 * are sent in order when it returns. Delivery is at least once: a message in flight when the
 * connection drops may be sent again on reconnect, so subscribers that must not see a step twice
 * drop repeats by `after.id` and `type`. Retained state (availability, counts, alarms, discovery)
 * is kept in memory and published again on every (re)connect; its latest value wins.
 *
 * The broker's last will sets `<prefix>/available` to `offline` (retained) when the connection dies;
 * `online` is published on each connect and `offline` on a clean stop. The password is handed to
 * the client only and never appears in a message.
 */
import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { z } from 'zod';
import type { mqttSchema } from '../config/schema/server.ts';
import { SightlineError } from '../core/errors.ts';
import type { CountMessage, LiveEventKind, LiveEventMessage, ObjectCountMessage } from '../events/live-event.ts';
import { redactText, redactUrl } from '../ingest/redact-url.ts';
import { isJsonObject, type JsonObject } from '../core/json.ts';
import type { DeliveryContext } from './dispatcher.ts';
import {
  availabilityTopic,
  discoveryConfigs,
  eventsTopic,
  frigateEvent,
  isZoneAlarm,
  lineCountTopic,
  objectCountTopic,
  zoneAlarmTopic,
  type AnnouncedCamera,
} from './mqtt-topics.ts';

/** The `mqtt` section of the server configuration. */
export type MqttConfig = z.infer<typeof mqttSchema>;

/** The outbox channel of MQTT events. */
export const MQTT_CHANNEL = 'mqtt';

/** Where the notifier queues events: the dispatcher. */
export interface NotifyQueue {
  enqueue(channel: string, payload: JsonObject): number;
  retryNow(channel: string): void;
}

/** An event the broker acknowledged, for latency measurement. */
export interface MqttEventDelivery {
  readonly outboxId: number;
  readonly topic: string;
  readonly kind: LiveEventKind;
  readonly eventId: string;
  /** Epoch ms at which the frame that caused the event was received. */
  readonly frameTime: number;
  /** The JSON published. */
  readonly payload: JsonObject;
}

/** Log lines of the notifiers (never with a secret in them). */
export type NotifyLog = (level: 'info' | 'warn', message: string) => void;

/** How to build an MQTT notifier. */
export interface MqttNotifierOptions {
  readonly config: MqttConfig;
  readonly queue: NotifyQueue;
  readonly now: () => number;
  /** Called after the broker acknowledged an event (PUBACK), with the clock's time then. */
  readonly onDelivered?: (delivery: MqttEventDelivery, deliveredAtMs: number) => void;
  readonly log?: NotifyLog;
  /** Wait between reconnection attempts, ms. Default 5000. */
  readonly reconnectMs?: number;
  /** How long a publish waits for its PUBACK before the attempt counts as failed, ms. Default 30000. */
  readonly publishTimeoutMs?: number;
}

/** How long a clean stop waits for the broker, ms. */
const CLOSE_TIMEOUT_MS = 2000;

/** Steps of open events kept for `before`; the oldest are forgotten past this (events that never ended). */
const MAX_OPEN_EVENTS = 10_000;

/** Publishes events, counts, alarms, availability and discovery to an MQTT broker; see the file header. */
export class MqttNotifier {
  private client: MqttClient | null = null;
  private closing = false;
  private wasConnected = false;
  private lastError = '';
  private readonly retained = new Map<string, string>();
  private readonly lastAfter = new Map<string, JsonObject>();
  private readonly openAlarms = new Map<string, Set<string>>();
  private announcedTopics = new Set<string>();
  private readonly inflight = new Set<(error: Error) => void>();
  private readonly url: string;

  constructor(private readonly options: MqttNotifierOptions) {
    this.url = redactUrl(options.config.url);
  }

  /** Connects (and keeps reconnecting) to the broker. */
  start(): void {
    if (this.client !== null) return;
    const { config } = this.options;
    const opts: IClientOptions = {
      clientId: config.clientId ?? `sightline-${randomBytes(4).toString('hex')}`,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: this.options.reconnectMs ?? 5000,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: availabilityTopic(config.prefix), payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    if (config.username !== undefined) opts.username = config.username;
    if (config.password !== undefined) opts.password = config.password;
    const client = connect(config.url, opts);
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('close', () => {
      if (this.wasConnected && !this.closing) this.log('warn', `MQTT connection to ${this.url} lost; reconnecting`);
      this.wasConnected = false;
    });
    client.on('error', (error) => {
      const message = redactText(error.message, [this.options.config.url]);
      if (message !== this.lastError) this.log('warn', `MQTT broker ${this.url}: ${message}`);
      this.lastError = message;
    });
  }

  /** Whether the broker connection is up. */
  connected(): boolean {
    return this.client?.connected === true;
  }

  /** Handles one event step: queues it for `<prefix>/events` and sets zone alarm topics; unarmed events are ignored. */
  onEvent(message: LiveEventMessage): void {
    const body = message.event;
    if (!body.armed) return;
    // Frigate's `frame_time`: when the frame behind this step was received, seconds since the epoch.
    const after = { ...frigateEvent(body), frame_time: message.frameTime / 1000 };
    const before = message.kind === 'new' ? after : (this.lastAfter.get(body.id) ?? after);
    if (message.kind === 'end') this.lastAfter.delete(body.id);
    else this.remember(body.id, after);
    const topic = eventsTopic(this.options.config.prefix);
    this.options.queue.enqueue(MQTT_CHANNEL, {
      topic,
      kind: message.kind,
      eventId: body.id,
      frameTime: message.frameTime,
      message: { type: message.kind, before, after },
    });
    if (isZoneAlarm(body.type)) {
      const alarmTopic = zoneAlarmTopic(this.options.config.prefix, body.cameraName, body.rule, body.type);
      let open = this.openAlarms.get(alarmTopic);
      if (!open) this.openAlarms.set(alarmTopic, (open = new Set()));
      if (message.kind === 'end') open.delete(body.id);
      else open.add(body.id);
      this.setRetained(alarmTopic, open.size > 0 ? 'ON' : 'OFF');
    }
  }

  /** Publishes a line's daily totals. */
  onCount(message: CountMessage): void {
    const { prefix } = this.options.config;
    this.setRetained(lineCountTopic(prefix, message.cameraName, message.line, 'in'), String(message.in));
    this.setRetained(lineCountTopic(prefix, message.cameraName, message.line, 'out'), String(message.out));
  }

  /** Publishes the objects of each class in view. */
  onObjects(message: ObjectCountMessage): void {
    for (const [cls, n] of Object.entries(message.counts)) {
      this.setRetained(objectCountTopic(this.options.config.prefix, message.cameraName, cls), String(n));
    }
  }

  /**
   * Publishes Home Assistant discovery configs for these cameras (when discovery is enabled), clears
   * the configs of entities announced before but gone now (empty retained payloads), and sets each
   * zone alarm that is not open to OFF.
   */
  announce(cameras: readonly AnnouncedCamera[]): void {
    const { prefix, discovery } = this.options.config;
    for (const cam of cameras) {
      for (const zone of cam.zones) {
        for (const alarm of zone.alarms) {
          const topic = zoneAlarmTopic(prefix, cam.name, zone.name, alarm);
          if ((this.openAlarms.get(topic)?.size ?? 0) === 0) this.setRetained(topic, 'OFF');
        }
      }
    }
    if (!discovery.enabled) return;
    const configs = discoveryConfigs({ prefix, discoveryPrefix: discovery.prefix }, cameras);
    for (const topic of this.announcedTopics) if (!configs.has(topic)) this.setRetained(topic, '');
    for (const [topic, config] of configs) this.setRetained(topic, JSON.stringify(config));
    this.announcedTopics = new Set(configs.keys());
  }

  /** Delivers one queued event: publishes it with QoS 1 and resolves on the broker's PUBACK. */
  async deliver(payload: JsonObject, context: DeliveryContext): Promise<void> {
    const { topic, message, kind, eventId, frameTime } = payload;
    if (typeof topic !== 'string' || !isJsonObject(message) || (kind !== 'new' && kind !== 'update' && kind !== 'end')) {
      throw new SightlineError('NOTIFY_FAILED', `outbox item ${context.id} is not an MQTT event`);
    }
    const client = this.client;
    if (client === null || !client.connected) throw new SightlineError('NOTIFY_FAILED', `the MQTT broker ${this.url} is not connected`);
    await this.publishAcked(client, topic, JSON.stringify(message), context.signal);
    this.options.onDelivered?.(
      { outboxId: context.id, topic, kind, eventId: String(eventId), frameTime: typeof frameTime === 'number' ? frameTime : NaN, payload: message },
      this.options.now(),
    );
  }

  /** Publishes `offline` (retained) and disconnects; events still queued stay in the outbox. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const fail of [...this.inflight]) fail(new SightlineError('NOTIFY_FAILED', 'the MQTT notifier stopped'));
    const client = this.client;
    if (client === null) return;
    let graceful = false;
    if (client.connected) {
      try {
        await this.publishAcked(client, availabilityTopic(this.options.config.prefix), 'offline', undefined, true, CLOSE_TIMEOUT_MS);
        graceful = true;
      } catch {
        // The broker went away as we stopped; the last will says offline for us.
      }
    }
    if (!graceful || !client.connected) {
      // mqtt.js never calls back from end() once its socket is already closed: do not wait for it.
      client.end(true);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.end(true);
        resolve();
      }, CLOSE_TIMEOUT_MS);
      timer.unref();
      client.end(false, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onConnect(): void {
    const client = this.client;
    if (client === null || this.closing) return;
    this.wasConnected = true;
    this.lastError = '';
    this.log('info', `MQTT connected to ${this.url}`);
    this.publishRetained(availabilityTopic(this.options.config.prefix), 'online');
    for (const [topic, value] of this.retained) this.publishRetained(topic, value);
    this.options.queue.retryNow(MQTT_CHANNEL);
  }

  private setRetained(topic: string, value: string): void {
    if (this.retained.get(topic) === value) return;
    this.retained.set(topic, value);
    if (this.connected()) this.publishRetained(topic, value);
  }

  private publishRetained(topic: string, value: string): void {
    this.client?.publish(topic, value, { qos: 1, retain: true }, (error) => {
      if (error && !this.closing) this.log('warn', `MQTT publish to ${topic} failed: ${error.message}`);
    });
  }

  /** Publishes with QoS 1 and resolves on PUBACK; rejects on error, timeout, abort or close. */
  private publishAcked(client: MqttClient, topic: string, text: string, signal?: AbortSignal, retain = false, timeoutMs?: number): Promise<void> {
    const limit = timeoutMs ?? this.options.publishTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inflight.delete(finish);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish(new SightlineError('NOTIFY_FAILED', 'the MQTT publish was interrupted by shutdown'));
      const timer = setTimeout(() => finish(new SightlineError('NOTIFY_FAILED', `the MQTT broker ${this.url} did not acknowledge within ${limit} ms`)), limit);
      timer.unref();
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.inflight.add(finish);
      client.publish(topic, text, { qos: 1, retain }, (error) => {
        if (error) finish(new SightlineError('NOTIFY_FAILED', `MQTT publish to ${this.url} failed: ${redactText(error.message, [this.options.config.url])}`, { cause: error }));
        else finish();
      });
    });
  }

  private remember(id: string, after: JsonObject): void {
    this.lastAfter.delete(id);
    this.lastAfter.set(id, after);
    if (this.lastAfter.size > MAX_OPEN_EVENTS) {
      const oldest = this.lastAfter.keys().next().value;
      if (oldest !== undefined) this.lastAfter.delete(oldest);
    }
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.options.log?.(level, message);
  }
}
