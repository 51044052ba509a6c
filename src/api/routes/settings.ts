/**
 * The runtime settings, for admins: GET /api/settings (no secret in it), PUT of each section
 * (notification targets, retention, object filters), DELETE of a section (the configuration file's
 * values apply again) and POST /api/settings/notifications/test ("send a test" to one target, the
 * answer 200 either way with `ok` and the error in words). Each change applies without a restart and
 * is audited with what it changed, field by field; secrets only as `changed`, never their values.
 */
import type { FastifyRequest } from 'fastify';
import type { JsonObject } from '../../core/json.ts';
import type { SettingsService, SettingsUpdate } from '../../settings/runtime-settings.ts';
import { actorOf } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { noQuery, responses } from '../schemas/common.ts';
import {
  notificationSettingsInputSchema,
  objectFilterSettingsSchema,
  retentionSettingsSchema,
  settingsSectionParams,
  settingsTestBodySchema,
  settingsTestResultSchema,
  settingsUpdateSchema,
  settingsViewSchema,
} from '../schemas/settings.ts';

/** Registers the settings routes; none without a settings service. */
export function settingsRoutes(app: ApiApp, ctx: ApiContext): void {
  const settings: SettingsService | undefined = ctx.deps.settings;
  if (settings === undefined) return;
  const answer = (request: FastifyRequest, action: string, update: SettingsUpdate) => {
    auditRequest(ctx, request, action, update.section, { changes: update.changes as JsonObject });
    return { ...update, settings: settings.view() };
  };

  app.get(
    '/api/settings',
    { config: { permission: 'admin' }, schema: { summary: 'The runtime settings (notification targets without secrets, retention, object filters)', querystring: noQuery, response: responses(settingsViewSchema) } },
    () => settings.view(),
  );

  app.put(
    '/api/settings/notifications',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Replace the notification targets (secrets left out are kept); the notifiers restart', querystring: noQuery, body: notificationSettingsInputSchema, response: responses(settingsUpdateSchema) },
    },
    async (request) => answer(request, 'settings_update', await settings.setNotifications(request.body, actorOf(request.principal))),
  );

  app.put(
    '/api/settings/retention',
    { config: { permission: 'admin' }, schema: { summary: 'Set the retention limits; retention runs at once', querystring: noQuery, body: retentionSettingsSchema, response: responses(settingsUpdateSchema) } },
    async (request) => answer(request, 'settings_update', await settings.setRetention(request.body, actorOf(request.principal))),
  );

  app.put(
    '/api/settings/object-filters',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Set the server-wide object filters; running cameras apply them from their next frame', querystring: noQuery, body: objectFilterSettingsSchema, response: responses(settingsUpdateSchema) },
    },
    async (request) => answer(request, 'settings_update', await settings.setObjectFilters(request.body, actorOf(request.principal))),
  );

  app.delete(
    '/api/settings/:section',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Drop the app\'s values of a section: the configuration file\'s apply again', params: settingsSectionParams, querystring: noQuery, response: responses(settingsUpdateSchema) },
    },
    async (request) => answer(request, 'settings_reset', await settings.reset(request.params.section)),
  );

  app.post(
    '/api/settings/notifications/test',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Send a test notification to one target in force', querystring: noQuery, body: settingsTestBodySchema, response: responses(settingsTestResultSchema) },
    },
    async (request) => {
      const target = request.body;
      const result = await settings.testTarget(target);
      auditRequest(ctx, request, 'settings_test', target.kind === 'webhook' ? `webhook:${target.name}` : target.kind, { ok: result.ok, ...(result.ok ? {} : { error: result.error.slice(0, 500) }) });
      return result;
    },
  );
}
