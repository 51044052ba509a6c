/**
 * Runtime settings shapes of the API: what is written (the configuration's section schemas, secrets
 * write-only) and what is shown (the same sections, each secret replaced by whether one is stored:
 * the response schemas strip any field they do not list, so no secret can slip into an answer).
 */
import { z } from 'zod';
import { mqttSchema, smtpSchema, webhookSchema } from '../../config/schema/server.ts';
import { objectFilterSettingsSchema, retentionSettingsSchema, SETTINGS_SECTIONS } from '../../config/schema/settings.ts';

export { notificationSettingsInputSchema, objectFilterSettingsSchema, retentionSettingsSchema } from '../../config/schema/settings.ts';

const source = z
  .object({
    from: z.enum(['config', 'app']).describe('`config`: the configuration file\'s values apply; `app`: values written in the app.'),
    updatedAt: z.number().nullable().describe('When the app last wrote the section, epoch ms.'),
    updatedBy: z.string().nullable().describe('Who wrote it.'),
  })
  .describe('Where a section\'s values come from.');

const { password: _mp, ...mqttShown } = mqttSchema.shape;
const { password: _sp, ...smtpShown } = smtpSchema.shape;
const { secret: _ws, ...webhookShown } = webhookSchema.shape;

/** The notification targets as shown: no password, no webhook secret. */
export const notificationSettingsViewSchema = z.object({
  mqtt: z.object({ ...mqttShown, hasPassword: z.boolean().describe('Whether a broker password is stored; it is never shown.') }).nullable(),
  webhooks: z.array(z.object({ ...webhookShown, hasSecret: z.boolean().describe('Whether a signing secret is stored; it is never shown.') })),
  smtp: z.object({ ...smtpShown, hasPassword: z.boolean().describe('Whether an SMTP password is stored; it is never shown.') }).nullable(),
});

/** GET /api/settings: every runtime setting, no secret. */
export const settingsViewSchema = z
  .object({
    notifications: notificationSettingsViewSchema,
    retention: retentionSettingsSchema,
    objectFilters: objectFilterSettingsSchema,
    sources: z.object({ notifications: source, retention: source, objectFilters: source }),
  })
  .describe('The runtime settings in force: notification targets (without secrets), retention and object filters.');

/** What a change of the settings changed: field path → old and new value (a secret only as `changed`). */
export const settingsUpdateSchema = z
  .object({
    section: z.enum(SETTINGS_SECTIONS),
    changes: z.record(z.string(), z.union([z.literal('changed'), z.object({ from: z.unknown(), to: z.unknown() })])),
    settings: settingsViewSchema,
  })
  .describe('The settings after the change, and what it changed.');

/** POST /api/settings/notifications/test: which target. */
export const settingsTestBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mqtt') }),
  z.strictObject({ kind: z.literal('smtp') }),
  z.strictObject({ kind: z.literal('webhook'), name: webhookSchema.shape.name.describe('The webhook to test.') }),
]);

/** What "send a test" did. */
export const settingsTestResultSchema = z
  .object({
    ok: z.boolean(),
    detail: z.string().optional().describe('What the target acknowledged, when ok.'),
    error: z.string().optional().describe('Why the test failed, in words (the target\'s own error), when not ok.'),
  })
  .describe('The outcome of one test notification.');

/** The sections a reset names. */
export const settingsSectionParams = z.strictObject({ section: z.enum(SETTINGS_SECTIONS) });

