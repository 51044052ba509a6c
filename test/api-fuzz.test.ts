/**
 * Thousands of malformed requests (seeded, so a failure replays) to every route as an admin: bad
 * JSON, wrong types, missing and unknown fields, huge bodies and numbers, NaN and Infinity, unicode,
 * path tricks, bad cursors, tokens and cookies, wrong methods and media types. Every answer must be a
 * 4xx with an `{ error: { code, message } }` body, nothing may be logged as a server error, and the
 * app must still answer afterwards.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { listApiRoutes } from '../src/api/auth/guard.ts';
import { createHarness, PASSWORD, T0, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

const SEED = 0x5eed_1234;
const REQUESTS = 3200;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Template {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: Readonly<Record<string, Json>>;
}

const RANGE = { from: String(T0 - 3_600_000), to: String(T0) };
let tokenId = '';
let viewerId = '';

/** A valid request for each route; the fuzzer breaks it. Body templates hold required fields only. */
const TEMPLATES: Readonly<Record<string, () => Template>> = {
  'GET /healthz': () => ({}),
  'GET /setup': () => ({}),
  'GET /': () => ({}),
  'GET /favicon.ico': () => ({}),
  'GET /assets/:file': () => ({ params: { file: 'index.js' } }),
  'GET /setup.js': () => ({}),
  'GET /setup.css': () => ({}),
  'GET /transparency': () => ({}),
  'GET /transparency/sign': () => ({}),
  'GET /transparency.css': () => ({}),
  'GET /api/transparency': () => ({}),
  'GET /api/setup': () => ({}),
  'POST /api/setup': () => ({ body: { token: 'x'.repeat(43), name: 'root', password: PASSWORD } }),
  'POST /api/auth/login': () => ({ body: { name: 'admin', password: PASSWORD } }),
  'POST /api/auth/logout': () => ({}),
  'GET /api/auth/me': () => ({}),
  'POST /api/auth/password': () => ({ body: { currentPassword: PASSWORD, newPassword: 'another-long-passphrase' } }),
  'GET /api/openapi.json': () => ({}),
  'GET /api/cameras': () => ({}),
  'POST /api/cameras': () => ({ body: { name: 'fuzz-cam', url: 'rtsp://10.0.0.9/x' } }),
  'POST /api/cameras/test': () => ({ body: { url: 'rtsp://127.0.0.1:9/fuzz' } }),
  'GET /api/cameras/:id': () => ({ params: { id: 'A' } }),
  'PATCH /api/cameras/:id': () => ({ params: { id: 'A' }, body: { fps: 4 } }),
  'DELETE /api/cameras/:id': () => ({ params: { id: 'C' } }),
  'GET /api/cameras/:id/live.jpg': () => ({ params: { id: 'A' } }),
  'GET /api/cameras/:id/live': () => ({ params: { id: 'A' } }),
  'GET /api/cameras/:id/counts': () => ({ params: { id: 'A' }, query: { ...RANGE, bucket: 'hour' } }),
  'GET /api/cameras/:id/heatmap': () => ({ params: { id: 'A' }, query: RANGE }),
  'GET /api/cameras/:id/heatmap.png': () => ({ params: { id: 'A' }, query: RANGE }),
  'GET /api/cameras/:id/occupancy': () => ({ params: { id: 'A' }, query: { ...RANGE, bucket: 'minute' } }),
  'GET /api/cameras/:id/dwell': () => ({ params: { id: 'A' }, query: { ...RANGE, bucket: 'minute' } }),
  'GET /api/cameras/:id/recordings': () => ({ params: { id: 'A' }, query: RANGE }),
  'GET /api/cameras/:id/recordings/:segmentId': () => ({ params: { id: 'A', segmentId: '1' } }),
  'GET /api/cameras/:id/export.mp4': () => ({ params: { id: 'A' }, query: RANGE }),
  'GET /api/cameras/:id/timeline': () => ({ params: { id: 'A' }, query: { ...RANGE, buckets: '100' } }),
  'GET /api/cameras/:id/playback.mp4': () => ({ params: { id: 'A' }, query: RANGE }),
  'GET /api/cameras/:id/preview.jpg': () => ({ params: { id: 'A' }, query: { at: String(T0 - 55_000), width: '160' } }),
  'GET /api/exports': () => ({ query: { from: String(T0 - 86_400_000) } }),
  'POST /api/cameras/:id/erase': () => ({ params: { id: 'A' }, body: { from: 0, to: 1000, reason: 'fuzz' } }),
  'POST /api/cameras/:id/unredacted': () => ({ params: { id: 'A' }, body: { reason: 'fuzzing the unredacted request' } }),
  'GET /api/unredacted-grants': () => ({ query: { active: 'true', camera: 'A', limit: '10' } }),
  'DELETE /api/unredacted-grants/:id': () => ({ params: { id: 'no-such-grant' } }),
  'GET /api/events': () => ({ query: { ...RANGE, limit: '10', order: 'desc', type: 'intrusion', class: 'person' } }),
  'GET /api/events/:id': () => ({ params: { id: 'ev-a' } }),
  'GET /api/events/:id/snapshot.jpg': () => ({ params: { id: 'ev-a' } }),
  'GET /api/events/:id/clip.mp4': () => ({ params: { id: 'ev-a' } }),
  'POST /api/events/:id/subject-export.mp4': () => ({ params: { id: 'ev-a' }, body: { reason: 'fuzzing a subject-access export' } }),
  'GET /api/review': () => ({ query: { ...RANGE, limit: '10', severity: 'alarm', reviewed: 'false', camera: 'A' } }),
  'POST /api/review/reviewed': () => ({ body: { eventIds: ['ev-a'], reviewed: true } }),
  'GET /api/users': () => ({}),
  'POST /api/users': () => ({ body: { name: 'fuzzer', password: PASSWORD, role: 'viewer' } }),
  'PATCH /api/users/:id': () => ({ params: { id: viewerId }, body: { disabled: false } }),
  'PUT /api/users/:id/cameras': () => ({ params: { id: viewerId }, body: { cameras: ['A'] } }),
  'GET /api/tokens': () => ({}),
  'POST /api/tokens': () => ({ body: { name: 'fuzz-token', scopes: ['events:read'] } }),
  'DELETE /api/tokens/:id': () => ({ params: { id: tokenId } }),
  'GET /api/audit': () => ({ query: { limit: '5' } }),
  'GET /api/audit/verify': () => ({}),
  'GET /api/system': () => ({}),
  'GET /api/settings': () => ({}),
  'PUT /api/settings/notifications': () => ({
    body: { mqtt: { url: 'mqtt://127.0.0.1:9', username: 'fuzz', password: 'fuzz-password' }, webhooks: [{ name: 'fuzz', url: 'http://127.0.0.1:9/hook', secret: 'fuzz-secret-0123456789' }], smtp: null },
  }),
  'PUT /api/settings/retention': () => ({ body: { videoHours: 72, eventDays: 30, aggregateDays: 365, auditDays: 365 } }),
  'PUT /api/settings/object-filters': () => ({ body: { filters: { person: { minScore: 0.3, minArea: 0.001 } } } }),
  'DELETE /api/settings/:section': () => ({ params: { section: 'retention' } }),
  'POST /api/settings/notifications/test': () => ({ body: { kind: 'webhook', name: 'fuzz' } }),
  'GET /api/ws': () => ({}),
  'GET /metrics': () => ({}),
};

/** Query parameters whose values are free text (any short string is valid), so only their length can be broken. */
const FREE_TEXT = new Set(['camera', 'rule', 'line', 'actor', 'action', 'target']);

const BAD_NUMBERS = ['-1', 'NaN', 'Infinity', '-Infinity', '1e999', '9'.repeat(40), '', '１２', '0x10', '1.5', ' 1', '1 ', '+1', '1e3', 'null', '٣', '%00', '\u0000'];
const BAD_TEXT = ['\u0000', '../../etc/passwd', '%2e%2e%2f', '𝔘'.repeat(3), '<script>', "' OR 1=1 --", '${jndi:x}', 'Ω≈ç√', '\u202e'];
const PATH_TRICKS = ['..', '..%2f..%2fetc%2fpasswd', '%2e%2e', '%2e%2e%2f%2e%2e', 'A%2f..', 'A%00', '%00', '%ff', '%E0%A4%A', '%', 'x'.repeat(300), '%F0%9D%94%98', 'A%20', '.', '..%5c..%5c', 'A;B', '*', 'A?x=1#', '%252e%252e'];
const BAD_JSON = ['{', '{"a":', '[1,2', 'nul', '{"a":1,}', "{'a':1}", '{"a":1}}', '\u0000', '{"a":"\u0000', '[', '['.repeat(5000), '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\uFEFF{}', '{"a":NaN}', '{"a":Infinity}', '1e999999'];
const WRONG_FOR: Record<string, readonly Json[]> = {
  string: [0, 1e308, -1, true, null, [], {}, ['x'], { a: 'b' }],
  number: ['4', 'NaN', 1e308, -1e308, -1, 0.000001, null, true, [], {}, [4]],
  boolean: ['true', 0, 1, null, [], {}],
  object: ['x', 1, true, [], null],
  array: ['A', 1, true, {}, null, [[]], [null], [1], ['x'.repeat(5000)]],
};

function typeOf(v: Json): keyof typeof WRONG_FOR {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'object';
  return typeof v as 'string' | 'number' | 'boolean' | 'object';
}

let h: Harness;
let admin: SessionCreds;
const logLines: string[] = [];

before(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  h = await createHarness({ logger: { level: 'warn', stream } });
  await h.store.appendEvents([{ id: 'ev-a', cameraId: 'A', type: 'intrusion', rule: 'yard', trackId: 1, class: 'person', startTime: T0 - 1000, frame: 1, snapshotPath: '../../../../etc/passwd' }]);
  admin = await h.login('admin');
  viewerId = h.ids.viewer;
  // The admin may ask for unredacted video, so that its requests reach the body checks.
  await h.app.inject({ method: 'PATCH', url: `/api/users/${h.ids.admin}`, headers: h.headers(admin), payload: { unredactedVideo: true } });
  const made = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: h.headers(admin), payload: { name: 'fuzz-existing', scopes: ['metrics:read'] } });
  tokenId = made.json<{ id: string }>().id;
});
after(() => h.close());

interface Case {
  readonly kind: string;
  readonly options: InjectOptions;
}

function buildUrl(pattern: string, params: Readonly<Record<string, string>>, query: Readonly<Record<string, string>> | string): string {
  const path = pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => params[name] ?? '');
  const qs = typeof query === 'string' ? query : Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return qs === '' ? path : `${path}?${qs}`;
}

/** One malformed request for a route: every branch breaks something the route checks before acting. */
function mutate(rand: () => number, method: string, url: string, t: Template, allMethods: ReadonlySet<string>, isPublic: boolean): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const params = t.params ?? {};
  const query = t.query ?? {};
  const auth = h.headers(admin);
  const hasBody = t.body !== undefined;
  const json = (payload: string, headers: Record<string, string> = auth): InjectOptions => ({ method: method as 'POST', url: buildUrl(url, params, query), headers: { ...headers, 'content-type': 'application/json' }, payload });
  const kinds: string[] = ['unknownQuery', 'duplicateQuery', 'wrongMethod'];
  if (Object.keys(query).some((k) => !FREE_TEXT.has(k))) kinds.push('badQueryValue', 'badQueryValue');
  if (Object.keys(params).length > 0) kinds.push('pathTrick', 'pathTrick');
  if (hasBody) kinds.push('badJson', 'wrongType', 'wrongType', 'missingField', 'unknownField', 'notAnObject', 'hugeBody', 'wrongMediaType', 'longString');
  if (!isPublic) kinds.push('badCookie', 'badBearer');
  if (!isPublic && method !== 'GET') kinds.push('noCsrf');
  const kind = pick(kinds);
  const base: InjectOptions = { method: method as 'GET', url: buildUrl(url, params, query), headers: auth, ...(hasBody ? { payload: t.body } : {}) };
  switch (kind) {
    case 'unknownQuery':
      return { kind, options: { ...base, url: buildUrl(url, params, { ...query, [pick(['zz', 'x', 'debug', '__proto__', 'constructor', 'limit2', 'ü'])]: pick(BAD_TEXT) }) } };
    case 'duplicateQuery': {
      const keys = Object.keys(query);
      const qs = keys.length > 0 ? Object.entries(query).map(([k, v]) => `${k}=${v}`).concat(`${pick(keys)}=1`).join('&') : `a=1&a=2`;
      return { kind, options: { ...base, url: buildUrl(url, params, qs) } };
    }
    case 'badQueryValue': {
      const key = pick(Object.keys(query).filter((k) => !FREE_TEXT.has(k)));
      return { kind, options: { ...base, url: buildUrl(url, params, { ...query, [key]: pick([...BAD_NUMBERS, ...BAD_TEXT, 'x'.repeat(600)]) }) } };
    }
    case 'pathTrick': {
      const key = pick(Object.keys(params));
      const path = url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === key ? pick(PATH_TRICKS) : params[name]!));
      return { kind, options: { ...base, url: buildUrl(path, {}, query) } };
    }
    case 'wrongMethod': {
      const method2 = pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].filter((m) => !allMethods.has(m)));
      const { payload: _payload, ...rest } = base;
      return { kind, options: method2 === 'GET' || method2 === 'HEAD' ? { ...rest, method: method2 } : { ...base, method: method2 as 'POST' } };
    }
    case 'badJson':
      return { kind, options: json(pick(BAD_JSON)) };
    case 'wrongType': {
      const body = { ...t.body! };
      const key = pick(Object.keys(body));
      body[key] = pick(WRONG_FOR[typeOf(body[key]!)]!);
      return { kind, options: json(JSON.stringify(body)) };
    }
    case 'missingField': {
      const drop = pick(Object.keys(t.body!));
      const body = Object.fromEntries(Object.entries(t.body!).filter(([k]) => k !== drop));
      return { kind, options: json(JSON.stringify(body)) };
    }
    case 'unknownField':
      return { kind, options: json(JSON.stringify({ ...t.body!, [pick(['zz', 'isAdmin', 'role2', 'constructor', 'id'])]: pick<Json>([1, 'x', true, null, {}]) })) };
    case 'notAnObject':
      return { kind, options: json(pick(['[]', '"text"', '42', 'null', 'true', '[{}]', '""'])) };
    case 'hugeBody':
      return { kind, options: json(JSON.stringify({ ...t.body!, pad: 'x'.repeat(70 * 1024 + Math.floor(rand() * 100_000)) })) };
    case 'wrongMediaType':
      return {
        kind,
        options: { ...base, headers: { ...auth, 'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=z', 'application/xml', 'application/json-patch+json', 'image/png']) }, payload: 'a=1' },
      };
    case 'longString': {
      const body = { ...t.body! };
      const strings = Object.keys(body).filter((k) => typeof body[k] === 'string');
      const key = pick(strings.length > 0 ? strings : Object.keys(body));
      body[key] = pick(['\u0000', '𝔘', '\u202e', 'x']).repeat(3000);
      return { kind, options: json(JSON.stringify(body)) };
    }
    case 'badCookie':
      return { kind, options: { ...base, headers: { cookie: `sightline_session=${pick(['', 'x', 'A'.repeat(43), 'A'.repeat(44), '%00', admin.cookie.slice(0, -1) + (admin.cookie.endsWith('A') ? 'B' : 'A'), '" OR 1=1', '../../etc'])}` } } };
    case 'badBearer':
      return { kind, options: { ...base, headers: { authorization: pick(['Bearer', 'Bearer ', 'Bearer slt_', `Bearer slt_${'A'.repeat(43)}`, `Bearer ${'x'.repeat(5000)}`, 'Basic YTpi', 'bearer slt_%00', `Bearer slt_${'A'.repeat(42)}=`]) } } };
    default:
      return { kind, options: { ...base, headers: h.headers(admin, false) } };
  }
}

test(`${REQUESTS} malformed requests as admin all answer 4xx with an error body`, async () => {
  const rand = prng(SEED);
  const routes = listApiRoutes(h.app);
  for (const r of routes) assert.ok(`${r.method} ${r.url}` in TEMPLATES, `no fuzz template for ${r.method} ${r.url}`);
  // The methods a URL of the route answers: its own pattern's and those of patterns that match the
  // same URLs (`/api/settings/notifications` is also `/api/settings/:section`).
  const overlaps = (a: string, b: string): boolean => {
    const [x, y] = [a.split('/'), b.split('/')];
    return x.length === y.length && x.every((s, i) => s === y[i] || s.startsWith(':') || y[i]!.startsWith(':'));
  };
  const methodsOf = new Map<string, Set<string>>();
  for (const r of routes) methodsOf.set(r.url, new Set(routes.filter((q) => overlaps(q.url, r.url)).map((q) => q.method)));
  const failures: string[] = [];
  const kinds = new Map<string, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const route = routes[Math.floor(rand() * routes.length)]!;
    const c = mutate(rand, route.method, route.url, TEMPLATES[`${route.method} ${route.url}`]!(), methodsOf.get(route.url)!, route.permission === 'public');
    kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    const res = await h.app.inject(c.options);
    const where = `#${i} ${c.kind} ${String(c.options.method)} ${String(c.options.url).slice(0, 120)} → ${res.statusCode}`;
    // A dot-segment trick that resolves to the public app shell (`/assets/..` is `/`) is a normal page, not a leak.
    const shell = res.statusCode === 200 && /^\/assets\/(\.\.|%2e%2e)\/?$/i.test(String(c.options.url)) && res.body.startsWith('<!doctype html>');
    if (!shell && (res.statusCode < 400 || res.statusCode >= 500)) {
      failures.push(`${where}: ${res.body.slice(0, 200)}`);
      continue;
    }
    if (c.options.method === 'HEAD' || shell) continue;
    let body: { error?: { code?: unknown; message?: unknown } } = {};
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      failures.push(`${where}: body is not JSON: ${res.body.slice(0, 100)}`);
      continue;
    }
    if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') failures.push(`${where}: no error body: ${res.body.slice(0, 200)}`);
    else if (body.error.message.includes('at ') && /\.(ts|js):\d+/.test(body.error.message)) failures.push(`${where}: stack trace in the message`);
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers`);
  for (const kind of ['unknownQuery', 'badQueryValue', 'pathTrick', 'wrongMethod', 'badJson', 'wrongType', 'missingField', 'hugeBody', 'badCookie', 'badBearer', 'noCsrf']) {
    assert.ok((kinds.get(kind) ?? 0) > 20, `too few ${kind} cases: ${kinds.get(kind) ?? 0}`);
  }
  assert.deepEqual(logLines.filter((l) => /"level":(50|60)/.test(l)), [], 'server errors were logged');

  assert.deepEqual((await h.app.inject({ url: '/healthz' })).json(), { status: 'ok' });
  assert.equal((await h.app.inject({ url: '/api/cameras', headers: h.headers(admin) })).statusCode, 200, 'the admin session survived');
  assert.equal((await h.app.inject({ url: '/api/cameras/C', headers: h.headers(admin) })).statusCode, 200, 'nothing was deleted');
});
