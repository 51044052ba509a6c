import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../store/database.ts';
import type { JsonObject } from '../core/json.ts';
import { ManualClock } from './clock.ts';
import { backoffDelay, DEFAULT_BACKOFF, Dispatcher, UndeliverableError, type DeliveryContext, type DispatchReport } from './dispatcher.ts';
import { GAVE_UP } from '../store/outbox.ts';
import { SqliteOutbox } from '../store/sqlite-outbox.ts';

const HOUR = 60 * 60 * 1000;

/** A fresh database in a temp dir, removed after the test. */
function tempDb(t: TestContext): { file: string; db: Database } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sightline-outbox-'));
  const file = path.join(dir, 'sightline.db');
  const db = openDatabase(file);
  t.after(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { file, db };
}

/** Waits until `cond` holds, letting promises and immediates run; fails after 2 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets every pending promise chain run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('backoff: 1 s doubling to 10 min, jitter takes off up to half', async (t) => {
  const cases: { failures: number; random: number; want: number }[] = [
    { failures: 1, random: 0, want: 1000 },
    { failures: 2, random: 0, want: 2000 },
    { failures: 3, random: 0, want: 4000 },
    { failures: 10, random: 0, want: 512_000 },
    { failures: 11, random: 0, want: 600_000 },
    { failures: 500, random: 0, want: 600_000 },
    { failures: 1, random: 0.999999, want: 500 },
    { failures: 4, random: 0.5, want: 6000 },
  ];
  for (const c of cases) {
    await t.test(`${c.failures} failures, random ${c.random}`, () => assert.equal(backoffDelay(c.failures, DEFAULT_BACKOFF, () => c.random), c.want, JSON.stringify(c)));
  }
});

/** A dispatcher over a fresh outbox whose deliveries are answered by `answer`; records every attempt. */
function harness(t: TestContext, answer: (channel: string, payload: JsonObject, ctx: DeliveryContext) => Promise<void>) {
  const { db, file } = tempDb(t);
  const clock = new ManualClock(0);
  const outbox = new SqliteOutbox(db);
  const attempts: string[] = [];
  const reports: DispatchReport[] = [];
  const dispatcher = new Dispatcher({
    outbox,
    clock,
    random: () => 0,
    onReport: (r) => reports.push(r),
    deliver: async (channel, payload, ctx) => {
      attempts.push(`${channel}#${String(payload['n'])}@${clock.now()}`);
      await answer(channel, payload, ctx);
    },
  });
  dispatcher.start();
  t.after(() => dispatcher.stop());
  return { db, file, clock, outbox, dispatcher, attempts, reports };
}

test('dispatcher: delivers at once on enqueue, in order per channel', async (t) => {
  const h = harness(t, async () => undefined);
  for (let n = 1; n <= 4; n++) h.dispatcher.enqueue('mqtt', { n });
  h.dispatcher.enqueue('email', { n: 9 });
  await until(() => h.dispatcher.pending() === 0, 'deliveries');
  assert.deepEqual(h.attempts.filter((a) => a.startsWith('mqtt')), ['mqtt#1@0', 'mqtt#2@0', 'mqtt#3@0', 'mqtt#4@0']);
  assert.ok(h.attempts.includes('email#9@0'));
  assert.equal(h.clock.pendingTimers, 0, 'nothing left to wake for');
});

test('dispatcher: retries with backoff on the injected clock, the next item waiting its turn', async (t) => {
  let failures = 3;
  const h = harness(t, async () => {
    if (failures-- > 0) throw new Error('HTTP 500');
  });
  const first = h.dispatcher.enqueue('webhook:a', { n: 1 });
  h.dispatcher.enqueue('webhook:a', { n: 2 });
  await until(() => h.attempts.length === 1, 'the first attempt');
  await settle();
  assert.equal(h.outbox.get(first)?.nextAttempt, 1000);
  h.clock.advance(999);
  await settle();
  assert.equal(h.attempts.length, 1, 'no retry before the backoff');
  h.clock.advance(1);
  await until(() => h.attempts.length === 2, 'the second attempt');
  await settle();
  h.clock.advance(2000);
  await until(() => h.attempts.length === 3, 'the third attempt');
  await settle();
  h.clock.advance(4000);
  await until(() => h.dispatcher.pending() === 0, 'delivery');
  assert.deepEqual(h.attempts, ['webhook:a#1@0', 'webhook:a#1@1000', 'webhook:a#1@3000', 'webhook:a#1@7000', 'webhook:a#2@7000']);
  const item = h.outbox.get(first);
  assert.equal(item?.attempts, 3);
  assert.equal(item?.deliveredAt, 7000);
  assert.equal(item?.lastError, 'HTTP 500');
});

test('dispatcher: a failing channel does not hold up another', async (t) => {
  const h = harness(t, async (channel) => {
    if (channel === 'webhook:dead') throw new Error('ECONNREFUSED');
  });
  h.dispatcher.enqueue('webhook:dead', { n: 1 });
  h.dispatcher.enqueue('mqtt', { n: 2 });
  h.dispatcher.enqueue('mqtt', { n: 3 });
  await until(() => h.attempts.filter((a) => a.startsWith('mqtt')).length === 2, 'mqtt deliveries');
  await settle();
  assert.equal(h.dispatcher.pending(), 1);
});

test('dispatcher: gives up 48 h after queueing, keeps the last error, and moves on', async (t) => {
  const h = harness(t, async (_channel, payload) => {
    if (payload['n'] === 1) throw new Error('HTTP 503');
  });
  const first = h.dispatcher.enqueue('webhook:a', { n: 1 });
  const second = h.dispatcher.enqueue('webhook:a', { n: 2 });
  await until(() => h.attempts.length === 1, 'the first attempt');
  for (let i = 0; i < 400 && h.outbox.get(second)?.deliveredAt === null; i++) {
    h.clock.advance(10 * 60 * 1000);
    await settle();
  }
  const gaveUp = h.outbox.get(first);
  assert.equal(gaveUp?.nextAttempt, GAVE_UP);
  assert.equal(gaveUp?.lastError, 'HTTP 503');
  assert.equal(gaveUp?.deliveredAt, null);
  assert.ok(h.clock.now() >= 48 * HOUR && h.clock.now() <= 48 * HOUR + 10 * 60 * 1000, `gave up at ${h.clock.now()}`);
  assert.notEqual(h.outbox.get(second)?.deliveredAt, null);
  assert.ok(h.reports.some((r) => r.outcome === 'gave_up' && r.item.id === first));
  // Delays grow to the 10 min cap: about 20 attempts in the first hour... then 6 an hour.
  assert.ok(gaveUp.attempts > 250 && gaveUp.attempts < 320, `${gaveUp.attempts} attempts`);
});

test('dispatcher: an undeliverable item is given up at once', async (t) => {
  const h = harness(t, async (channel) => {
    if (channel === 'webhook:removed') throw new UndeliverableError('webhook "removed" is no longer configured');
  });
  const id = h.dispatcher.enqueue('webhook:removed', { n: 1 });
  await until(() => h.outbox.get(id)?.nextAttempt === GAVE_UP, 'give-up');
  assert.equal(h.outbox.get(id)?.lastError, 'webhook "removed" is no longer configured');
  assert.equal(h.dispatcher.pending(), 0);
});

test('dispatcher: stop aborts an attempt in flight, and a restart resumes pending items in order', async (t) => {
  const h = harness(t, (_channel, _payload, ctx) => new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))));
  for (let n = 1; n <= 3; n++) h.dispatcher.enqueue('mqtt', { n });
  await until(() => h.attempts.length === 1, 'the first attempt');
  await h.dispatcher.stop();
  assert.equal(h.outbox.get(1)?.attempts, 0, 'an interrupted attempt is not counted');
  h.db.close();

  // "Restart": a new database connection and dispatcher over the same file.
  const db = openDatabase(h.file);
  t.after(() => db.close());
  const delivered: number[] = [];
  const clock = new ManualClock(5000);
  const again = new Dispatcher({ outbox: new SqliteOutbox(db), clock, deliver: async (_c, p) => void delivered.push(p['n'] as number) });
  again.start();
  t.after(() => again.stop());
  await until(() => delivered.length === 3, 'resumed deliveries');
  assert.deepEqual(delivered, [1, 2, 3]);
  assert.equal(again.pending(), 0);
});
