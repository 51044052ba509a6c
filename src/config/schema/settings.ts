/**
 * Runtime settings: the parts of the configuration that admins change in the app, stored in the
 * database over what `sightline.yml` says and applied without a restart — notification targets,
 * retention and object filters. The input forms keep every secret write-only: a password or
 * webhook secret left out (or empty) keeps the one stored; the views never hold one.
 */
import { z } from 'zod';
import { objectFiltersSchema } from './detect.ts';
import { mqttSchema, retentionSchema, smtpSchema, webhookSchema } from './server.ts';

/** The sections of the runtime settings, as stored and audited. */
export const SETTINGS_SECTIONS = ['notifications', 'retention', 'objectFilters'] as const;

/** One section of the runtime settings. */
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

const KEEP = 'Write-only: never shown again; left out or empty, the stored one is kept.';

function uniqueWebhookNames(hooks: readonly { readonly name: string }[], ctx: z.RefinementCtx): void {
  hooks.forEach((h, i) => {
    if (hooks.findIndex((o) => o.name === h.name) !== i) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `the webhook name "${h.name}" is used twice` });
  });
}

/** Every notification target, secrets included: what the notifiers are built from. */
export const notificationSettingsSchema = z
  .object({
    mqtt: mqttSchema.nullable().describe('The MQTT broker, or null for none.'),
    webhooks: z.array(webhookSchema).max(32).describe('Webhooks that receive events.'),
    smtp: smtpSchema.nullable().describe('Email alerts, or null for none.'),
  })
  .strict()
  .superRefine((s, ctx) => uniqueWebhookNames(s.webhooks, ctx))
  .describe('Notification targets: MQTT, webhooks and email.');

/** Every notification target with its secrets. */
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** Notification targets as an admin writes them: every secret optional (kept when left out or empty). */
export const notificationSettingsInputSchema = z
  .object({
    mqtt: mqttSchema
      .extend({ password: z.string().max(256).optional().describe(`Broker password. ${KEEP} Without a user name no password is sent.`) })
      .nullable()
      .describe('The MQTT broker, or null for none.'),
    webhooks: z
      .array(webhookSchema.extend({ secret: z.union([z.literal(''), webhookSchema.shape.secret]).optional().describe(`Shared signing secret, 16 characters or more. ${KEEP} A new webhook needs one.`) }))
      .max(32)
      .describe('Webhooks that receive events; a webhook keeps its stored secret by its name.'),
    smtp: smtpSchema
      .extend({ password: z.string().max(256).optional().describe(`SMTP password. ${KEEP} Without a user name no password is sent.`) })
      .nullable()
      .describe('Email alerts, or null for none.'),
  })
  .strict()
  .superRefine((s, ctx) => uniqueWebhookNames(s.webhooks, ctx))
  .describe('Notification targets as written; secrets are write-only.');

/** Notification targets as an admin writes them. */
export type NotificationSettingsInput = z.infer<typeof notificationSettingsInputSchema>;

/** The retention limits the app sets: every kind of data with its limit stated (no defaults). */
const r = retentionSchema.shape;
export const retentionSettingsSchema = z
  .object({
    videoHours: z.number().min(0.01).max(87_600).describe('Recorded segments and event snapshots (and the redaction boxes kept with the video) older than this many hours are deleted.'),
    eventDays: r.eventDays.removeDefault().describe(r.eventDays.description ?? ''),
    aggregateDays: r.aggregateDays.removeDefault().describe(r.aggregateDays.description ?? ''),
    auditDays: r.auditDays.removeDefault().describe(r.auditDays.description ?? ''),
  })
  .strict()
  .describe('Retention per kind of data, applied by the retention runner at once.');

/** The retention limits the app sets. */
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** The server-wide object filters the app sets: per class, the smallest score and box kept. */
export const objectFilterSettingsSchema = z
  .object({ filters: objectFiltersSchema.removeDefault() })
  .strict()
  .describe('Server-wide object filters, applied by every running camera from its next detected frame.');

/** The server-wide object filters. */
export type ObjectFilterSettings = z.infer<typeof objectFilterSettingsSchema>;
