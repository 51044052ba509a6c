/** GET /api/openapi.json: the OpenAPI 3 document of the API, generated from the routes' Zod schemas. */
import type { ApiApp } from '../fastify-types.ts';
import { noQuery } from '../schemas/common.ts';

/** Registers the OpenAPI route. */
export function openapiRoutes(app: ApiApp): void {
  app.get(
    '/api/openapi.json',
    { config: { permission: 'authenticated' }, schema: { hide: true, querystring: noQuery } },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
  );
}
