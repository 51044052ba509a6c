/**
 * Walks every registered route as every kind of caller: anonymous, a viewer granted camera A only,
 * an operator, an admin, a metrics-only token and an events:read token. The table below says who
 * may call what; a route missing from it (or one declared without a permission) fails the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { installRouteChecks, listApiRoutes } from '../src/api/auth/guard.ts';
import type { ApiApp } from '../src/api/fastify-types.ts';
import { createHarness, FIXED_JPEG, PASSWORD, T0, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

type Caller = 'anonymous' | 'viewer' | 'operator' | 'admin' | 'metricsToken' | 'eventsToken';
const CALLERS: readonly Caller[] = ['anonymous', 'viewer', 'operator', 'metricsToken', 'eventsToken', 'admin'];

const USERS: readonly Caller[] = ['viewer', 'operator', 'admin'];
const ANY: readonly Caller[] = CALLERS;
const AUTHENTICATED: readonly Caller[] = ['viewer', 'operator', 'admin', 'metricsToken', 'eventsToken'];
const EVENTS: readonly Caller[] = ['viewer', 'operator', 'admin', 'eventsToken'];
const ADMIN: readonly Caller[] = ['admin'];

interface Spec {
  /** Who may call it (others get 401 when anonymous, else 403 or 404). */
  readonly allowed: readonly Caller[];
  /** The URL with parameters filled in (camera A, event ev-a, segment 1). */
  readonly url: string;
  readonly payload?: object;
  /** A fresh session for this call (for sign-out and similar). */
  readonly fresh?: boolean;
  /** The same route on a camera or event the viewer may not see (expects 404 for the viewer). */
  readonly hiddenUrl?: string;
}

const R = `from=${T0 - 3_600_000}&to=${T0}`;
let tokenToRevoke = '';

/** Who may call each route, with a request that exercises it. */
const TABLE: Readonly<Record<string, () => Spec>> = {
  'GET /healthz': () => ({ allowed: ANY, url: '/healthz' }),
  'GET /setup': () => ({ allowed: ANY, url: '/setup' }),
  'GET /': () => ({ allowed: ANY, url: '/' }),
  'GET /favicon.ico': () => ({ allowed: ANY, url: '/favicon.ico' }),
  'GET /assets/:file': () => ({ allowed: ANY, url: '/assets/none.js' }),
  'GET /setup.js': () => ({ allowed: ANY, url: '/setup.js' }),
  'GET /setup.css': () => ({ allowed: ANY, url: '/setup.css' }),
  'GET /transparency': () => ({ allowed: ANY, url: '/transparency' }),
  'GET /transparency/sign': () => ({ allowed: ANY, url: '/transparency/sign' }),
  'GET /transparency.css': () => ({ allowed: ANY, url: '/transparency.css' }),
  'GET /api/transparency': () => ({ allowed: ANY, url: '/api/transparency' }),
  'GET /api/setup': () => ({ allowed: ANY, url: '/api/setup' }),
  'POST /api/setup': () => ({ allowed: ANY, url: '/api/setup', payload: { token: 'x'.repeat(43), name: 'second', password: PASSWORD } }),
  'POST /api/auth/login': () => ({ allowed: ANY, url: '/api/auth/login', payload: { name: 'viewer', password: PASSWORD } }),
  'POST /api/auth/logout': () => ({ allowed: USERS, url: '/api/auth/logout', fresh: true }),
  'GET /api/auth/me': () => ({ allowed: USERS, url: '/api/auth/me' }),
  'POST /api/auth/password': () => ({ allowed: USERS, url: '/api/auth/password', payload: { currentPassword: PASSWORD, newPassword: PASSWORD } }),
  'GET /api/openapi.json': () => ({ allowed: AUTHENTICATED, url: '/api/openapi.json' }),
  'GET /api/cameras': () => ({ allowed: USERS, url: '/api/cameras' }),
  'POST /api/cameras': () => ({ allowed: ADMIN, url: '/api/cameras', payload: { name: 'walk-new', url: 'rtsp://10.0.0.2/x' } }),
  'POST /api/cameras/test': () => ({ allowed: ADMIN, url: '/api/cameras/test', payload: { url: 'rtsp://127.0.0.1:9/walk' } }),
  'GET /api/cameras/:id': () => ({ allowed: USERS, url: '/api/cameras/A', hiddenUrl: '/api/cameras/B' }),
  'PATCH /api/cameras/:id': () => ({ allowed: ADMIN, url: '/api/cameras/A', payload: { fps: 4 } }),
  'DELETE /api/cameras/:id': () => ({ allowed: ADMIN, url: '/api/cameras/C' }),
  'GET /api/cameras/:id/live.jpg': () => ({ allowed: USERS, url: '/api/cameras/A/live.jpg', hiddenUrl: '/api/cameras/B/live.jpg' }),
  'GET /api/cameras/:id/live': () => ({ allowed: USERS, url: '/api/cameras/A/live', hiddenUrl: '/api/cameras/B/live' }),
  'GET /api/cameras/:id/counts': () => ({ allowed: EVENTS, url: `/api/cameras/A/counts?${R}`, hiddenUrl: `/api/cameras/B/counts?${R}` }),
  'GET /api/cameras/:id/heatmap': () => ({ allowed: EVENTS, url: `/api/cameras/A/heatmap?${R}`, hiddenUrl: `/api/cameras/B/heatmap?${R}` }),
  'GET /api/cameras/:id/heatmap.png': () => ({ allowed: EVENTS, url: `/api/cameras/A/heatmap.png?${R}`, hiddenUrl: `/api/cameras/B/heatmap.png?${R}` }),
  'GET /api/cameras/:id/occupancy': () => ({ allowed: EVENTS, url: `/api/cameras/A/occupancy?${R}&bucket=minute`, hiddenUrl: `/api/cameras/B/occupancy?${R}` }),
  'GET /api/cameras/:id/dwell': () => ({ allowed: EVENTS, url: `/api/cameras/A/dwell?${R}&bucket=minute`, hiddenUrl: `/api/cameras/B/dwell?${R}` }),
  'GET /api/cameras/:id/recordings': () => ({ allowed: USERS, url: `/api/cameras/A/recordings?${R}`, hiddenUrl: `/api/cameras/B/recordings?${R}` }),
  'GET /api/cameras/:id/recordings/:segmentId': () => ({ allowed: USERS, url: '/api/cameras/A/recordings/1', hiddenUrl: '/api/cameras/B/recordings/2' }),
  'GET /api/cameras/:id/export.mp4': () => ({ allowed: ['operator', 'admin'], url: `/api/cameras/A/export.mp4?${R}`, hiddenUrl: `/api/cameras/B/export.mp4?${R}` }),
  'GET /api/cameras/:id/timeline': () => ({ allowed: USERS, url: `/api/cameras/A/timeline?${R}`, hiddenUrl: `/api/cameras/B/timeline?${R}` }),
  // The stand-in recordings hold no video (playback and previews answer 404): test/api-playback.test.ts plays real ones.
  'GET /api/cameras/:id/playback.mp4': () => ({ allowed: USERS, url: `/api/cameras/A/playback.mp4?${R}`, hiddenUrl: `/api/cameras/B/playback.mp4?${R}` }),
  'GET /api/cameras/:id/preview.jpg': () => ({ allowed: USERS, url: `/api/cameras/A/preview.jpg?at=${T0 - 55_000}`, hiddenUrl: `/api/cameras/B/preview.jpg?at=${T0 - 55_000}` }),
  'GET /api/exports': () => ({ allowed: ['operator', 'admin'], url: '/api/exports' }),
  // A range before the seeded segments, so that the walk's erasure leaves them for the other routes.
  'POST /api/cameras/:id/erase': () => ({ allowed: ADMIN, url: '/api/cameras/A/erase', payload: { from: T0 - 10 * 86_400_000, to: T0 - 9 * 86_400_000, reason: 'walk' } }),
  // Nobody holds video:unredacted by role, admins included: an admin gives it per user (test/api-unredacted.test.ts).
  'POST /api/cameras/:id/unredacted': () => ({ allowed: [], url: '/api/cameras/A/unredacted', payload: { reason: 'walking every route as every caller' } }),
  'GET /api/unredacted-grants': () => ({ allowed: USERS, url: '/api/unredacted-grants?active=true' }),
  'DELETE /api/unredacted-grants/:id': () => ({ allowed: USERS, url: '/api/unredacted-grants/no-such-grant' }),
  'GET /api/events': () => ({ allowed: EVENTS, url: '/api/events?limit=10', hiddenUrl: '/api/events?camera=B' }),
  'GET /api/events/:id': () => ({ allowed: EVENTS, url: '/api/events/ev-a', hiddenUrl: '/api/events/ev-b' }),
  'GET /api/events/:id/snapshot.jpg': () => ({ allowed: EVENTS, url: '/api/events/ev-a/snapshot.jpg', hiddenUrl: '/api/events/ev-b/snapshot.jpg' }),
  'GET /api/events/:id/clip.mp4': () => ({ allowed: USERS, url: '/api/events/ev-a/clip.mp4', hiddenUrl: '/api/events/ev-b/clip.mp4' }),
  // Needs video:unredacted as well, which no role grants (test/api-subject-export.test.ts).
  'POST /api/events/:id/subject-export.mp4': () => ({ allowed: [], url: '/api/events/ev-a/subject-export.mp4', payload: { reason: 'walking every route as every caller' } }),
  'GET /api/review': () => ({ allowed: EVENTS, url: '/api/review?limit=10', hiddenUrl: '/api/review?camera=B' }),
  'POST /api/review/reviewed': () => ({ allowed: EVENTS, url: '/api/review/reviewed', payload: { eventIds: ['ev-a'], reviewed: true } }),
  'GET /api/users': () => ({ allowed: ADMIN, url: '/api/users' }),
  'POST /api/users': () => ({ allowed: ADMIN, url: '/api/users', payload: { name: 'walker', password: PASSWORD, role: 'viewer', cameras: ['A'] } }),
  'PATCH /api/users/:id': () => ({ allowed: ADMIN, url: `/api/users/${h.ids.viewer}`, payload: { disabled: false } }),
  'PUT /api/users/:id/cameras': () => ({ allowed: ADMIN, url: `/api/users/${h.ids.viewer}/cameras`, payload: { cameras: ['A'] } }),
  'GET /api/tokens': () => ({ allowed: ADMIN, url: '/api/tokens' }),
  'POST /api/tokens': () => ({ allowed: ADMIN, url: '/api/tokens', payload: { name: 'walk-token', scopes: ['events:read'] } }),
  'DELETE /api/tokens/:id': () => ({ allowed: ADMIN, url: `/api/tokens/${tokenToRevoke}` }),
  'GET /api/audit': () => ({ allowed: ADMIN, url: '/api/audit?limit=5' }),
  'GET /api/audit/verify': () => ({ allowed: ADMIN, url: '/api/audit/verify' }),
  'GET /api/system': () => ({ allowed: ADMIN, url: '/api/system' }),
  'GET /api/settings': () => ({ allowed: ADMIN, url: '/api/settings' }),
  'PUT /api/settings/notifications': () => ({ allowed: ADMIN, url: '/api/settings/notifications', payload: { mqtt: null, webhooks: [], smtp: null } }),
  'PUT /api/settings/retention': () => ({ allowed: ADMIN, url: '/api/settings/retention', payload: { videoHours: 72, eventDays: 30, aggregateDays: 365, auditDays: 365 } }),
  'PUT /api/settings/object-filters': () => ({ allowed: ADMIN, url: '/api/settings/object-filters', payload: { filters: { person: { minScore: 0.3 } } } }),
  'DELETE /api/settings/:section': () => ({ allowed: ADMIN, url: '/api/settings/objectFilters' }),
  'POST /api/settings/notifications/test': () => ({ allowed: ADMIN, url: '/api/settings/notifications/test', payload: { kind: 'webhook', name: 'none' } }),
  'GET /api/ws': () => ({ allowed: EVENTS, url: '/api/ws' }),
  'GET /metrics': () => ({ allowed: ['admin', 'metricsToken'], url: '/metrics' }),
};

let h: Harness;
const creds = new Map<Caller, SessionCreds | string>();

before(async () => {
  h = await createHarness();
  mkdirSync(path.join(h.dir, 'snapshots'));
  writeFileSync(path.join(h.dir, 'snapshots', 'a.jpg'), FIXED_JPEG);
  writeFileSync(path.join(h.dir, 'snapshots', 'b.jpg'), FIXED_JPEG);
  await h.store.appendEvents(
    (['A', 'B'] as const).map((cam) => ({
      id: `ev-${cam.toLowerCase()}`,
      cameraId: cam,
      type: 'zone_enter' as const,
      rule: 'door',
      trackId: 1,
      class: 'person' as const,
      startTime: T0 - 1000,
      frame: 1,
      snapshotPath: `snapshots/${cam.toLowerCase()}.jpg`,
    })),
  );
  for (const role of ['viewer', 'operator', 'admin'] as const) creds.set(role, await h.login(role));
  creds.set('metricsToken', await h.token('walk-metrics', ['metrics:read']));
  creds.set('eventsToken', await h.token('walk-events', ['events:read']));
  const throwaway = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: h.headers(creds.get('admin') as SessionCreds), payload: { name: 'to-revoke', scopes: ['cameras:read'] } });
  tokenToRevoke = throwaway.json<{ id: string }>().id;
});
after(() => h.close());

async function headersOf(caller: Caller, fresh: boolean): Promise<Record<string, string>> {
  if (caller === 'anonymous') return {};
  const c = creds.get(caller)!;
  if (typeof c === 'string') return { authorization: `Bearer ${c}` };
  return h.headers(fresh ? await h.login(c.user.name) : c);
}

function assertErrorBody(body: string, where: string): void {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof parsed.error?.code, 'string', `${where}: error body without a code: ${body}`);
  assert.equal(typeof parsed.error?.message, 'string', `${where}: error body without a message: ${body}`);
}

describe('route walk', () => {
  test('every registered route has a row in the table, and every row a route', () => {
    const registered = listApiRoutes(h.app).map((r) => `${r.method} ${r.url}`);
    assert.ok(registered.length >= 30, `only ${registered.length} routes registered`);
    assert.deepEqual(registered.filter((r) => !(r in TABLE)), [], 'routes without a row in the walk table: add one');
    assert.deepEqual(Object.keys(TABLE).filter((r) => !registered.includes(r)), [], 'rows for routes that do not exist');
    const publicRoutes = listApiRoutes(h.app).filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.url}`);
    // The public transparency page (issue 12): its HTML, printable sign, stylesheet and JSON, and nothing else of it.
    const transparency = ['GET /api/transparency', 'GET /transparency', 'GET /transparency.css', 'GET /transparency/sign'];
    assert.deepEqual(publicRoutes.sort(), ['GET /', 'GET /api/setup', ...transparency, 'GET /assets/:file', 'GET /favicon.ico', 'GET /healthz', 'GET /setup', 'GET /setup.css', 'GET /setup.js', 'POST /api/auth/login', 'POST /api/setup'].sort());
  });

  test('each caller gets in where allowed and is kept out elsewhere', async () => {
    const failures: string[] = [];
    for (const route of listApiRoutes(h.app)) {
      const key = `${route.method} ${route.url}`;
      const spec = TABLE[key]!();
      for (const caller of CALLERS) {
        const allowed = spec.allowed.includes(caller);
        const res = await h.app.inject({
          method: route.method as 'GET',
          url: spec.url,
          headers: await headersOf(caller, spec.fresh === true),
          ...(spec.payload === undefined ? {} : { payload: spec.payload }),
        });
        const where = `${key} as ${caller} → ${res.statusCode}`;
        if (res.statusCode >= 500) failures.push(`${where} (server error ${res.body})`);
        else if (allowed && (res.statusCode === 401 || res.statusCode === 403)) failures.push(`${where}: should be let in (${res.body})`);
        else if (!allowed && caller === 'anonymous' && res.statusCode !== 401) failures.push(`${where}: anonymous should get 401`);
        else if (!allowed && caller !== 'anonymous' && res.statusCode !== 403 && res.statusCode !== 404) failures.push(`${where}: should get 403 or 404`);
        if (res.statusCode >= 400) assertErrorBody(res.body, where);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('a camera or event the viewer may not see answers 404, never 403, and leaks nothing', async () => {
    const viewer = h.headers(creds.get('viewer') as SessionCreds);
    const failures: string[] = [];
    for (const [key, make] of Object.entries(TABLE)) {
      const spec = make();
      if (spec.hiddenUrl === undefined || !spec.allowed.includes('viewer')) continue;
      const res = await h.app.inject({ method: key.split(' ')[0] as 'GET', url: spec.hiddenUrl, headers: viewer });
      if (res.statusCode !== 404) failures.push(`${key} on a hidden camera → ${res.statusCode} ${res.body}`);
      else assert.match(res.json<{ error: { code: string } }>().error.code, /^(CAMERA|EVENT)_NOT_FOUND$/);
    }
    assert.deepEqual(failures, []);
    const unknown = await h.app.inject({ url: '/api/cameras/no-such-camera', headers: viewer });
    const hidden = await h.app.inject({ url: '/api/cameras/B', headers: viewer });
    assert.equal(unknown.statusCode, hidden.statusCode);
    assert.equal(unknown.json<{ error: { code: string } }>().error.code, hidden.json<{ error: { code: string } }>().error.code);
    const list = await h.app.inject({ url: '/api/cameras', headers: viewer });
    assert.deepEqual(list.json<{ cameras: { id: string }[] }>().cameras.map((c) => c.id), ['A']);
  });

  test('unknown routes answer 401 to anonymous callers and 404 to signed-in ones', async () => {
    assert.equal((await h.app.inject({ url: '/api/nothing-here' })).statusCode, 401);
    const res = await h.app.inject({ url: '/api/nothing-here', headers: h.headers(creds.get('admin') as SessionCreds) });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'NOT_FOUND');
  });

  test('a route declared without a permission stops the app from building', async (t) => {
    const cases: [string, (app: ApiApp) => void][] = [
      ['no config', (app) => app.get('/x', async () => 'x')],
      ['no permission', (app) => app.get('/y', { config: {} }, async () => 'y')],
      ['camera route without scoping', (app) => app.get('/api/cameras/:id/thing', { config: { permission: 'cameras:read' } }, async () => 'z')],
    ];
    for (const [name, register] of cases) {
      await t.test(name, async () => {
        const app = Fastify() as unknown as ApiApp;
        installRouteChecks(app);
        await assert.rejects(async () => {
          register(app);
          await app.ready();
        }, /permission|camera: 'id'/, name);
        await app.close().catch(() => undefined);
      });
    }
    const ok = Fastify({ exposeHeadRoutes: false }) as unknown as ApiApp;
    installRouteChecks(ok);
    ok.get('/fine', { config: { permission: 'public' } }, async () => 'fine');
    await ok.ready();
    assert.deepEqual(listApiRoutes(ok), [{ method: 'GET', url: '/fine', permission: 'public', websocket: false }]);
    await ok.close();
  });
});
