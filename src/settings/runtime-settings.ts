/**
 * The runtime settings service: the notification targets, retention limits and object filters in
 * force, from the configuration file unless the app wrote them (then from the database, secrets
 * sealed by the secret box). Writes are validated, stored, then applied through the listeners
 * (the notifiers are rebuilt; retention and the cameras read the getters on their next pass or
 * frame), one write at a time. Reads are from memory. Nothing here returns a secret except the
 * getters the server's own notifiers are built from.
 */
import { SightlineError } from '../core/errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/json.ts';
import type { ObjectFilters } from '../core/object-filter.ts';
import {
  notificationSettingsInputSchema,
  objectFilterSettingsSchema,
  retentionSettingsSchema,
  SETTINGS_SECTIONS,
  type NotificationSettings,
  type NotificationSettingsInput,
  type ObjectFilterSettings,
  type RetentionSettings,
  type SettingsSection,
} from '../config/schema/settings.ts';
import type { ServerConfig } from '../config/schema/server.ts';
import { joinSecrets, settingsChanges, splitSecrets, withStoredSecrets, type NotificationSecrets, type SettingsChange, type SettingsIssue } from '../config/settings.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { SettingsStore } from '../store/settings.ts';
import { testEmail, testMqtt, testWebhook, type TestSendResult } from '../notify/test-send.ts';

/** Where a section's values come from now. */
export interface SettingsSource {
  readonly from: 'config' | 'app';
  /** Epoch ms of the app's last write; null while the configuration file's apply. */
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}

/** The notification targets as shown: every secret replaced by whether one is stored. */
export interface NotificationSettingsView {
  readonly mqtt: (Omit<NonNullable<NotificationSettings['mqtt']>, 'password'> & { readonly hasPassword: boolean }) | null;
  readonly webhooks: readonly (Omit<NotificationSettings['webhooks'][number], 'secret'> & { readonly hasSecret: boolean })[];
  readonly smtp: (Omit<NonNullable<NotificationSettings['smtp']>, 'password'> & { readonly hasPassword: boolean }) | null;
}

/** Every runtime setting as the API shows it: no secret in it. */
export interface SettingsView {
  readonly notifications: NotificationSettingsView;
  readonly retention: RetentionSettings;
  readonly objectFilters: ObjectFilterSettings;
  readonly sources: Readonly<Record<SettingsSection, SettingsSource>>;
}

/** What a write changed, by field path (secrets only as `changed`). */
export interface SettingsUpdate {
  readonly section: SettingsSection;
  readonly changes: Readonly<Record<string, SettingsChange>>;
}

/** One target for "send a test". */
export type TestTarget = { readonly kind: 'mqtt' } | { readonly kind: 'smtp' } | { readonly kind: 'webhook'; readonly name: string };

/** The runtime settings as the API sees them. */
export interface SettingsService {
  view(): SettingsView;
  /** Replaces the notification targets (secrets left out are kept) and rebuilds the notifiers. Throws SETTINGS_INVALID. */
  setNotifications(input: NotificationSettingsInput, actor: string): Promise<SettingsUpdate>;
  setRetention(input: RetentionSettings, actor: string): Promise<SettingsUpdate>;
  setObjectFilters(input: ObjectFilterSettings, actor: string): Promise<SettingsUpdate>;
  /** Drops the app's values of a section: the configuration file's apply again. */
  reset(section: SettingsSection): Promise<SettingsUpdate>;
  /** Sends one test notification to a target in force; SETTINGS_INVALID when there is no such target. */
  testTarget(target: TestTarget): Promise<TestSendResult>;
}

/** What the service is built from. */
export interface RuntimeSettingsOptions {
  readonly config: ServerConfig;
  readonly store: SettingsStore;
  readonly secrets: SecretBox;
  readonly now: () => number;
  /** Told when a stored section cannot be used (it is ignored; the configuration file's applies). */
  readonly onProblem?: (message: string) => void;
}

const SEAL_CONTEXT = 'runtime-settings:';

type Values = {
  notifications: NotificationSettings;
  retention: RetentionSettings;
  objectFilters: ObjectFilterSettings;
};

function invalid(issues: readonly SettingsIssue[]): SightlineError {
  return new SightlineError('SETTINGS_INVALID', `invalid settings: ${issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ')}`);
}

/** The runtime settings: see the file header. */
export class RuntimeSettings implements SettingsService {
  readonly #o: RuntimeSettingsOptions;
  readonly #fromConfig: Values;
  #values: Values;
  #sources: Record<SettingsSection, SettingsSource>;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners: { readonly section: SettingsSection; readonly fn: () => Promise<unknown> | unknown }[] = [];

  constructor(options: RuntimeSettingsOptions) {
    this.#o = options;
    const c = options.config;
    this.#fromConfig = {
      notifications: { mqtt: c.mqtt ?? null, webhooks: c.webhooks, smtp: c.smtp ?? null },
      retention: retentionSettingsSchema.parse(c.retention),
      objectFilters: { filters: c.detect.filters },
    };
    this.#values = { ...this.#fromConfig };
    const fromFile: SettingsSource = { from: 'config', updatedAt: null, updatedBy: null };
    this.#sources = { notifications: fromFile, retention: fromFile, objectFilters: fromFile };
    for (const section of SETTINGS_SECTIONS) this.#load(section);
  }

  /** The notification targets in force, secrets included (for the notifiers only). */
  notifications(): NotificationSettings {
    return this.#values.notifications;
  }

  /** The retention limits in force. */
  retention(): RetentionSettings {
    return this.#values.retention;
  }

  /** The server-wide object filters in force. */
  objectFilters(): ObjectFilters {
    return this.#values.objectFilters.filters;
  }

  /** Calls `listener` after each change of `section` (awaited before the write answers): read the new values from the getters. */
  onChange(section: SettingsSection, listener: () => Promise<unknown> | unknown): void {
    this.#listeners.push({ section, fn: listener });
  }

  view(): SettingsView {
    const n = this.#values.notifications;
    const mqtt = n.mqtt === null ? null : (({ password, ...rest }) => ({ ...rest, hasPassword: password !== undefined && password !== '' }))(n.mqtt);
    const smtp = n.smtp === null ? null : (({ password, ...rest }) => ({ ...rest, hasPassword: password !== undefined && password !== '' }))(n.smtp);
    return {
      notifications: { mqtt, webhooks: n.webhooks.map(({ secret, ...rest }) => ({ ...rest, hasSecret: secret !== '' })), smtp },
      retention: this.#values.retention,
      objectFilters: this.#values.objectFilters,
      sources: { ...this.#sources },
    };
  }

  setNotifications(input: NotificationSettingsInput, actor: string): Promise<SettingsUpdate> {
    return this.#serial(async () => {
      const parsed = notificationSettingsInputSchema.safeParse(input);
      if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.filter((p) => typeof p !== 'symbol'), message: i.message })));
      const merged = withStoredSecrets(parsed.data, this.#values.notifications);
      if (!merged.ok) throw invalid(merged.issues);
      return this.#commit('notifications', merged.value, actor);
    });
  }

  setRetention(input: RetentionSettings, actor: string): Promise<SettingsUpdate> {
    return this.#serial(() => this.#commit('retention', this.#parse(retentionSettingsSchema, input), actor));
  }

  setObjectFilters(input: ObjectFilterSettings, actor: string): Promise<SettingsUpdate> {
    return this.#serial(() => this.#commit('objectFilters', this.#parse(objectFilterSettingsSchema, input), actor));
  }

  reset(section: SettingsSection): Promise<SettingsUpdate> {
    return this.#serial(async () => {
      const before = this.#shown(section);
      this.#o.store.remove(section);
      this.#set(section, this.#fromConfig[section]);
      this.#sources[section] = { from: 'config', updatedAt: null, updatedBy: null };
      await this.#apply(section);
      return { section, changes: settingsChanges(before, this.#shown(section)) };
    });
  }

  async testTarget(target: TestTarget): Promise<TestSendResult> {
    const n = this.#values.notifications;
    const { now } = this.#o;
    if (target.kind === 'mqtt') {
      if (n.mqtt === null) throw invalid([{ path: ['kind'], message: 'no MQTT broker is set' }]);
      return testMqtt(n.mqtt, now);
    }
    if (target.kind === 'smtp') {
      if (n.smtp === null) throw invalid([{ path: ['kind'], message: 'no SMTP server is set' }]);
      return testEmail(n.smtp, now);
    }
    const hook = n.webhooks.find((w) => w.name === target.name);
    if (hook === undefined) throw invalid([{ path: ['name'], message: `no webhook is named "${target.name}"` }]);
    return testWebhook(hook, now);
  }

  #parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
    const r = schema.safeParse(input);
    if (!r.success) throw invalid(r.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: i.message })));
    return r.data;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The section as it may be shown and diffed: secrets included only as values to compare, never returned. */
  #shown(section: SettingsSection): JsonValue {
    return JSON.parse(JSON.stringify(this.#values[section])) as JsonValue;
  }

  async #commit<S extends SettingsSection>(section: S, value: Values[S], actor: string): Promise<SettingsUpdate> {
    const before = this.#shown(section);
    const at = this.#o.now();
    let open: JsonObject;
    let sealed: Buffer | null = null;
    if (section === 'notifications') {
      const split = splitSecrets(value as NotificationSettings);
      open = split.open;
      sealed = this.#o.secrets.seal(JSON.stringify(split.secrets), SEAL_CONTEXT + section);
    } else {
      open = JSON.parse(JSON.stringify(value)) as JsonObject;
    }
    this.#o.store.write(section, { value: open, sealed, updatedAt: at, updatedBy: actor });
    this.#set(section, value);
    this.#sources[section] = { from: 'app', updatedAt: at, updatedBy: actor };
    await this.#apply(section);
    return { section, changes: settingsChanges(before, this.#shown(section)) };
  }

  #set<S extends SettingsSection>(section: S, value: Values[S]): void {
    this.#values = { ...this.#values, [section]: value };
  }

  async #apply(section: SettingsSection): Promise<void> {
    for (const l of this.#listeners) if (l.section === section) await l.fn();
  }

  #load(section: SettingsSection): void {
    const stored = this.#o.store.read(section);
    if (stored === null) return;
    try {
      let value: unknown = stored.value;
      if (section === 'notifications') {
        const secrets: NotificationSecrets = stored.sealed === null ? { webhookSecrets: {} } : (JSON.parse(this.#o.secrets.open(stored.sealed, SEAL_CONTEXT + section)) as NotificationSecrets);
        value = joinSecrets(stored.value, isJsonObject(secrets) ? secrets : { webhookSecrets: {} });
      } else if (section === 'retention') {
        value = retentionSettingsSchema.parse(stored.value);
      } else {
        value = objectFilterSettingsSchema.parse(stored.value);
      }
      this.#set(section, value as Values[typeof section]);
      this.#sources[section] = { from: 'app', updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
    } catch (error) {
      this.#o.onProblem?.(`the stored ${section} settings cannot be used, so the configuration file's apply: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
