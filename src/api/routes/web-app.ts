/**
 * GET / and GET /assets/:file: the browser app built into web/dist (by `npm run build:web`, which
 * `npm ci` runs). The app shell is code, not data: it is public like the login page it shows, and
 * every piece of data it loads goes through the guarded API.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import type { ApiApp } from '../fastify-types.ts';
import { noQuery } from '../schemas/common.ts';

/** Where the built app lies. */
export const WEB_DIST = path.resolve(import.meta.dirname, '../../../web/dist');

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The browser tab's icon: a small eye, as SVG (browsers ask for /favicon.ico on every page). */
const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><ellipse cx="8" cy="8" rx="7" ry="4.5" fill="#16213a"/><circle cx="8" cy="8" r="2.5" fill="#fff"/></svg>';

/** Registers the app's routes; its files are read once, so no request ever touches the file system. */
export function webAppRoutes(app: ApiApp, dist: string = WEB_DIST): void {
  const index = existsSync(path.join(dist, 'index.html')) ? readFileSync(path.join(dist, 'index.html')) : null;
  const assets = new Map<string, { body: Buffer; type: string }>();
  const assetDir = path.join(dist, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const type = TYPES[path.extname(name)];
      if (type !== undefined) assets.set(name, { body: readFileSync(path.join(assetDir, name)), type });
    }
  }
  app.get('/favicon.ico', { config: { permission: 'public' }, schema: { hide: true, querystring: noQuery } }, async (_request, reply) => reply.type('image/svg+xml').send(FAVICON));
  app.get('/', { config: { permission: 'public' }, schema: { hide: true, querystring: noQuery } }, async (_request, reply) => {
    if (index === null) throw new SightlineError('NOT_FOUND', 'the web app is not built: run `npm run build:web` (npm ci does it) and restart the server');
    return reply.type('text/html; charset=utf-8').send(index);
  });
  app.get(
    '/assets/:file',
    { config: { permission: 'public' }, schema: { hide: true, querystring: noQuery, params: z.strictObject({ file: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected an asset file name') }) } },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (asset === undefined) throw new SightlineError('NOT_FOUND', `no asset ${request.params.file}`);
      return reply.type(asset.type).send(asset.body);
    },
  );
}
