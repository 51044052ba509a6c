/**
 * The pure rules of the runtime settings (see schema/settings.ts): which stored secret a write keeps,
 * how secrets are split from what may be shown and stored in clear, and what a change changed, in
 * field paths and values, secrets named but never valued (for the audit log).
 */
import { canonicalJson, isJsonObject, type JsonObject, type JsonValue } from '../core/json.ts';
import { notificationSettingsSchema, type NotificationSettings, type NotificationSettingsInput } from './schema/settings.ts';

/** A field of an input that cannot be accepted, with its path. */
export interface SettingsIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The secrets of the notification targets, kept apart from the rest (sealed in the store). */
export interface NotificationSecrets {
  readonly mqttPassword?: string;
  readonly smtpPassword?: string;
  /** Webhook name → signing secret. */
  readonly webhookSecrets: Readonly<Record<string, string>>;
}

function given(secret: string | undefined): string | undefined {
  return secret === undefined || secret === '' ? undefined : secret;
}

/**
 * The targets an admin wrote, with each secret left out or empty taken from `current` (MQTT and SMTP
 * passwords only while a user name is given; a webhook's secret by its name). A new webhook without
 * a secret is an issue at its path.
 */
export function withStoredSecrets(input: NotificationSettingsInput, current: NotificationSettings): { ok: true; value: NotificationSettings } | { ok: false; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  const passwordOf = (username: string | undefined, typed: string | undefined, stored: string | undefined): { password?: string } => {
    if (username === undefined) return {};
    const password = given(typed) ?? stored;
    return password === undefined ? {} : { password };
  };
  let mqtt: NotificationSettings['mqtt'] = null;
  if (input.mqtt !== null) {
    const { password, ...rest } = input.mqtt;
    mqtt = { ...rest, ...passwordOf(rest.username, password, current.mqtt?.password) };
  }
  let smtp: NotificationSettings['smtp'] = null;
  if (input.smtp !== null) {
    const { password, ...rest } = input.smtp;
    smtp = { ...rest, ...passwordOf(rest.username, password, current.smtp?.password) };
  }
  const webhooks = input.webhooks.map((w, i) => {
    const { secret, ...rest } = w;
    const kept = given(secret) ?? current.webhooks.find((o) => o.name === w.name)?.secret;
    if (kept === undefined) issues.push({ path: ['webhooks', i, 'secret'], message: `the new webhook "${w.name}" needs a secret of 16 characters or more` });
    return { ...rest, secret: kept ?? '' };
  });
  if (issues.length > 0) return { ok: false, issues };
  const checked = notificationSettingsSchema.safeParse({ mqtt, webhooks, smtp });
  if (!checked.success) return { ok: false, issues: checked.error.issues.map((i) => ({ path: i.path.filter((p) => typeof p !== 'symbol'), message: i.message })) };
  return { ok: true, value: checked.data };
}

/** The targets split into what may be stored in clear and shown (`open`, no secret in it) and their secrets. */
export function splitSecrets(s: NotificationSettings): { readonly open: JsonObject; readonly secrets: NotificationSecrets } {
  const { password: mqttPassword, ...mqtt } = s.mqtt ?? { password: undefined };
  const { password: smtpPassword, ...smtp } = s.smtp ?? { password: undefined };
  const open = {
    mqtt: s.mqtt === null ? null : mqtt,
    webhooks: s.webhooks.map(({ secret: _s, ...rest }) => rest),
    smtp: s.smtp === null ? null : smtp,
  };
  return {
    open: JSON.parse(JSON.stringify(open)) as JsonObject,
    secrets: {
      ...(mqttPassword !== undefined && { mqttPassword }),
      ...(smtpPassword !== undefined && { smtpPassword }),
      webhookSecrets: Object.fromEntries(s.webhooks.map((w) => [w.name, w.secret])),
    },
  };
}

/** The targets put together again from {@link splitSecrets}' parts; throws when they do not make valid settings. */
export function joinSecrets(open: JsonObject, secrets: NotificationSecrets): NotificationSettings {
  const mqtt = isJsonObject(open['mqtt']) ? { ...open['mqtt'], ...(secrets.mqttPassword !== undefined && { password: secrets.mqttPassword }) } : null;
  const smtp = isJsonObject(open['smtp']) ? { ...open['smtp'], ...(secrets.smtpPassword !== undefined && { password: secrets.smtpPassword }) } : null;
  const hooks = Array.isArray(open['webhooks']) ? (open['webhooks'] as readonly JsonValue[]) : [];
  const webhooks = hooks.map((w) => (isJsonObject(w) ? { ...w, secret: secrets.webhookSecrets[String(w['name'])] ?? '' } : w));
  return notificationSettingsSchema.parse({ mqtt, webhooks, smtp });
}

/** One field a change changed: its old and new value, or just `changed` for a secret. */
export type SettingsChange = { readonly from: JsonValue; readonly to: JsonValue } | 'changed';

const SECRET_FIELDS = new Set(['password', 'secret']);

function flatten(value: JsonValue | undefined, prefix: string, out: Map<string, JsonValue>): void {
  if (value !== undefined && isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return;
  }
  if (value !== undefined) out.set(prefix, value);
}

/**
 * What changed from `before` to `after`, by field path (`mqtt.url`, `webhooks.door.types`): arrays
 * compare whole, a list of objects with names (webhooks) compares by name. A field named `password`
 * or `secret` is reported as `changed`, never with its value.
 */
export function settingsChanges(before: JsonValue, after: JsonValue): Record<string, SettingsChange> {
  const a = new Map<string, JsonValue>();
  const b = new Map<string, JsonValue>();
  flatten(byName(before), '', a);
  flatten(byName(after), '', b);
  const out: Record<string, SettingsChange> = {};
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const from = a.get(key) ?? null;
    const to = b.get(key) ?? null;
    if (canonicalJson(from) === canonicalJson(to)) continue;
    out[key] = SECRET_FIELDS.has(key.split('.').at(-1) ?? '') ? 'changed' : { from, to };
  }
  return out;
}

/** Lists of named objects as objects by name, recursively, so that their fields diff one by one. */
function byName(v: JsonValue): JsonValue {
  if (Array.isArray(v)) {
    const list = v as readonly JsonValue[];
    if (list.length > 0 && list.every((x) => isJsonObject(x) && typeof x['name'] === 'string')) {
      return Object.fromEntries(list.map((x) => [String((x as JsonObject)['name']), byName(x)]));
    }
    return list;
  }
  if (isJsonObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, byName(x)]));
  return v;
}
