import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../src/store/database.ts';
import {
  DEFAULT_THROTTLE_POLICY,
  lockoutMs,
  normalizeRemote,
  remainingLockMs,
  throttleKeys,
  type FailureState,
  type LoginAttempt,
  type ThrottleKey,
} from '../src/security/login-throttle.ts';
import { SqliteLoginThrottle } from '../src/store/sqlite-login-throttle.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-throttle-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);
const MIN = 60_000;

const P = DEFAULT_THROTTLE_POLICY;

describe('lock schedule per key kind', () => {
  const table: [keyof typeof P & ('pair' | 'remote' | 'name'), number, number][] = [
    ['pair', 4, 0], ['pair', 5, 15_000], ['pair', 6, 30_000], ['pair', 9, 240_000], ['pair', 10, 5 * MIN], ['pair', 1000, 5 * MIN],
    ['remote', 19, 0], ['remote', 20, MIN], ['remote', 23, 8 * MIN], ['remote', 24, 15 * MIN], ['remote', 1000, 15 * MIN],
    ['name', 19, 0], ['name', 20, MIN], ['name', 1000, 15 * MIN],
  ];
  for (const [scope, failures, ms] of table) test(`${scope}: ${failures} failures throttle for ${ms / 1000} s`, () => assert.equal(lockoutMs(failures, P[scope]), ms));
  test('every lock is minutes at most and forgotten within an hour', () => {
    for (const scope of ['pair', 'remote', 'name'] as const) {
      assert.ok(P[scope].maxLockMs <= 15 * MIN, scope);
      assert.ok(P[scope].forgetAfterMs <= 60 * MIN, scope);
    }
  });
});

describe('which keys apply', () => {
  const table: [string, LoginAttempt, string[]][] = [
    ['unknown pair: pair, address and the name ceiling', { name: 'admin', remote: '10.0.0.1', known: false }, ['pair admin\nremote:10.0.0.1', 'remote 10.0.0.1', 'name admin']],
    ['known address: the pair only', { name: 'admin', remote: '10.0.0.1', known: true }, ['pair admin\nremote:10.0.0.1']],
    ['device cookie: the device pair only, whatever the address', { name: 'admin', remote: '127.0.0.1', device: 'd1', known: true }, ['pair admin\ndevice:d1']],
  ];
  for (const [what, attempt, keys] of table) test(what, () => assert.deepEqual(throttleKeys(attempt).map((k) => `${k.scope} ${k.key}`), keys));
});

describe('remaining lock (pure)', () => {
  const rule = P.pair;
  const table: [string, FailureState | undefined, number, number][] = [
    ['no failures', undefined, T0, 0],
    ['below the threshold', { failures: 4, lastFailure: T0 }, T0, 0],
    ['at the threshold', { failures: 5, lastFailure: T0 }, T0 + 1000, 14_000],
    ['lock over', { failures: 5, lastFailure: T0 }, T0 + 15_000, 0],
    ['capped', { failures: 99, lastFailure: T0 }, T0, 5 * MIN],
    ['forgotten', { failures: 99, lastFailure: T0 }, T0 + rule.forgetAfterMs, 0],
  ];
  for (const [what, state, now, ms] of table) test(what, () => assert.equal(remainingLockMs(state, rule, now), ms));
});

describe('remote addresses', () => {
  const table: [string, string][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['::ffff:nonsense', '::ffff:nonsense'],
    [' 127.0.0.1 ', '127.0.0.1'],
  ];
  for (const [given, expected] of table) test(`${given} -> ${expected}`, () => assert.equal(normalizeRemote(given), expected));
});

describe('login throttle on SQLite', () => {
  const pair: ThrottleKey = { scope: 'pair', key: 'alice\nremote:10.0.0.1' };

  test('the state is in the database: a new throttle over it (a restart) sees the same locks', () => {
    const db = openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db'));
    const first = new SqliteLoginThrottle(db);
    for (let i = 0; i < 5; i++) first.admit([pair], T0);
    assert.equal(new SqliteLoginThrottle(db).lockedForMs(pair, T0), 15_000);
  });
});
