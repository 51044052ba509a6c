/** GET /healthz: liveness for load balancers and supervisors; no credential, no details. */
import { z } from 'zod';
import type { ApiApp } from '../fastify-types.ts';
import { noQuery } from '../schemas/common.ts';

/** Registers the health route. */
export function healthRoutes(app: ApiApp): void {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: { querystring: noQuery, response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );
}
