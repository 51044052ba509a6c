/** GET /setup (+ its script and style): the page behind the one-time setup link; it holds no secret and posts to /api/setup. */
import { readFileSync } from 'node:fs';
import type { ApiApp } from '../fastify-types.ts';
import { noQuery } from '../schemas/common.ts';

const STATIC = new URL('../../server/static/', import.meta.url);
const FILES = [
  { url: '/setup', file: 'setup.html', type: 'text/html; charset=utf-8' },
  { url: '/setup.js', file: 'setup.js', type: 'text/javascript; charset=utf-8' },
  { url: '/setup.css', file: 'setup.css', type: 'text/css; charset=utf-8' },
] as const;

/** Registers the setup page and its two assets, read once at start. */
export function setupPageRoutes(app: ApiApp): void {
  for (const { url, file, type } of FILES) {
    const body = readFileSync(new URL(file, STATIC));
    app.get(url, { config: { permission: 'public' }, schema: { hide: true, querystring: noQuery } }, async (_request, reply) => reply.type(type).send(body));
  }
}
