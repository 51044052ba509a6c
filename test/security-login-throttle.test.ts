import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../src/store/database.ts';
import { DEFAULT_THROTTLE_POLICY, LoginThrottle, lockoutMs, normalizeRemote, type ThrottleKey } from '../src/security/login-throttle.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-throttle-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);
const MIN = 60_000;
const fresh = (): LoginThrottle => new LoginThrottle(openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db')));

describe('lockout schedule', () => {
  const table: [number, number][] = [
    [0, 0], [1, 0], [4, 0], [5, MIN], [6, 2 * MIN], [7, 4 * MIN], [8, 8 * MIN], [9, 16 * MIN], [10, 32 * MIN], [11, 60 * MIN], [12, 60 * MIN], [1000, 60 * MIN],
  ];
  for (const [failures, ms] of table) {
    test(`${failures} failures lock for ${ms / MIN} min`, () => assert.equal(lockoutMs(failures), ms));
  }
  test('the default policy: 5 failures, 1 min, max 1 h, forgotten after a day', () => {
    assert.deepEqual(DEFAULT_THROTTLE_POLICY, { threshold: 5, baseLockMs: MIN, maxLockMs: 60 * MIN, forgetAfterMs: 24 * 60 * MIN });
  });
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

describe('login throttle', () => {
  const user: ThrottleKey = { scope: 'user', key: 'alice' };
  const remote: ThrottleKey = { scope: 'remote', key: '10.0.0.1' };
  const keys = [user, remote];

  test('admit counts a failure against every key until one is locked, and then counts nothing', () => {
    const t = fresh();
    for (let i = 1; i <= 5; i++) {
      assert.equal(t.admit(keys, T0 + i).lockedMs, 0, `attempt ${i}`);
      assert.equal(t.failures(user, T0 + i), i);
      assert.equal(t.failures(remote, T0 + i), i);
    }
    assert.equal(t.admit(keys, T0 + 6).lockedMs, MIN - 1);
    assert.equal(t.failures(user, T0 + 6), 5, 'a refused attempt does not extend the lock');
    assert.equal(t.admit([{ scope: 'user', key: 'bob' }, remote], T0 + 7).lockedMs, MIN - 2, 'the address is locked for every name');
    assert.equal(t.admit([user, { scope: 'remote', key: '10.0.0.2' }], T0 + 7).lockedMs, MIN - 2, 'the name is locked from every address');
    assert.equal(t.admit(keys, T0 + 5 + MIN).lockedMs, 0, 'admitted when the lock ends');
    assert.equal(t.lockedForMs(user, T0 + 5 + MIN), 2 * MIN, 'the sixth failure doubles it');
  });

  test('forgive takes back the counted attempt and restores the time of the last failure', () => {
    const t = fresh();
    for (let i = 0; i < 4; i++) t.admit(keys, T0 + i);
    const later = T0 + 10 * MIN;
    const admission = t.admit(keys, later);
    assert.equal(t.lockedForMs(remote, later), MIN, 'locked while the password is being checked');
    t.forgive(keys, 1, admission, later);
    assert.equal(t.failures(remote, later), 4);
    assert.equal(t.lockedForMs(remote, later), 0);
    assert.equal(t.failures(remote, T0 + 3 + DEFAULT_THROTTLE_POLICY.forgetAfterMs), 0, 'forgotten a day after the last real failure');
  });

  test('forgive keeps a failure that came in meanwhile', () => {
    const t = fresh();
    const admission = t.admit(keys, T0);
    t.admit([{ scope: 'user', key: 'mallory' }, remote], T0 + 5);
    t.forgive(keys, 1, admission, T0);
    assert.equal(t.failures(remote, T0 + 6), 1);
    assert.equal(t.lockedForMs(remote, T0 + 6), 0);
    const solo = t.admit([remote], T0 + 7);
    t.forgive([remote], 0, solo, T0 + 7);
    assert.equal(t.failures(remote, T0 + 8), 1);
  });

  test('failures are forgotten a day after the last one, and pruned', () => {
    const t = fresh();
    for (let i = 0; i < 4; i++) t.admit(keys, T0);
    const day = DEFAULT_THROTTLE_POLICY.forgetAfterMs;
    assert.equal(t.failures(user, T0 + day - 1), 4);
    assert.equal(t.failures(user, T0 + day), 0);
    assert.equal(t.admit(keys, T0 + day).lockedMs, 0);
    assert.equal(t.failures(user, T0 + day), 1, 'counting starts again from zero');
    t.admit([{ scope: 'user', key: 'old' }], T0);
    assert.equal(t.prune(T0 + day + 1), 1);
    assert.equal(t.failures({ scope: 'user', key: 'old' }, T0), 0);
  });

  test('the longest lock is capped at an hour', () => {
    const t = fresh();
    let now = T0;
    const locks: number[] = [];
    for (let i = 0; i < 12; i++) {
      assert.equal(t.admit(keys, now).lockedMs, 0, `attempt ${i + 1} comes when the last lock ended`);
      locks.push(t.lockedForMs(user, now));
      now += locks.at(-1)!;
    }
    assert.deepEqual(locks.map((ms) => ms / MIN), [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
  });
});
