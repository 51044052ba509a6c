/** GET /api/system, for admins: version, uptime, recording disk use and every camera's health. */
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { cameraHealthSchema } from '../schemas/camera.ts';
import { noQuery, responses } from '../schemas/common.ts';

/** Registers the system route. */
export function systemRoutes(app: ApiApp, ctx: ApiContext, version: string): void {
  app.get(
    '/api/system',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Server status',
        querystring: noQuery,
        response: responses(
          z.object({
            version: z.string(),
            uptimeSeconds: z.number(),
            recordings: z.object({ bytes: z.number(), segments: z.number(), quotaBytes: z.number() }),
            cameras: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), health: cameraHealthSchema })),
          }),
        ),
      },
    },
    async () => ({
      version,
      uptimeSeconds: Math.max(0, Math.round((ctx.deps.now() - ctx.startedAt) / 1000)),
      recordings: await ctx.deps.recordings.usage(),
      cameras: (await ctx.deps.cameras.list()).map((c) => ({ id: c.id, name: c.name, enabled: c.enabled, health: c.health })),
    }),
  );
}
