/**
 * The WebSocket feed over a real listening socket (127.0.0.1, port 0): bus messages reach only
 * callers who may see their camera; failed authentication, a foreign Origin or a token without
 * events:read close the socket with 1008.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { CameraHealth, LiveEventMessage } from '../src/events/live-event.ts';
import { createHarness, T0, type Harness } from './fixtures/api-harness.ts';

let h: Harness;
let base = '';
let origin = '';

before(async () => {
  // Open sockets re-check their caller every 25 ms of real time, so that quiet sockets close without waiting.
  h = await createHarness({ wsRecheckMs: 25 });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as AddressInfo).port;
  base = `ws://127.0.0.1:${port}/api/ws`;
  origin = `http://127.0.0.1:${port}`;
});
after(() => h.close());

interface Client {
  readonly messages: { topic: string; message: { cameraId?: string; event?: { cameraId: string } } }[];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<boolean>;
  readonly socket: WebSocket;
}

function connect(headers: Record<string, string>): Client {
  const socket = new WebSocket(base, { headers });
  const messages: Client['messages'] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Client['messages'][number]));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') })));
  const opened = new Promise<boolean>((resolve) => {
    socket.on('open', () => resolve(true));
    socket.on('error', () => resolve(false));
  });
  return { messages, closed, opened, socket };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const health = (cameraId: string): CameraHealth => ({
  cameraId,
  cameraName: `cam-${cameraId}`,
  state: 'connected',
  fps: 10,
  analysedFps: 5,
  lastFrameAt: T0,
  lastError: null,
  reconnects: 0,
  droppedFrames: 0,
  frameSize: null,
  recording: true,
});

const event = (cameraId: string, id: string): LiveEventMessage => ({
  kind: 'new',
  frameTime: T0,
  event: {
    id,
    cameraId,
    cameraName: `cam-${cameraId}`,
    type: 'intrusion',
    rule: 'yard',
    trackId: 1,
    class: 'person',
    startTime: T0,
    endTime: null,
    direction: null,
    data: {},
    snapshotPath: null,
    recording: null,
    armed: true,
  },
});

/** Publishes one message of every topic for camera B, then a health marker for A; returns when `client` saw the marker. */
async function publishRound(client: Client, marker: string): Promise<void> {
  h.bus.publish('event', event('B', `b-${marker}`));
  h.bus.publish('count', { cameraId: 'B', cameraName: 'cam-B', line: 'gate', in: 1, out: 0, frameTime: T0 });
  h.bus.publish('objects', { cameraId: 'B', cameraName: 'cam-B', counts: { person: 1 }, frameTime: T0 });
  h.bus.publish('event', event('A', `a-${marker}`));
  await until(() => client.messages.some((m) => m.topic === 'event' && (m.message as LiveEventMessage).event.id === `a-${marker}`), `marker ${marker}`);
  h.bus.publish('health', health('A'));
  await until(() => client.messages.some((m) => m.topic === 'health'), 'a health message');
}

describe('WebSocket feed', () => {
  test('a viewer gets the messages of the cameras they may see, and only those', async () => {
    const viewer = await h.login('viewer');
    const client = connect({ cookie: `sightline_session=${viewer.cookie}`, origin });
    assert.equal(await client.opened, true);
    await publishRound(client, '1');
    const cameras = client.messages.map((m) => m.message.cameraId ?? m.message.event?.cameraId);
    assert.deepEqual([...new Set(cameras)], ['A']);
    assert.deepEqual(client.messages.map((m) => m.topic), ['event', 'health']);
    client.socket.close();
    await client.closed;
  });

  test('an events:read token gets every camera', async () => {
    const token = await h.token('ws-events', ['events:read']);
    const client = connect({ authorization: `Bearer ${token}` });
    assert.equal(await client.opened, true);
    await publishRound(client, '2');
    assert.deepEqual(client.messages.map((m) => m.topic), ['event', 'count', 'objects', 'event', 'health']);
    client.socket.close();
    await client.closed;
  });

  test('failed authentication, a foreign origin or a missing scope close with 1008', async (t) => {
    const viewer = await h.login('viewer');
    const metrics = await h.token('ws-metrics', ['metrics:read']);
    const cases: [string, Record<string, string>][] = [
      ['no credential', {}],
      ['unknown session', { cookie: `sightline_session=${'x'.repeat(43)}` }],
      ['bad token', { authorization: 'Bearer slt_nope' }],
      ['foreign origin', { cookie: `sightline_session=${viewer.cookie}`, origin: 'https://evil.example' }],
      ['token without events:read', { authorization: `Bearer ${metrics}` }],
    ];
    for (const [name, headers] of cases) {
      await t.test(name, async () => {
        const client = connect(headers);
        const closed = await client.closed;
        assert.equal(closed.code, 1008, name);
        assert.deepEqual(client.messages, [], name);
      });
    }
  });

  test('a socket closes with 1008 once its user is disabled', async () => {
    const viewer = await h.login('viewer');
    const client = connect({ cookie: `sightline_session=${viewer.cookie}` });
    assert.equal(await client.opened, true);
    h.users.setDisabled(h.ids.viewer, true);
    h.clock.t += 10_000;
    h.bus.publish('health', health('A'));
    assert.equal((await client.closed).code, 1008);
    h.users.setDisabled(h.ids.viewer, false);
  });

  test('a quiet token socket closes with 1008 once the token is revoked', async () => {
    const token = await h.token('ws-revoked', ['events:read']);
    const client = connect({ authorization: `Bearer ${token}` });
    assert.equal(await client.opened, true);
    await publishRound(client, 'revoke');
    const admin = await h.login('admin');
    const id = h.db.prepare<[], { id: string }>("SELECT id FROM api_tokens WHERE name = 'ws-revoked'").get()!.id;
    assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: h.headers(admin) })).statusCode, 200);
    const closed = await client.closed;
    assert.deepEqual([closed.code, closed.reason], [1008, 'access has ended: the session or API token is no longer valid']);
  });

  test('a token socket gets no message after the token is revoked, even before the timer', async () => {
    const token = await h.token('ws-revoked-2', ['events:read']);
    const client = connect({ authorization: `Bearer ${token}` });
    assert.equal(await client.opened, true);
    h.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE name = 'ws-revoked-2'").run(h.clock.t);
    h.clock.t += 2000;
    h.bus.publish('health', health('A'));
    assert.equal((await client.closed).code, 1008);
    assert.deepEqual(client.messages, []);
  });

  test('a quiet session socket closes with 1008 once the session is idle past the timeout', async (t) => {
    const viewer = await h.login('viewer');
    const client = connect({ cookie: `sightline_session=${viewer.cookie}`, origin });
    assert.equal(await client.opened, true);
    const idle = 30 * 60_000;
    h.clock.t += idle;
    t.after(() => {
      h.clock.t -= idle;
    });
    assert.equal((await client.closed).code, 1008);
  });

  test('subscriptions are audited ws_subscribe, once per caller per minute', async () => {
    const before = h.audit.list({ action: 'ws_subscribe', limit: 1000 }).filter((e) => e.actor === 'operator').length;
    const operator = await h.login('operator');
    for (let i = 0; i < 2; i++) {
      const client = connect({ cookie: `sightline_session=${operator.cookie}`, origin });
      assert.equal(await client.opened, true);
      client.socket.close();
      await client.closed;
    }
    const entries = h.audit.list({ action: 'ws_subscribe', limit: 1000 }).filter((e) => e.actor === 'operator');
    assert.equal(entries.length - before, 1);
    assert.deepEqual(entries[0]!.details, { topics: ['event', 'count', 'objects', 'health', 'tracks'] });
  });
});
