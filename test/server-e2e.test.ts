/**
 * The quickstart, end to end over real HTTPS: the server starts with the demo RTSP camera, the
 * setup link creates the first admin once, the admin signs in and watches the demo camera's counts
 * rise through the API; events carry snapshots; the WebSocket feed and /metrics (with a scoped
 * token) work; a recording exports as MP4; every use lands in an audit chain that verifies.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Agent, request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { BIN } from './fixtures/cli.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'tr0mbone-kettle-sunrise';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  json<T>(): T;
}

/** One HTTPS request that trusts exactly the server's own certificate (no verification turned off). */
function call(server: RunningServer, method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const agent = new Agent({ ca: server.tls.cert, servername: 'localhost' });
  const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(url, server.url), { method, agent, headers: { ...(body && { 'content-type': 'application/json' }), ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, json: <T>() => JSON.parse(all.toString()) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('quickstart end to end: setup link, sign-in, counts rising, snapshots, WebSocket, metrics, export, audit', { timeout: 120_000 }, async () => {
  const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 }, recording: { segmentSeconds: 2 } });
  const dataDir = path.join(dir, 'data');
  const server = await startServer({ config, dataDir, demo: { rtspPort: 0 }, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.setupUrl, 'a setup link is printed while no admin exists');
    const token = new URLSearchParams(new URL(server.setupUrl).hash.slice(1)).get('token')!;

    // Nothing but the public routes answers without a credential.
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);
    assert.equal((await call(server, 'GET', '/api/cameras')).status, 401);
    assert.equal((await call(server, 'GET', '/setup')).status, 200);

    const setup = await call(server, 'POST', '/api/setup', { body: { token, name: 'owner', password: PASSWORD } });
    assert.equal(setup.status, 201, setup.body.toString());
    const again = await call(server, 'POST', '/api/setup', { body: { token, name: 'owner2', password: PASSWORD } });
    assert.ok(again.status === 401 || again.status === 409, `the link works once (${again.status})`);

    const login = await call(server, 'POST', '/api/auth/login', { body: { name: 'owner', password: PASSWORD } });
    assert.equal(login.status, 200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    assert.match(String(login.headers['set-cookie']), /HttpOnly/i);
    assert.match(String(login.headers['set-cookie']), /Secure/i);
    assert.match(String(login.headers['set-cookie']), /SameSite=Strict/i);
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const auth = { cookie };

    const cams = (await call(server, 'GET', '/api/cameras', { headers: auth })).json<{ cameras: { id: string; name: string }[] }>().cameras;
    const demo = cams.find((c) => c.name === 'demo')!;
    assert.ok(demo, 'the demo camera is there');

    // The WebSocket feed delivers live events of the camera.
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}/api/ws`, { ca: server.tls.cert, headers: { cookie, origin: server.url } });
    const fed: string[] = [];
    ws.on('message', (m: Buffer) => fed.push(m.toString()));

    let totals: Record<string, { in: number; out: number }> = {};
    await waitFor(async () => {
      const r = await call(server, 'GET', `/api/cameras/${demo.id}/counts?bucket=minute`, { headers: auth });
      totals = r.json<{ totals: Record<string, { in: number; out: number }> }>().totals;
      return Object.values(totals).reduce((s, t) => s + t.in + t.out, 0) >= 2;
    }, 60_000, 'the demo counts to rise');
    await waitFor(() => fed.some((m) => m.includes('"topic":"event"')), 10_000, 'an event on the WebSocket feed');
    ws.close();

    const events = (await call(server, 'GET', `/api/events?camera=${demo.id}&type=line_crossing&limit=5`, { headers: auth })).json<{ events: { id: string; snapshotPath: string | null }[] }>().events;
    assert.ok(events.length > 0);
    const snap = await call(server, 'GET', `/api/events/${events[0]!.id}/snapshot.jpg`, { headers: auth });
    assert.equal(snap.status, 200);
    assert.deepEqual([...snap.body.subarray(0, 2)], [0xff, 0xd8], 'a JPEG snapshot');
    const live = await call(server, 'GET', `/api/cameras/${demo.id}/live.jpg`, { headers: auth });
    assert.equal(live.status, 200);

    // A state change without the CSRF header is refused; with it, it works.
    const noCsrf = await call(server, 'POST', '/api/tokens', { headers: auth, body: { name: 'prometheus', scopes: ['metrics:read'] } });
    assert.equal(noCsrf.status, 403);
    const made = await call(server, 'POST', '/api/tokens', { headers: { ...auth, 'x-csrf-token': csrf }, body: { name: 'prometheus', scopes: ['metrics:read'] } });
    assert.equal(made.status, 201, made.body.toString());
    const bearer = made.json<{ token: string }>().token;
    const metrics = await call(server, 'GET', '/metrics', { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(metrics.status, 200);
    assert.match(metrics.body.toString(), /sightline_/);
    assert.equal((await call(server, 'GET', '/api/cameras', { headers: { authorization: `Bearer ${bearer}` } })).status, 403, 'a metrics token reads nothing else');

    // Recording: segments exist and a range exports as one MP4.
    let segs: { startTime: number; endTime: number }[] = [];
    await waitFor(async () => {
      segs = (await call(server, 'GET', `/api/cameras/${demo.id}/recordings?from=0&to=${Date.now() + 60_000}`, { headers: auth })).json<{ segments: { startTime: number; endTime: number }[] }>().segments;
      return segs.length >= 2;
    }, 30_000, 'two recorded segments');
    const exported = await call(server, 'GET', `/api/cameras/${demo.id}/export.mp4?from=${segs[0]!.startTime}&to=${segs[1]!.endTime}`, { headers: auth });
    assert.equal(exported.status, 200, exported.body.toString().slice(0, 200));
    assert.equal(exported.body.subarray(4, 8).toString(), 'ftyp', 'an MP4 file');
  } finally {
    await server.close();
  }
  const verify = execFileSync(process.execPath, [BIN, 'audit', 'verify', '--data-dir', dataDir], { encoding: 'utf8' });
  assert.match(verify, /intact|ok/i);
  const { openDatabase, databasePath } = await import('../src/store/database.ts');
  const db = openDatabase(databasePath(dataDir));
  try {
    const actions = new Set(db.prepare<[], { action: string }>('SELECT action FROM audit_log').all().map((r) => r.action));
    for (const a of ['server_start', 'setup', 'login', 'live_view', 'search', 'export', 'server_stop']) assert.ok(actions.has(a), `audit has ${a}: ${[...actions].join(', ')}`);
  } finally {
    db.close();
  }
});
