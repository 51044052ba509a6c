import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InProcessBus } from '../src/events/bus.ts';
import type { LiveEventBody, LiveEventKind } from '../src/events/live-event.ts';
import { ManualClock } from '../src/notify/clock.ts';
import { startNotifications, type Notifications } from '../src/notify/notifications.ts';
import { GAVE_UP, type OutboxItem } from '../src/store/outbox.ts';
import { SqliteOutbox } from '../src/store/sqlite-outbox.ts';
import { signWebhook, verifyWebhookSignature, type WebhookConfig } from '../src/notify/webhook-notifier.ts';
import { openDatabase } from '../src/store/database.ts';

const SECRET = 'a-very-secret-webhook-key-0123456789';

/** An event body with sensible defaults. */
function body(over: Partial<LiveEventBody> = {}): LiveEventBody {
  return {
    id: 'ev-1', cameraId: 'cam-1', cameraName: 'front', type: 'intrusion', rule: 'yard', trackId: 7, class: 'person',
    startTime: Date.UTC(2024, 0, 1, 12), endTime: null, direction: null, data: { seconds: 5 }, snapshotPath: null, recording: null, armed: true,
    ...over,
  };
}

interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: string;
}

/** A real HTTP receiver on 127.0.0.1 answering with the given statuses in turn (then 200); `hang` never answers. */
async function receiver(t: TestContext, statuses: (number | 'hang' | 'redirect')[] = []) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      const answer = statuses.shift() ?? 200;
      if (answer === 'hang') return;
      if (answer === 'redirect') {
        res.writeHead(302, { location: '/elsewhere' }).end();
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** Notifications with webhooks over a fresh database and a manual clock. */
function start(t: TestContext, webhooks: WebhookConfig[], extra: { webhookTimeoutMs?: number } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-webhook-'));
  const db = openDatabase(path.join(dir, 'sightline.db'));
  const bus = new InProcessBus();
  const clock = new ManualClock(Date.UTC(2024, 0, 1, 12));
  const logs: string[] = [];
  const n: Notifications = startNotifications({
    config: { webhooks }, outbox: new SqliteOutbox(db), bus, dataDir: dir, now: clock.now, schedule: clock.schedule, random: () => 0, timeZone: 'UTC',
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...extra,
  });
  t.after(async () => {
    await n.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const outbox = new SqliteOutbox(db);
  const publish = (b: LiveEventBody, kind: LiveEventKind = 'new'): void => bus.publish('event', { kind, event: b, frameTime: b.startTime });
  const items = (): OutboxItem[] => (db.prepare('SELECT id FROM outbox ORDER BY id').all() as { id: number }[]).map((r) => outbox.get(r.id)!);
  return { n, clock, logs, publish, items };
}

/** Polls until `cond` holds; fails after 5 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('webhook: 500, 500, then 200: delivered once after two retries, signed, with a stable delivery id', async (t) => {
  const rx = await receiver(t, [500, 500]);
  const s = start(t, [{ name: 'ops', url: rx.url, secret: SECRET }]);
  s.publish(body());
  await until(() => rx.got.length === 1, 'the first attempt');
  await until(() => s.items()[0]?.attempts === 1, 'the first failure to be recorded');
  assert.equal(s.n.pending(), 1);
  assert.equal(s.items()[0]?.lastError, 'webhook "ops" answered HTTP 500');
  s.clock.advance(1000);
  await until(() => rx.got.length === 2, 'the second attempt');
  await until(() => s.items()[0]?.attempts === 2, 'the second failure to be recorded');
  s.clock.advance(2000);
  await until(() => s.n.pending() === 0, 'delivery');
  s.clock.advance(60 * 60 * 1000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(rx.got.length, 3, 'delivered once, not again');

  const ids = new Set(rx.got.map((r) => r.headers['x-sightline-delivery']));
  assert.equal(ids.size, 1, 'every retry carries the same delivery id');
  assert.equal([...ids][0], String(s.items()[0]?.id));
  const last = rx.got[2]!;
  assert.equal(last.path, '/hook');
  assert.equal(last.headers['content-type'], 'application/json');
  assert.equal(last.headers['x-sightline-event'], 'new');
  assert.equal(last.headers['x-sightline-timestamp'], String(Date.UTC(2024, 0, 1, 12) / 1000 + 3), 'stamped when sent');
  for (const r of rx.got) {
    assert.ok(verifyWebhookSignature(SECRET, r.headers['x-sightline-timestamp'] as string, r.raw, r.headers['x-sightline-signature'] as string), 'signature verifies');
    assert.equal(verifyWebhookSignature('another-secret-of-16+chars', r.headers['x-sightline-timestamp'] as string, r.raw, r.headers['x-sightline-signature'] as string), false, 'a wrong secret does not');
  }
  assert.deepEqual(JSON.parse(last.raw), { kind: 'new', event: { ...body() }, frameTime: body().startTime });
  for (const line of [...s.logs, ...s.items().map((i) => i.lastError ?? '')]) assert.ok(!line.includes(SECRET), `secret leaked: ${line}`);
});

test('webhook: type and camera filters, and unarmed events are sent nowhere', async (t) => {
  const rx = await receiver(t);
  const s = start(t, [
    { name: 'alarms', url: `${rx.url}?to=alarms`, secret: SECRET, types: ['intrusion', 'loitering'] },
    { name: 'back', url: `${rx.url}?to=back`, secret: SECRET, cameras: ['back'] },
  ]);
  s.publish(body({ id: 'a', type: 'line_crossing', rule: 'door', direction: 'in' }));
  s.publish(body({ id: 'b', type: 'intrusion' }));
  s.publish(body({ id: 'c', type: 'loitering', cameraName: 'back' }));
  s.publish(body({ id: 'd', type: 'intrusion', armed: false }));
  s.publish(body({ id: 'e', type: 'crowd', cameraName: 'back', armed: false }));
  await until(() => rx.got.length === 3 && s.n.pending() === 0, 'three deliveries');
  const sent = rx.got.map((r) => `${r.path}:${(JSON.parse(r.raw) as { event: { id: string } }).event.id}`).sort();
  assert.deepEqual(sent, ['/hook?to=alarms:b', '/hook?to=alarms:c', '/hook?to=back:c']);
  assert.equal(s.items().length, 3, 'unarmed events are not even queued');
});

test('webhook: redirects are not followed and timeouts are retried', async (t) => {
  const rx = await receiver(t, ['redirect', 'hang']);
  const s = start(t, [{ name: 'moved', url: rx.url, secret: SECRET }], { webhookTimeoutMs: 300 });
  s.publish(body());
  await until(() => s.items()[0]?.attempts === 1, 'the redirect to fail');
  assert.equal(rx.got.length, 1, 'the redirect target was not requested');
  assert.equal(s.items()[0]?.lastError, 'webhook "moved" answered HTTP 302 (redirects are not followed)');
  s.clock.advance(1000);
  await until(() => s.items()[0]?.attempts === 2, 'the timeout to fail');
  assert.equal(s.items()[0]?.lastError, 'webhook "moved" failed: no answer within 0.3 s');
  s.clock.advance(2000);
  await until(() => s.n.pending() === 0, 'delivery');
  assert.equal(rx.got.length, 3);
});

test('webhook: an endpoint that stays down is given up after 48 h with its last error', async (t) => {
  const s = start(t, [{ name: 'gone', url: 'http://127.0.0.1:1/hook', secret: SECRET }]);
  s.publish(body());
  await until(() => s.items()[0]?.attempts === 1, 'the first failure');
  assert.match(s.items()[0]?.lastError ?? '', /^webhook "gone" failed: connect ECONNREFUSED/);
  s.clock.advance(49 * 60 * 60 * 1000);
  await until(() => s.items()[0]?.nextAttempt === GAVE_UP, 'give-up');
  assert.equal(s.n.pending(), 0);
  assert.ok(s.logs.some((l) => l.startsWith('warn: notification 1 (webhook:gone) given up')));
});

test('webhook signatures: verification table', async (t) => {
  const ts = 1_700_000_000;
  const raw = '{"kind":"new"}';
  const good = signWebhook(SECRET, ts, raw);
  assert.match(good, /^sha256=[0-9a-f]{64}$/);
  const cases: { name: string; secret?: string; ts?: number | string; body?: string; header?: string | undefined; nowMs?: number; want: boolean }[] = [
    { name: 'good', want: true },
    { name: 'good, as a Buffer body', body: raw, want: true },
    { name: 'wrong secret', secret: 'x'.repeat(32), want: false },
    { name: 'body changed', body: '{"kind":"end"}', want: false },
    { name: 'timestamp changed', ts: ts + 1, want: false },
    { name: 'no header', header: undefined, want: false },
    { name: 'header without prefix', header: good.slice('sha256='.length), want: false },
    { name: 'upper-case hex', header: good.toUpperCase(), want: false },
    { name: 'not a timestamp', ts: '17e8', want: false },
    { name: 'fresh enough', nowMs: (ts + 299) * 1000, want: true },
    { name: 'replayed too late', nowMs: (ts + 301) * 1000, want: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const header = 'header' in c ? c.header : good;
      const got = verifyWebhookSignature(c.secret ?? SECRET, c.ts ?? ts, c.name.includes('Buffer') ? Buffer.from(c.body ?? raw) : (c.body ?? raw), header, c.nowMs === undefined ? {} : { nowMs: c.nowMs });
      assert.equal(got, c.want, c.name);
    });
  }
});
