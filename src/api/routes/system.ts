/**
 * GET /api/system, for admins: version, uptime, host load and memory, the data directory's disk,
 * recording disk use, every camera's health and the notification targets (never a secret: no
 * password, no webhook secret, no credentials in a URL).
 */
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { z } from 'zod';
import type { ServerConfig } from '../../config/schema/server.ts';
import { redactUrl } from '../../ingest/redact-url.ts';
import type { ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { notificationsSchema, systemSchema } from '../schemas/answers.ts';
import { noQuery, responses } from '../schemas/common.ts';

/** The notification targets in force (of the configuration, or as the app set them), with every secret left out. */
export function notificationTargets(config: Pick<ServerConfig, 'mqtt' | 'webhooks' | 'smtp'>, outboxPending: number): z.infer<typeof notificationsSchema> {
  const { mqtt, smtp } = config;
  return {
    mqtt: mqtt === undefined ? null : { url: redactUrl(mqtt.url), prefix: mqtt.prefix, hasCredentials: mqtt.username !== undefined || mqtt.password !== undefined },
    webhooks: config.webhooks.map((w) => ({ name: w.name, url: redactUrl(w.url), types: w.types ?? null, cameras: w.cameras ?? null })),
    smtp: smtp === undefined ? null : { host: smtp.host, port: smtp.port, secure: smtp.secure, from: smtp.from, to: smtp.to, types: smtp.types },
    outboxPending,
  };
}

/** The notification targets in force: the app's, else the configuration file's. */
function inForce(ctx: ApiContext, config: ServerConfig): Pick<ServerConfig, 'mqtt' | 'webhooks' | 'smtp'> {
  const view = ctx.deps.settings?.view().notifications;
  if (view === undefined) return config;
  return {
    mqtt: view.mqtt === null ? undefined : { ...view.mqtt, ...(view.mqtt.hasPassword && { password: '' }) },
    webhooks: view.webhooks.map((w) => ({ ...w, secret: '' })),
    smtp: view.smtp ?? undefined,
  };
}

async function diskOf(dir: string): Promise<{ path: string; total: number; free: number } | null> {
  try {
    const s = await statfs(dir);
    return { path: dir, total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    return null;
  }
}

/** Registers the system route. */
export function systemRoutes(app: ApiApp, ctx: ApiContext, version: string): void {
  app.get(
    '/api/system',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Server status', querystring: noQuery, response: responses(systemSchema) },
    },
    async () => {
      const { config } = ctx.deps;
      const cpus = os.availableParallelism();
      return {
        version,
        uptimeSeconds: Math.max(0, Math.round((ctx.deps.now() - ctx.startedAt) / 1000)),
        host: { cpus, loadAverage: os.loadavg(), memory: { total: os.totalmem(), free: os.freemem() }, processRss: process.memoryUsage.rss() },
        disk: await diskOf(ctx.deps.dataDir),
        detector: { backend: config.detect.backend, workers: ctx.deps.detector?.().workers ?? config.detect.workers ?? cpus, running: ctx.deps.detector?.().name ?? null, pending: ctx.deps.detector?.().pending ?? null },
        recordings: await ctx.deps.recordings.usage(),
        cameras: (await ctx.deps.cameras.list()).map((c) => ({ id: c.id, name: c.name, enabled: c.enabled, health: c.health })),
        notifications: notificationTargets(inForce(ctx, config), ctx.deps.outbox.undelivered()),
      };
    },
  );
}
