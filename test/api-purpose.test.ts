/**
 * A camera's purpose through the API: it is stored and returned with the camera (to every caller who
 * sees the camera), and a camera that asks for an analytic its purpose does not allow is refused
 * with PURPOSE_FORBIDS, on create and on change.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { SightlineError } from '../src/core/errors.ts';
import { parseCameraInput } from '../src/live/camera-manager.ts';
import { createHarness, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

const LINE = { name: 'door', points: [[0, 0], [100, 0]], inside: [50, 50] };
const ZONE = { name: 'plaza', polygon: [[0, 0], [100, 0], [100, 100]] };

interface View {
  id: string;
  purpose: { statement: string; allows: string[] };
  analytics: { lines: { name: string }[]; zones: { name: string }[] };
}

async function harness(t: TestContext): Promise<{ h: Harness; admin: SessionCreds }> {
  const h = await createHarness();
  t.after(() => h.close());
  return { h, admin: await h.login('admin') };
}

const error = (res: LightMyRequestResponse): { code: string; message: string } => res.json<{ error: { code: string; message: string } }>().error;

test('a camera is created with its purpose, which every caller who sees it gets back', async (t) => {
  const { h, admin } = await harness(t);
  const purpose = { statement: 'Count visitors at the main entrance', allows: ['counting'] };
  const res = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'entrance', url: 'rtsp://10.0.0.7/main', purpose, analytics: { lines: [LINE] } } });
  assert.equal(res.statusCode, 201, res.body);
  const view = res.json<View>();
  assert.deepEqual(view.purpose, purpose);
  const again = await h.app.inject({ url: `/api/cameras/${view.id}`, headers: h.headers(admin) });
  assert.deepEqual(again.json<View>().purpose, purpose);
  h.users.grantCamera(h.ids.viewer, view.id);
  const viewer = await h.login('viewer');
  const seen = await h.app.inject({ url: '/api/cameras', headers: h.headers(viewer) });
  assert.deepEqual(seen.json<{ cameras: View[] }>().cameras.find((c) => c.id === view.id)?.purpose, purpose);
});

test('a purpose given as text, or none, allows what the new camera uses (and the heat map), stated from then on', async (t) => {
  const { h, admin } = await harness(t);
  const text = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'old-style', url: 'rtsp://10.0.0.7/a', purpose: 'Footfall', analytics: { lines: [LINE] } } });
  assert.equal(text.statusCode, 201, text.body);
  assert.deepEqual(text.json<View>().purpose, { statement: 'Footfall', allows: ['counting', 'heatmap'] });
  const none = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'bare', url: 'rtsp://10.0.0.7/b' } });
  assert.deepEqual(none.json<View>().purpose, { statement: '', allows: ['heatmap'] });
  // Its allowed analytics are stated now: zones added later are refused.
  const zones = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${none.json<View>().id}`, headers: h.headers(admin), payload: { analytics: { zones: [ZONE] } } });
  assert.equal(zones.statusCode, 422, zones.body);
  assert.equal(error(zones).code, 'PURPOSE_FORBIDS');
});

test('creating a camera that asks for an analytic its purpose does not allow is refused, naming each field', async (t) => {
  const { h, admin } = await harness(t);
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/cameras',
    headers: h.headers(admin),
    payload: { name: 'shop', url: 'rtsp://10.0.0.7/main', purpose: { statement: 'Heat map of the shop floor', allows: ['heatmap'] }, analytics: { lines: [LINE], zones: [ZONE] } },
  });
  assert.equal(res.statusCode, 422, res.body);
  const e = error(res);
  assert.equal(e.code, 'PURPOSE_FORBIDS');
  assert.match(e.message, /^camera shop: analytics\.lines \(line "door"\) needs "counting", which the purpose does not allow \(it allows: heatmap\); add "counting" to purpose\.allows or remove the lines; analytics\.zones \(zone "plaza"\) needs "zones"/);
  const list = await h.app.inject({ url: '/api/cameras', headers: h.headers(admin) });
  assert.equal(list.json<{ cameras: { name: string }[] }>().cameras.some((c) => c.name === 'shop'), false, 'nothing was stored');
});

test('a change that asks for more than the purpose allows is refused; widening the purpose in the same change is accepted and audited', async (t) => {
  const { h, admin } = await harness(t);
  const made = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'gate', url: 'rtsp://10.0.0.7/g', purpose: { statement: 'Count cars', allows: ['counting'] }, analytics: { lines: [LINE] } } });
  const id = made.json<View>().id;
  const refused = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload: { analytics: { lines: [LINE], zones: [ZONE] } } });
  assert.equal(refused.statusCode, 422, refused.body);
  assert.equal(error(refused).code, 'PURPOSE_FORBIDS');
  assert.match(error(refused).message, /analytics\.zones \(zone "plaza"\) needs "zones".*it allows: counting/);
  // Rewording the purpose keeps what it allows: it does not let the zones in.
  const reworded = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload: { purpose: { statement: 'Count cars and watch the yard' }, analytics: { zones: [ZONE] } } });
  assert.equal(reworded.statusCode, 422, reworded.body);
  const statement = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload: { purpose: { statement: 'Count cars at the gate' } } });
  assert.equal(statement.statusCode, 200, statement.body);
  assert.deepEqual(statement.json<View>().purpose, { statement: 'Count cars at the gate', allows: ['counting'] });
  const widened = await h.app.inject({
    method: 'PATCH',
    url: `/api/cameras/${id}`,
    headers: h.headers(admin),
    payload: { purpose: { statement: 'Count cars and watch the yard', allows: ['counting', 'zones'] }, analytics: { lines: [LINE], zones: [ZONE] } },
  });
  assert.equal(widened.statusCode, 200, widened.body);
  assert.deepEqual(widened.json<View>().purpose, { statement: 'Count cars and watch the yard', allows: ['counting', 'zones'] });
  assert.deepEqual(widened.json<View>().analytics.zones.map((z) => z.name), ['plaza']);
  const audit = h.audit.list({ action: 'camera_update' }).at(-1)!;
  assert.deepEqual((audit.details as { changes: Record<string, unknown> }).changes['purpose'], {
    before: { statement: 'Count cars at the gate', allows: ['counting'] },
    after: { statement: 'Count cars and watch the yard', allows: ['counting', 'zones'] },
  });
  // Narrowing the purpose below what the camera uses is refused too.
  const narrowed = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload: { purpose: { statement: 'Zones only', allows: ['zones'] } } });
  assert.equal(narrowed.statusCode, 422, narrowed.body);
  assert.match(error(narrowed).message, /analytics\.lines \(line "door"\) needs "counting"/);
});

test('an unknown analytic in a purpose is a request error naming the field', async (t) => {
  const { h, admin } = await harness(t);
  const res = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'x', url: 'rtsp://10.0.0.7/x', purpose: { statement: 'x', allows: ['emotions'] } } });
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(error(res).code, 'REQUEST_INVALID');
  assert.match(error(res).message, /purpose/);
});

test("the server's camera service refuses the same (seeds, file cameras and the API all pass parseCameraInput)", () => {
  const camera = { name: 'yard', url: 'rtsp://10.0.0.7/y', purpose: { statement: 'Count only', allows: ['counting'] }, analytics: { lines: [LINE], zones: [ZONE] } };
  assert.throws(() => parseCameraInput(camera, 'api'), (e: unknown) => e instanceof SightlineError && e.code === 'PURPOSE_FORBIDS' && /camera yard: analytics\.zones \(zone "plaza"\) needs "zones"/.test(e.message));
  assert.deepEqual(parseCameraInput({ ...camera, purpose: { statement: 'Both', allows: ['counting', 'zones'] } }, 'api').purpose, { statement: 'Both', allows: ['counting', 'zones'] });
});
