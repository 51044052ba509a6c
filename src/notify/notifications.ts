/**
 * Notifications, wired: subscribes the MQTT, webhook and email notifiers to the bus, queues what
 * they produce in the outbox, and runs the dispatcher that delivers it (resuming whatever a previous
 * run left pending). Unarmed events are stored by the server but notified nowhere. Delivered items
 * are pruned from the outbox after a week.
 */
import type { Bus } from '../events/bus.ts';
import type { LiveEventMessage } from '../events/live-event.ts';
import type { Outbox } from '../store/outbox.ts';
import { ChannelRouter } from './channel-router.ts';
import { systemSchedule, type Schedule } from './clock.ts';
import { Dispatcher, type BackoffPolicy, type DispatchReport } from './dispatcher.ts';
import { EMAIL_CHANNEL, EmailNotifier, type SmtpConfig } from './email-notifier.ts';
import { assertTimeZone } from '../events/local-time.ts';
import { MQTT_CHANNEL, MqttNotifier, type MqttConfig, type MqttEventDelivery, type NotifyLog } from './mqtt-notifier.ts';
import type { AnnouncedCamera } from './mqtt-topics.ts';
import { webhookChannel, WebhookNotifier, type WebhookConfig } from './webhook-notifier.ts';

/** The notification parts of the server configuration. */
export interface NotificationsConfig {
  readonly mqtt?: MqttConfig | undefined;
  readonly webhooks?: readonly WebhookConfig[] | undefined;
  readonly smtp?: SmtpConfig | undefined;
}

/** What notifications are built from. */
export interface StartNotificationsOptions {
  readonly config: NotificationsConfig;
  /** The durable queue the notifications go through. */
  readonly outbox: Outbox;
  readonly bus: Bus;
  /** Absolute data directory; event snapshot paths are relative to it. */
  readonly dataDir: string;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** The timer that follows `now`. Default real, unref'd timers. */
  readonly schedule?: Schedule;
  /** IANA time zone for times shown in emails; default the machine's. Checked at start. */
  readonly timeZone?: string | undefined;
  readonly log?: NotifyLog;
  /** Retry policy; default 1 s doubling to 10 min, given up after 48 h. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Jitter source, [0, 1). */
  readonly random?: () => number;
  /** Called when the broker acknowledged an MQTT event (for frame-to-MQTT latency). */
  readonly onMqttDelivered?: (delivery: MqttEventDelivery, deliveredAtMs: number) => void;
  /** Wait between MQTT reconnection attempts, ms. Default 5000. */
  readonly mqttReconnectMs?: number;
  /** Limit of one webhook attempt, ms. Default 10000. */
  readonly webhookTimeoutMs?: number;
  /** Days delivered items stay in the outbox. Default 7. */
  readonly keepDeliveredDays?: number;
}

/** The running notifications. */
export interface Notifications {
  /** (Re)announces the cameras to Home Assistant over MQTT; call again whenever cameras change. */
  announce(cameras: readonly AnnouncedCamera[]): void;
  /** Stops: unsubscribes, interrupts deliveries in flight (they stay queued), publishes MQTT `offline` and disconnects. */
  stop(): Promise<void>;
  /** Whether the MQTT broker connection is up (false without MQTT). */
  mqttConnected(): boolean;
  /** Outbox items still to deliver. */
  pending(): number;
}

const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

/** Starts notifications from the configuration; throws CONFIG_INVALID on an unknown time zone. */
export function startNotifications(options: StartNotificationsOptions): Notifications {
  assertTimeZone(options.timeZone);
  const { config, bus, now } = options;
  const schedule = options.schedule ?? systemSchedule;
  const log: NotifyLog = options.log ?? (() => undefined);
  const { outbox } = options;
  const router = new ChannelRouter();

  let mqtt: MqttNotifier | null = null;
  let email: EmailNotifier | null = null;
  let webhooks: WebhookNotifier | null = null;

  const dispatcherOptions = {
    outbox,
    deliver: router.deliver,
    clock: { now, schedule },
    onReport: (r: DispatchReport) => reportToLog(r, log),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.random === undefined ? {} : { random: options.random }),
  };
  const dispatcher = new Dispatcher(dispatcherOptions);

  if (config.mqtt !== undefined) {
    const m = new MqttNotifier({
      config: config.mqtt,
      queue: dispatcher,
      now,
      log,
      ...(options.onMqttDelivered === undefined ? {} : { onDelivered: options.onMqttDelivered }),
      ...(options.mqttReconnectMs === undefined ? {} : { reconnectMs: options.mqttReconnectMs }),
    });
    router.register([{ channel: MQTT_CHANNEL, deliver: (payload, context) => m.deliver(payload, context) }]);
    mqtt = m;
  }
  if (config.webhooks !== undefined && config.webhooks.length > 0) {
    const w = new WebhookNotifier({
      webhooks: config.webhooks,
      queue: dispatcher,
      now,
      ...(options.webhookTimeoutMs === undefined ? {} : { timeoutMs: options.webhookTimeoutMs }),
    });
    router.register(config.webhooks.map((hook) => ({ channel: webhookChannel(hook.name), deliver: (payload, context) => w.deliver(hook.name, payload, context) })));
    webhooks = w;
  }
  if (config.smtp !== undefined) {
    const e = new EmailNotifier({ config: config.smtp, queue: dispatcher, dataDir: options.dataDir, timeZone: options.timeZone });
    router.register([{ channel: EMAIL_CHANNEL, deliver: (payload, context) => e.deliver(payload, context) }]);
    email = e;
  }

  const each = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      log('warn', `${what} could not be queued: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const onEvent = (m: LiveEventMessage): void => {
    if (!m.event.armed) return;
    if (mqtt) each('an MQTT event', () => mqtt?.onEvent(m));
    if (webhooks) each('a webhook call', () => webhooks?.onEvent(m));
    if (email) each('an email', () => email?.onEvent(m));
  };
  const unsubscribe = [
    bus.subscribe('event', onEvent),
    bus.subscribe('count', (m) => mqtt?.onCount(m)),
    bus.subscribe('objects', (m) => mqtt?.onObjects(m)),
  ];

  const keepDays = options.keepDeliveredDays ?? 7;
  let cancelPrune = (): void => undefined;
  const prune = (): void => {
    try {
      const removed = outbox.prune(now(), keepDays);
      if (removed > 0) log('info', `pruned ${removed} old notifications from the outbox`);
    } catch (error) {
      log('warn', `the outbox could not be pruned: ${error instanceof Error ? error.message : String(error)}`);
    }
    cancelPrune = schedule(prune, PRUNE_EVERY_MS);
  };
  prune();

  mqtt?.start();
  dispatcher.start();

  let stopping: Promise<void> | null = null;
  return {
    announce: (cameras) => mqtt?.announce(cameras),
    mqttConnected: () => mqtt?.connected() ?? false,
    pending: () => dispatcher.pending(),
    stop: () => {
      stopping ??= (async () => {
        for (const off of unsubscribe) off();
        cancelPrune();
        await dispatcher.stop();
        email?.close();
        await mqtt?.close();
      })();
      return stopping;
    },
  };
}

/** Notifications whose targets can be replaced while the server runs. */
export interface ReconfigurableNotifications extends Notifications {
  /**
   * Replaces the targets: the running notifiers stop (deliveries in flight stay queued) and new
   * ones start from `config`, announced with the cameras last announced. Items queued for a target
   * that is gone are given up as undeliverable.
   */
  reconfigure(config: NotificationsConfig): Promise<void>;
}

/** Starts notifications that {@link ReconfigurableNotifications.reconfigure} can rebuild; see {@link startNotifications}. */
export function startReconfigurableNotifications(options: StartNotificationsOptions): ReconfigurableNotifications {
  let current = startNotifications(options);
  let announced: readonly AnnouncedCamera[] | null = null;
  let switching: Promise<void> = Promise.resolve();
  let stopped = false;
  return {
    announce: (cameras) => {
      announced = cameras;
      current.announce(cameras);
    },
    mqttConnected: () => current.mqttConnected(),
    pending: () => current.pending(),
    reconfigure: (config) => {
      switching = switching.then(async () => {
        if (stopped) return;
        await current.stop();
        current = startNotifications({ ...options, config });
        if (announced !== null) current.announce(announced);
      });
      return switching;
    },
    stop: async () => {
      stopped = true;
      await switching.catch(() => undefined);
      await current.stop();
    },
  };
}

function reportToLog(r: DispatchReport, log: NotifyLog): void {
  if (r.outcome === 'failed' && r.item.attempts === 0) {
    log('warn', `notification ${r.item.id} (${r.item.channel}) failed, retrying with backoff: ${r.error}`);
  } else if (r.outcome === 'gave_up') {
    log('warn', `notification ${r.item.id} (${r.item.channel}) given up after ${r.item.attempts + 1} attempts: ${r.error}`);
  } else if (r.outcome === 'error') {
    log('warn', r.error);
  }
}
