/**
 * The settings forms as plain data: the fields an admin edits (strings, as inputs hold them) made
 * from the API's view of the settings, and the request bodies made from the fields. Secrets start
 * empty: an empty secret keeps the stored one.
 */
import type { Answer, api } from '../api/endpoints.ts';

/** GET /api/settings. */
export type SettingsView = Answer<typeof api.settings>;

/** The event types a notification target may be limited to. */
export const NOTIFY_TYPES = ['line_crossing', 'zone_enter', 'zone_exit', 'intrusion', 'loitering', 'crowd'] as const;

/** One event type. */
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/** The MQTT fields. */
export interface MqttFields {
  enabled: boolean;
  url: string;
  prefix: string;
  username: string;
  password: string;
  hasPassword: boolean;
  discovery: boolean;
}

/** The SMTP fields. */
export interface SmtpFields {
  enabled: boolean;
  host: string;
  port: string;
  secure: boolean;
  username: string;
  password: string;
  hasPassword: boolean;
  from: string;
  to: string;
  types: NotifyType[];
}

/** One webhook's fields; `key` tells rows apart while names are edited. */
export interface WebhookFields {
  key: number;
  name: string;
  url: string;
  secret: string;
  hasSecret: boolean;
  /** Empty: every type. */
  types: NotifyType[];
  /** Comma-separated camera names; empty: every camera. */
  cameras: string;
}

/** Every notification field. */
export interface NotificationFields {
  mqtt: MqttFields;
  smtp: SmtpFields;
  webhooks: WebhookFields[];
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The fields of the targets in force. */
export function notificationFields(n: SettingsView['notifications']): NotificationFields {
  return {
    mqtt: n.mqtt === null
      ? { enabled: false, url: '', prefix: 'sightline', username: '', password: '', hasPassword: false, discovery: true }
      : { enabled: true, url: n.mqtt.url, prefix: n.mqtt.prefix, username: n.mqtt.username ?? '', password: '', hasPassword: n.mqtt.hasPassword, discovery: n.mqtt.discovery.enabled },
    smtp: n.smtp === null
      ? { enabled: false, host: '', port: '587', secure: false, username: '', password: '', hasPassword: false, from: '', to: '', types: ['intrusion', 'loitering', 'crowd'] }
      : {
          enabled: true,
          host: n.smtp.host,
          port: String(n.smtp.port),
          secure: n.smtp.secure,
          username: n.smtp.username ?? '',
          password: '',
          hasPassword: n.smtp.hasPassword,
          from: n.smtp.from,
          to: n.smtp.to.join(', '),
          types: [...n.smtp.types],
        },
    webhooks: n.webhooks.map((w, i) => ({ key: i, name: w.name, url: w.url, secret: '', hasSecret: w.hasSecret, types: [...(w.types ?? [])], cameras: (w.cameras ?? []).join(', ') })),
  };
}

/** The body of PUT /api/settings/notifications (empty secrets left out: the stored ones are kept). */
export function notificationBody(f: NotificationFields): unknown {
  const m = f.mqtt;
  const s = f.smtp;
  return {
    mqtt: m.enabled
      ? {
          url: m.url.trim(),
          prefix: m.prefix.trim(),
          ...(m.username.trim() !== '' && { username: m.username.trim() }),
          ...(m.password !== '' && { password: m.password }),
          discovery: { enabled: m.discovery },
        }
      : null,
    webhooks: f.webhooks.map((w) => ({
      name: w.name.trim(),
      url: w.url.trim(),
      ...(w.secret !== '' && { secret: w.secret }),
      ...(w.types.length > 0 && { types: w.types }),
      ...(list(w.cameras).length > 0 && { cameras: list(w.cameras) }),
    })),
    smtp: s.enabled
      ? {
          host: s.host.trim(),
          port: Number(s.port),
          secure: s.secure,
          ...(s.username.trim() !== '' && { username: s.username.trim() }),
          ...(s.password !== '' && { password: s.password }),
          from: s.from.trim(),
          to: list(s.to),
          types: s.types,
        }
      : null,
  };
}

/** Object filter fields of one class: score 0..1 and size in percent of the picture, as typed (empty: no limit). */
export interface FilterFields {
  minScore: string;
  minAreaPercent: string;
}

/** The object filter fields of every class. */
export function filterFields(filters: SettingsView['objectFilters']['filters'], classes: readonly string[]): Record<string, FilterFields> {
  const table = filters as Record<string, { minScore?: number | undefined; minArea?: number | undefined } | undefined>;
  return Object.fromEntries(
    classes.map((c) => {
      const f = table[c];
      return [c, { minScore: f?.minScore === undefined ? '' : String(f.minScore), minAreaPercent: f?.minArea === undefined ? '' : String(Number((f.minArea * 100).toPrecision(6))) }];
    }),
  );
}

/** The body of PUT /api/settings/object-filters: classes with no limit left out. */
export function filterBody(fields: Record<string, FilterFields>): unknown {
  const filters: Record<string, { minScore?: number; minArea?: number }> = {};
  for (const [c, f] of Object.entries(fields)) {
    const minScore = f.minScore.trim() === '' ? undefined : Number(f.minScore);
    const minArea = f.minAreaPercent.trim() === '' ? undefined : Number(f.minAreaPercent) / 100;
    if (minScore === undefined && minArea === undefined) continue;
    filters[c] = { ...(minScore !== undefined && { minScore }), ...(minArea !== undefined && { minArea }) };
  }
  return { filters };
}
