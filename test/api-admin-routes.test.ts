/**
 * The admin routes of the web app: POST /api/cameras/test (real ffprobe against a closed local port
 * and a real local HTTP server) and GET /api/system (host, disk, notification targets), checked for
 * permissions and for never leaking a stream password, a webhook secret or an SMTP/MQTT password.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildApi } from '../src/api/app.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { InProcessBus } from '../src/events/bus.ts';
import { SqliteAuditLog } from '../src/store/sqlite-audit-log.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { SqliteUserStore } from '../src/store/sqlite-users.ts';
import { ROOT } from './fixtures/data.ts';
import { apiStores, createHarness, FixtureCameraService, FixtureRecordingService, PASSWORD, sessionCookieOf, T0 } from './fixtures/api-harness.ts';
import { closedPort } from './fixtures/ports.ts';

const STREAM_PASSWORD = 'pw-Zebra-7781-secret';
const WEBHOOK_SECRET = 'hook-secret-0123456789abcdef';
const SMTP_PASSWORD = 'smtp-Pass-55321';
const MQTT_PASSWORD = 'mqtt-Pass-99812';

test('POST /api/cameras/test: permissions, URL rules and no password in any answer', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  const admin = await h.login('admin');
  const viewer = await h.login('viewer');
  const operator = await h.login('operator');
  const port = await closedPort();
  const credentials = { username: 'camuser', password: STREAM_PASSWORD };
  const cases: { name: string; headers: Record<string, string>; payload: unknown; status: number; ok?: boolean }[] = [
    { name: 'viewer', headers: h.headers(viewer), payload: { url: `rtsp://127.0.0.1:${port}/x` }, status: 403 },
    { name: 'operator', headers: h.headers(operator), payload: { url: `rtsp://127.0.0.1:${port}/x` }, status: 403 },
    { name: 'credentials in the URL', headers: h.headers(admin), payload: { url: `rtsp://camuser:${STREAM_PASSWORD}@127.0.0.1:${port}/x` }, status: 400 },
    { name: 'file path', headers: h.headers(admin), payload: { url: '/etc/passwd' }, status: 400 },
    { name: 'unknown scheme', headers: h.headers(admin), payload: { url: 'ftp://127.0.0.1/x' }, status: 400 },
    { name: 'unknown field', headers: h.headers(admin), payload: { url: `rtsp://127.0.0.1:${port}/x`, zz: 1 }, status: 400 },
    { name: 'closed RTSP port with credentials', headers: h.headers(admin), payload: { url: `rtsp://127.0.0.1:${port}/x`, credentials }, status: 200, ok: false },
    { name: 'closed HTTP port with credentials', headers: h.headers(admin), payload: { url: `http://127.0.0.1:${port}/x.ts`, credentials }, status: 200, ok: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/cameras/test', headers: c.headers, payload: c.payload as Record<string, unknown> });
      assert.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
      assert.ok(!res.body.includes(STREAM_PASSWORD), `${c.name}: the answer quotes the password: ${res.body}`);
      if (c.ok !== undefined) {
        const body = res.json<{ ok: boolean; error?: string }>();
        assert.equal(body.ok, c.ok, c.name);
        assert.ok(typeof body.error === 'string' && body.error.length > 0, `${c.name}: an error message`);
      }
    });
  }
  const entries = h.audit.list({ action: 'camera_test' });
  // Every test is audited, refused ones too (viewer and operator are refused before the route runs).
  assert.equal(entries.length, 6, 'each test is audited');
  assert.deepEqual(entries.map((e) => e.details['refused'] ?? 'probed').sort(), ['CAMERA_INVALID', 'CAMERA_INVALID', 'CAMERA_INVALID', 'REQUEST_INVALID', 'probed', 'probed']);
  assert.ok(!JSON.stringify(entries).includes(STREAM_PASSWORD), 'the audit log holds no password');
});

test('POST /api/cameras/test: a real stream answers with its size and codec', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  const admin = await h.login('admin');
  const http = createHttp((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    createReadStream(path.join(ROOT, 'demo/pets09-s2l1-excerpt.mp4')).pipe(res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const address = http.address();
  assert.ok(address !== null && typeof address === 'object');
  const res = await h.app.inject({ method: 'POST', url: '/api/cameras/test', headers: h.headers(admin), payload: { url: `http://127.0.0.1:${address.port}/clip.mp4` } });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<{ ok: boolean; width: number; height: number; codec: string }>();
  assert.deepEqual({ ok: body.ok, width: body.width, height: body.height, codec: body.codec }, { ok: true, width: 768, height: 576, codec: 'h264' });
});

test('GET /api/system: host, disk and notification targets without a secret', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-admin-'));
  const clock = { t: T0 };
  const now = (): number => clock.t;
  const db = openDatabase(path.join(dir, 'sightline.db'), { now });
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const store = new SqliteEventStore(db, { now });
  const users = new SqliteUserStore(db, { now, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  const config = serverConfigSchema.parse({
    mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'broker-user', password: MQTT_PASSWORD, prefix: 'site' },
    webhooks: [{ name: 'hook', url: 'https://127.0.0.1:9/hook?token=abc123', secret: WEBHOOK_SECRET, types: ['intrusion'] }],
    smtp: { host: '127.0.0.1', port: 2525, username: 'mailer', password: SMTP_PASSWORD, from: 'nvr@example.test', to: ['ops@example.test'] },
  });
  const cameras = new FixtureCameraService(store);
  await cameras.add({ id: 'A', name: 'cam-A', url: 'rtsp://10.0.0.1/A' });
  await users.create({ name: 'admin', password: PASSWORD, role: 'admin' });
  await users.create({ name: 'viewer', password: PASSWORD, role: 'viewer' });
  db.prepare("INSERT INTO outbox (channel, payload, created_at, next_attempt) VALUES ('mqtt', '{}', ?, ?), ('email', '{}', ?, ?)").run(T0, T0, T0, T0);
  db.prepare("INSERT INTO outbox (channel, payload, created_at, next_attempt, delivered_at) VALUES ('mqtt', '{}', ?, ?, ?)").run(T0, T0, T0);
  const app = await buildApi(
    { config, dataDir: dir, store, users, ...apiStores(db, config, now), audit: new SqliteAuditLog(db, { now }), bus: new InProcessBus(), cameras, recordings: new FixtureRecordingService(dir, 3_600_000), now },
    { https: false, sessionSecret: randomBytes(32), version: '9.9.9-test' },
  );
  t.after(() => app.close());
  const login = async (name: string): Promise<Record<string, string>> => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password: PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    return { cookie: `sightline_session=${sessionCookieOf(res)!}` };
  };

  assert.equal((await app.inject({ url: '/api/system', headers: await login('viewer') })).statusCode, 403);
  const res = await app.inject({ url: '/api/system', headers: await login('admin') });
  assert.equal(res.statusCode, 200, res.body);
  for (const secret of [WEBHOOK_SECRET, SMTP_PASSWORD, MQTT_PASSWORD, 'abc123']) assert.ok(!res.body.includes(secret), `the answer holds ${secret}`);
  const body = res.json<{
    host: { cpus: number; loadAverage: number[]; memory: { total: number; free: number }; processRss: number };
    disk: { total: number; free: number } | null;
    cameras: unknown[];
    notifications: { mqtt: { url: string; prefix: string; hasCredentials: boolean }; webhooks: { name: string; url: string; types: string[] }[]; smtp: { host: string; port: number; to: string[] }; outboxPending: number };
  }>();
  assert.ok(body.host.cpus >= 1);
  assert.equal(body.host.loadAverage.length, 3);
  assert.ok(body.host.memory.total >= body.host.memory.free && body.host.memory.free > 0);
  assert.ok(body.host.processRss > 0);
  assert.ok(body.disk !== null && body.disk.total >= body.disk.free && body.disk.free > 0);
  assert.equal(body.cameras.length, 1);
  assert.deepEqual(body.notifications.mqtt, { url: 'mqtt://127.0.0.1:1883', prefix: 'site', hasCredentials: true });
  assert.deepEqual(body.notifications.webhooks, [{ name: 'hook', url: 'https://127.0.0.1:9/hook?token=***', types: ['intrusion'], cameras: null }]);
  assert.deepEqual({ host: body.notifications.smtp.host, port: body.notifications.smtp.port, to: body.notifications.smtp.to }, { host: '127.0.0.1', port: 2525, to: ['ops@example.test'] });
  assert.equal(body.notifications.outboxPending, 2);
});
