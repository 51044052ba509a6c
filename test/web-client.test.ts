/**
 * The web client's pure pieces: URLs of endpoints, the lazily loaded checks, parsing of answers
 * (success, wrong shape, not JSON, empty), the server's errors, the live WebSocket messages and a
 * camera's rules.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { z } from 'zod';
import { answerOf, ApiError, call, failureOf, RESPONSE_INVALID, setCsrfToken, urlOf, type Query } from '../web/src/api/client.ts';
import { api } from '../web/src/api/endpoints.ts';
import { busMessageOf, liveStreamMessageOf, parseMessage } from '../web/src/api/live-messages.ts';
import { checksNow, loadChecks } from '../web/src/api/load-checks.ts';
import { rulesOf } from '../web/src/api/types.ts';
import { busMessageSchema, liveStreamMessageSchema } from '../src/api/schemas/live.ts';

// Runs first: nothing above loads the checks module.
test('checksNow throws before the checks are loaded, then gives the module loadChecks loaded (once)', async () => {
  assert.throws(() => checksNow(), /before loadChecks\(\) finished/);
  assert.throws(() => rulesOf({ analytics: {} }), /before loadChecks\(\) finished/);
  assert.throws(() => busMessageOf('{}'), /before loadChecks\(\) finished/);
  const first = loadChecks();
  assert.equal(loadChecks(), first, 'one load');
  const checks = await first;
  assert.equal(checksNow(), checks);
  assert.equal(checks.responses.cameras, (await import('../src/api/schemas/answers.ts')).cameraListSchema, 'the server schema itself');
});

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  setCsrfToken(null);
});

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

test('urlOf fills path parameters (encoded) and leaves absent query values out', () => {
  const cases: [string, Record<string, string> | undefined, Query | undefined, string][] = [
    ['/api/cameras', undefined, undefined, '/api/cameras'],
    ['/api/cameras/:id', { id: 'A' }, undefined, '/api/cameras/A'],
    ['/api/cameras/:id', { id: 'a b/c?' }, undefined, '/api/cameras/a%20b%2Fc%3F'],
    ['/api/users/:id/cameras', { id: 'u1' }, {}, '/api/users/u1/cameras'],
    ['/api/cameras/:id/counts', { id: 'A' }, { from: 0, to: 60_000, bucket: 'hour' }, '/api/cameras/A/counts?from=0&to=60000&bucket=hour'],
    ['/api/audit', undefined, { actor: null, action: undefined, limit: 50, target: 'x&y' }, '/api/audit?limit=50&target=x%26y'],
  ];
  for (const [path, params, query, want] of cases) assert.equal(urlOf(path, params, query), want, path);
  assert.throws(() => urlOf('/api/cameras/:id', {}), /no value for :id/);
});

const shape = z.object({ open: z.boolean() });

test('answerOf parses with the schema: the data on success, RESPONSE_INVALID otherwise', async () => {
  const ok: [Response, unknown][] = [
    [json(200, { open: true }), { open: true }],
    [json(200, { open: false, extra: 1 }), { open: false }],
  ];
  for (const [res, want] of ok) assert.deepEqual(await answerOf(shape, 'GET /api/setup', res), want);
  assert.equal(await answerOf(z.null(), 'POST /api/auth/logout', new Response(null, { status: 204 })), null);
  assert.equal(await answerOf(z.null(), 'POST /api/auth/logout', new Response('', { status: 200 })), null);

  const bad: [Response, RegExp][] = [
    [json(200, { open: 'yes' }), /GET \/api\/setup.*open: /],
    [json(200, {}), /open: /],
    [json(200, [1]), /\(answer\): /],
    [new Response('<html>', { status: 200 }), /not JSON/],
    [new Response(null, { status: 204 }), /\(answer\): /],
  ];
  for (const [res, message] of bad) {
    await assert.rejects(answerOf(shape, 'GET /api/setup', res), (e: unknown) => e instanceof ApiError && e.code === RESPONSE_INVALID && e.status === res.status && message.test(e.message));
  }
});

test('failureOf carries the server error code and message, or a generic one', async () => {
  const cases: [Response, number, string, string][] = [
    [json(404, { error: { code: 'NOT_FOUND', message: 'no camera A' } }), 404, 'NOT_FOUND', 'no camera A'],
    [json(400, { error: { code: 'REQUEST_INVALID' } }), 400, 'HTTP_ERROR', 'GET /x failed with HTTP 400'],
    [new Response('bad gateway', { status: 502 }), 502, 'HTTP_ERROR', 'GET /x failed with HTTP 502'],
    [new Response(null, { status: 500 }), 500, 'HTTP_ERROR', 'GET /x failed with HTTP 500'],
  ];
  for (const [res, status, code, message] of cases) {
    const e = await failureOf('GET /x', res);
    assert.deepEqual([e.status, e.code, e.message], [status, code, message]);
  }
});

test('call sends the method, JSON body and CSRF token, and parses the answer with the endpoint schema', async () => {
  const seen: { url: string; init: RequestInit | undefined }[] = [];
  globalThis.fetch = async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init });
    return json(200, { open: true });
  };
  setCsrfToken('tok');
  assert.deepEqual(await call(api.setupStatus), { open: true });
  await assert.rejects(call(api.changePassword, { body: { a: 1 } }), (e: unknown) => e instanceof ApiError && e.code === RESPONSE_INVALID);
  const [get, post] = seen;
  assert.equal(get?.url, '/api/setup');
  assert.equal(get?.init?.method, 'GET');
  assert.deepEqual(get?.init?.headers, {});
  assert.equal(post?.init?.method, 'POST');
  assert.equal(post?.init?.body, '{"a":1}');
  assert.deepEqual(post?.init?.headers, { 'content-type': 'application/json', 'x-csrf-token': 'tok' });
});

test('call throws the server error of a failed request', async () => {
  globalThis.fetch = async () => json(403, { error: { code: 'FORBIDDEN', message: 'admins only' } });
  await assert.rejects(call(api.users), (e: unknown) => e instanceof ApiError && e.status === 403 && e.code === 'FORBIDDEN' && e.message === 'admins only');
});

const health = { cameraId: 'A', cameraName: 'a', state: 'connected', fps: 5, analysedFps: 5, lastFrameAt: null, lastError: null, reconnects: 0, droppedFrames: 0, frameSize: null, recording: false };
const tracks = { cameraId: 'A', cameraName: 'a', frameTime: 1, streamTime: 2.5, width: 640, height: 480, tracks: [{ id: 1, class: 'person', box: [1, 2, 3, 4], observed: true }] };

test('WebSocket messages are checked against the live schemas', async () => {
  await loadChecks(); // as the live page does before it connects
  const bus: [string, boolean][] = [
    [JSON.stringify({ topic: 'health', message: health }), true],
    [JSON.stringify({ topic: 'tracks', message: tracks }), true],
    [JSON.stringify({ topic: 'count', message: { cameraId: 'A', cameraName: 'a', line: 'l', in: 1, out: 0, frameTime: 1 } }), true],
    [JSON.stringify({ topic: 'tracks', message: { ...tracks, streamTime: undefined } }), false],
    [JSON.stringify({ topic: 'tracks', message: { ...tracks, tracks: [{ id: 1, class: 'person', box: [1, 2, 3], observed: true }] } }), false],
    [JSON.stringify({ topic: 'health', message: { ...health, state: 'sleeping' } }), false],
    [JSON.stringify({ topic: 'weather', message: {} }), false],
    ['{not json', false],
  ];
  for (const [text, ok] of bus) assert.equal(parseMessage(busMessageSchema, text).ok, ok, text);
  const live: [string, boolean][] = [
    ['{"type":"init","mime":"video/mp4; codecs=\\"avc1.42E01E\\""}', true],
    ['{"type":"clock","streamTime":12.5}', true],
    ['{"type":"error","message":"camera offline"}', true],
    ['{"type":"init"}', false],
    ['{"type":"clock","streamTime":"12"}', false],
    ['[]', false],
  ];
  for (const [text, ok] of live) assert.equal(parseMessage(liveStreamMessageSchema, text).ok, ok, text);
  const bad = parseMessage(busMessageSchema, '{not json');
  assert.deepEqual(bad, { ok: false, error: 'not JSON' });
  assert.equal(busMessageOf(JSON.stringify({ topic: 'health', message: health }))?.topic, 'health');
  assert.equal(liveStreamMessageOf('{"type":"clock","streamTime":12.5}')?.type, 'clock');
});

test('rulesOf takes a camera analytics lines and zones, with the configuration defaults, or says why not', async () => {
  await loadChecks(); // as the call that fetched the camera did
  const line = { name: 'door', points: [[0, 0], [10, 0]], inside: [5, 5], classes: ['person'] };
  const zone = { name: 'yard', polygon: [[0, 0], [10, 0], [10, 10]], classes: ['car'] };
  const good = rulesOf({ analytics: { lines: [line], zones: [zone], heatmap: { cellSize: 16 } } });
  assert.deepEqual(good, { ok: true, lines: [{ ...line, minObservations: 3, minDistance: 4 }], zones: [zone] });
  assert.deepEqual(rulesOf({ analytics: {} }), { ok: true, lines: [], zones: [] });
  const bad: Record<string, unknown>[] = [{ lines: [{ ...line, points: [[0, 0]] }] }, { zones: [{ ...zone, polygon: [[0, 0]] }] }, { lines: 'door' }, { zones: [{ ...zone, classes: ['dragon'] }] }];
  for (const analytics of bad) {
    const r = rulesOf({ analytics });
    assert.equal(r.ok, false, JSON.stringify(analytics));
    if (!r.ok) assert.match(r.error, /not valid/);
  }
});
