/**
 * Settings in the app, on a real server: notification targets written over the API (secrets
 * write-only, sealed in the database), the notifiers rebuilt without a restart (the MQTT gauge comes
 * up), "send a test" to a real mosquitto, a real local HTTP endpoint and a real SMTP sink (and the
 * specific error when a target is down), clear 400s with field paths, every change audited with what
 * it changed and never a secret, and everything still in force after a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { connect } from 'mqtt';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { verifyWebhookSignature } from '../src/notify/webhook-notifier.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { call, json, setupOwner, signIn } from './fixtures/https.ts';
import { mosquitto, smtpSink } from './fixtures/notify-targets.ts';
import { closedPort } from './fixtures/ports.ts';
import { waitFor } from './fixtures/wait.ts';

const MQTT_PASSWORD = 'mqtt-Pass-77120-never-shown';
const HOOK_SECRET = 'hook-Secret-0123456789-never-shown';
const SECRETS = [MQTT_PASSWORD, HOOK_SECRET];
const OWNER_PASSWORD = 'correct-horse-settings-42';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function noSecretIn(text: string, where: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} holds a secret: ${text.slice(0, 400)}`);
}

/** A real HTTP endpoint on 127.0.0.1 that keeps every request and answers `status`. */
async function hookReceiver(): Promise<{ url: string; seen: { headers: IncomingHttpHeaders; body: string }[]; close(): Promise<void> }> {
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function start(): Promise<RunningServer> {
  const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 } });
  return startServer({ config, dataDir: path.join(dir, 'data'), hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
}

interface Settings {
  notifications: { mqtt: { url: string; hasPassword: boolean } | null; webhooks: { name: string; url: string; hasSecret: boolean }[]; smtp: { host: string; port: number } | null };
  retention: { videoHours: number; eventDays: number; aggregateDays: number; auditDays: number };
  objectFilters: { filters: Record<string, { minScore?: number; minArea?: number }> };
  sources: Record<string, { from: string; updatedBy: string | null }>;
}

test('settings: write, apply without a restart, send a test, audit, keep across a restart', { timeout: 120_000 }, async (t) => {
  const broker = await mosquitto(t);
  const sink = await smtpSink(t);
  const hook = await hookReceiver();
  t.after(() => hook.close());
  let server = await start();
  t.after(() => server.close());
  const { auth } = await setupOwner(server, 'chief', OWNER_PASSWORD);

  const fresh = json<Settings>(await call(server, 'GET', '/api/settings', auth));
  assert.equal(fresh.notifications.mqtt, null);
  assert.equal(fresh.sources['notifications']?.from, 'config');
  assert.equal(fresh.retention.videoHours, 72);

  const targets = {
    mqtt: { url: broker.url, username: 'nvr', password: MQTT_PASSWORD, prefix: 'site1' },
    webhooks: [{ name: 'door', url: hook.url, secret: HOOK_SECRET, types: ['intrusion'] }],
    smtp: { host: '127.0.0.1', port: sink.port, from: 'nvr@example.org', to: ['guard@example.org'] },
  };
  const put = await call(server, 'PUT', '/api/settings/notifications', auth, targets);
  assert.equal(put.status, 200, put.body.toString());
  noSecretIn(put.body.toString(), 'the PUT answer');
  const written = json<{ changes: Record<string, unknown>; settings: Settings }>(put);
  assert.equal(written.changes['mqtt.password'], 'changed');
  assert.deepEqual(written.changes['mqtt.url'], { from: null, to: broker.url });
  assert.equal(written.settings.notifications.mqtt?.hasPassword, true);
  assert.equal(written.settings.notifications.webhooks[0]?.hasSecret, true);
  assert.equal(written.settings.sources['notifications']?.from, 'app');

  // Applied without a restart: the new MQTT notifier connects to the broker.
  await waitFor(async () => (await call(server, 'GET', '/metrics', auth)).body.toString().includes('sightline_mqtt_connected 1'), 20_000, 'the MQTT notifier to connect');
  const system = await call(server, 'GET', '/api/system', auth);
  assert.equal(json<{ notifications: { mqtt: { hasCredentials: boolean } | null } }>(system).notifications.mqtt?.hasCredentials, true);
  noSecretIn(system.body.toString(), '/api/system');

  // Send a test, to each target.
  const sub = connect(broker.url, { clientId: 'settings-test-sub', reconnectPeriod: 100 });
  t.after(() => sub.endAsync(true));
  const messages: string[] = [];
  sub.on('message', (topic, payload) => messages.push(`${topic} ${payload.toString()}`));
  await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
  await sub.subscribeAsync('site1/test', { qos: 1 });
  const tests: [object, RegExp][] = [
    [{ kind: 'mqtt' }, /acknowledged a test message on site1\/test/],
    [{ kind: 'webhook', name: 'door' }, /webhook "door" .* answered 2xx/],
    [{ kind: 'smtp' }, /accepted a test email to guard@example.org/],
  ];
  for (const [target, detail] of tests) {
    const r = await call(server, 'POST', '/api/settings/notifications/test', auth, target);
    assert.equal(r.status, 200, r.body.toString());
    const body = json<{ ok: boolean; detail?: string; error?: string }>(r);
    assert.equal(body.ok, true, `${JSON.stringify(target)}: ${body.error}`);
    assert.match(body.detail ?? '', detail);
  }
  await waitFor(() => messages.some((m) => m.startsWith('site1/test {"test":true')), 10_000, 'the MQTT test message');
  const call1 = hook.seen.at(-1)!;
  assert.equal(call1.headers['x-sightline-event'], 'test');
  assert.ok(verifyWebhookSignature(HOOK_SECRET, String(call1.headers['x-sightline-timestamp']), call1.body, String(call1.headers['x-sightline-signature'])), 'the test call is signed with the webhook secret');
  assert.ok(sink.mails.some((m) => m.to.includes('guard@example.org') && /Subject: Sightline test email/.test(m.raw)));

  // A target that is down: the test says why, in words. The webhook keeps its secret when none is given.
  const closed = await closedPort();
  const down = await call(server, 'PUT', '/api/settings/notifications', auth, { ...targets, mqtt: { ...targets.mqtt, password: '' }, webhooks: [{ name: 'door', url: `http://127.0.0.1:${closed}/hook`, types: ['intrusion'] }] });
  assert.equal(down.status, 200, down.body.toString());
  assert.deepEqual(Object.keys(json<{ changes: object }>(down).changes), ['webhooks.door.url'], 'left out, the secrets are kept: only the URL changed');
  const failed = json<{ ok: boolean; error?: string }>(await call(server, 'POST', '/api/settings/notifications/test', auth, { kind: 'webhook', name: 'door' }));
  assert.equal(failed.ok, false);
  assert.match(failed.error ?? '', /webhook "door" failed: .*ECONNREFUSED/);

  // Clear 400s with field paths.
  const refusals: [string, object, RegExp][] = [
    ['/api/settings/notifications', { ...targets, webhooks: [{ name: 'door', url: hook.url }, { name: 'gate', url: hook.url }] }, /webhooks\.1\.secret/],
    ['/api/settings/notifications', { ...targets, webhooks: [{ name: 'door', url: hook.url, secret: 'short' }] }, /webhooks\.0\.secret/],
    ['/api/settings/notifications', { ...targets, mqtt: { url: `mqtt://nvr:${MQTT_PASSWORD}@127.0.0.1:1883` } }, /mqtt\.url/],
    ['/api/settings/retention', { videoHours: 24, eventDays: -1, aggregateDays: 365, auditDays: 365 }, /eventDays/],
    ['/api/settings/object-filters', { filters: { person: { minScore: 2 } } }, /filters\.person\.minScore/],
    ['/api/settings/object-filters', { filters: { unicorn: { minScore: 0.2 } } }, /filters/],
  ];
  for (const [url, body, field] of refusals) {
    const r = await call(server, 'PUT', url, auth, body);
    assert.equal(r.status, 400, `${url} ${JSON.stringify(body)}: ${r.body.toString()}`);
    assert.match(json<{ error: { message: string } }>(r).error.message, field);
    noSecretIn(r.body.toString(), `the refusal of ${url}`);
  }
  const missing = await call(server, 'POST', '/api/settings/notifications/test', auth, { kind: 'webhook', name: 'nope' });
  assert.equal(missing.status, 400);
  assert.match(json<{ error: { code: string; message: string } }>(missing).error.message, /no webhook is named "nope"/);

  // Retention and object filters.
  const retention = { videoHours: 36, eventDays: 14, aggregateDays: 200, auditDays: 400 };
  assert.equal((await call(server, 'PUT', '/api/settings/retention', auth, retention)).status, 200);
  const filters = { filters: { person: { minScore: 0.45, minArea: 0.002 }, car: { minArea: 0.01 } } };
  assert.equal((await call(server, 'PUT', '/api/settings/object-filters', auth, filters)).status, 200);

  // Audited: what changed, never a secret.
  const entries = json<{ entries: { action: string; target: string | null; details: { changes?: Record<string, unknown>; ok?: boolean } }[] }>(await call(server, 'GET', '/api/audit?limit=100', auth)).entries;
  noSecretIn(JSON.stringify(entries), 'the audit log');
  const updates = entries.filter((e) => e.action === 'settings_update');
  assert.deepEqual(updates.map((e) => e.target).sort(), ['notifications', 'notifications', 'objectFilters', 'retention']);
  assert.ok(updates.some((e) => e.target === 'retention' && JSON.stringify(e.details.changes?.['eventDays']) === JSON.stringify({ from: 30, to: 14 })));
  assert.deepEqual(entries.filter((e) => e.action === 'settings_test').map((e) => `${e.target} ${e.details.ok}`).sort(), ['mqtt true', 'smtp true', 'webhook:door false', 'webhook:door true']);
  // The database holds no secret in clear.
  const db = readFileSync(path.join(dir, 'data', 'sightline.db'));
  for (const s of SECRETS) assert.ok(!db.includes(Buffer.from(s)), 'a secret in clear in the database');

  // After a restart: the app's values still apply, and the sealed webhook secret still signs.
  await server.close();
  server = await start();
  const again = (await signIn(server, 'chief', OWNER_PASSWORD)).auth;
  const kept = json<Settings>(await call(server, 'GET', '/api/settings', again));
  assert.deepEqual(kept.retention, retention);
  assert.deepEqual(kept.objectFilters, filters);
  assert.equal(kept.notifications.mqtt?.hasPassword, true);
  const back = await call(server, 'PUT', '/api/settings/notifications', again, { ...targets, mqtt: null, smtp: null, webhooks: [{ name: 'door', url: hook.url }] });
  assert.equal(back.status, 200, back.body.toString());
  const before = hook.seen.length;
  assert.equal(json<{ ok: boolean }>(await call(server, 'POST', '/api/settings/notifications/test', again, { kind: 'webhook', name: 'door' })).ok, true);
  const call2 = hook.seen[before]!;
  assert.ok(verifyWebhookSignature(HOOK_SECRET, String(call2.headers['x-sightline-timestamp']), call2.body, String(call2.headers['x-sightline-signature'])), 'the secret kept across the restart');
  await waitFor(async () => (await call(server, 'GET', '/metrics', again)).body.toString().includes('sightline_mqtt_connected 0'), 10_000, 'MQTT off once removed');

  // Reset: the configuration file's values apply again.
  const reset = await call(server, 'DELETE', '/api/settings/retention', again);
  assert.equal(reset.status, 200);
  assert.equal(json<{ settings: Settings }>(reset).settings.retention.videoHours, 72);
  assert.equal(json<{ settings: Settings }>(reset).settings.sources['retention']?.from, 'config');
});
