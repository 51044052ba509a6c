/** GET /metrics: Prometheus text, for a token with `metrics:read` or an admin. */
import type { ApiApp } from '../fastify-types.ts';
import type { ApiMetrics } from '../metrics.ts';
import { binary, errorSchema, noQuery } from '../schemas/common.ts';

/** Registers the metrics route. */
export function metricsRoutes(app: ApiApp, metrics: ApiMetrics): void {
  app.get(
    '/metrics',
    {
      config: { permission: 'metrics:read' },
      schema: { summary: 'Prometheus metrics', querystring: noQuery, response: { 200: binary('text/plain; version=0.0.4'), '4xx': errorSchema } },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(Buffer.from(text, 'utf8'));
    },
  );
}
