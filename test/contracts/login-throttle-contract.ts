import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_THROTTLE_POLICY, type ThrottleKey } from '../../src/security/login-throttle.ts';
import type { LoginThrottleStore } from '../../src/store/login-throttle-store.ts';

/** How the contract opens a fresh, empty throttle store with the default policy. */
export type OpenLoginThrottle = () => Promise<LoginThrottleStore> | LoginThrottleStore;

const T0 = Date.UTC(2024, 0, 15, 10);
const MIN = 60_000;
const P = DEFAULT_THROTTLE_POLICY;

/** The contract every `LoginThrottleStore` implementation passes: counting, locks, forgiving, forgetting, pruning and known addresses. */
export function loginThrottleContract(name: string, open: OpenLoginThrottle): void {
  describe(`${name}: login throttle contract`, () => {
    const user: ThrottleKey = { scope: 'name', key: 'alice' };
    const remote: ThrottleKey = { scope: 'remote', key: '10.0.0.1' };
    const pair: ThrottleKey = { scope: 'pair', key: 'alice\nremote:10.0.0.1' };
    const keys = [pair, remote, user];

    test('admit counts a failure against every key until one is throttled, and then counts nothing', async () => {
      const t = await open();
      for (let i = 1; i <= 5; i++) {
        assert.equal(t.admit(keys, T0 + i).lockedMs, 0, `attempt ${i}`);
        for (const k of keys) assert.equal(t.failures(k, T0 + i), i);
      }
      assert.equal(t.admit(keys, T0 + 6).lockedMs, 15_000 - 1);
      assert.equal(t.failures(pair, T0 + 6), 5, 'a refused attempt does not extend the lock');
      assert.equal(t.admit([{ scope: 'pair', key: 'alice\nremote:10.0.0.2' }, { scope: 'remote', key: '10.0.0.2' }, user], T0 + 7).lockedMs, 0, 'another address is not throttled');
      assert.equal(t.admit(keys, T0 + 5 + 15_000).lockedMs, 0, 'admitted when the lock ends');
      assert.equal(t.lockedForMs(pair, T0 + 5 + 15_000), 30_000, 'the sixth failure doubles it');
    });
    test('forgive takes back the counted attempt and restores the time of the last failure', async () => {
      const t = await open();
      for (let i = 0; i < 19; i++) t.admit([remote], T0 + i);
      const later = T0 + 10 * MIN;
      const admission = t.admit([remote], later);
      assert.equal(t.lockedForMs(remote, later), MIN, 'throttled while the password is being checked');
      t.forgive([remote], 0, admission, later);
      assert.equal(t.failures(remote, later), 19);
      assert.equal(t.lockedForMs(remote, later), 0);
      assert.equal(t.failures(remote, T0 + 18 + P.remote.forgetAfterMs), 0, 'forgotten an hour after the last real failure');
    });
    test('forgive keeps a failure that came in meanwhile', async () => {
      const t = await open();
      const admission = t.admit(keys, T0);
      t.admit([remote], T0 + 5);
      t.forgive(keys, 1, admission, T0);
      assert.equal(t.failures(remote, T0 + 6), 1);
    });
    test('failures are forgotten after their window, and pruned; known addresses expire', async () => {
      const t = await open();
      for (let i = 0; i < 4; i++) t.admit([pair], T0);
      const window = P.pair.forgetAfterMs;
      assert.equal(t.failures(pair, T0 + window - 1), 4);
      assert.equal(t.failures(pair, T0 + window), 0);
      t.remember('alice', '10.0.0.1', T0);
      assert.ok(t.isKnown('alice', '10.0.0.1', T0 + 1));
      assert.ok(!t.isKnown('alice', '10.0.0.2', T0 + 1));
      assert.ok(!t.isKnown('bob', '10.0.0.1', T0 + 1));
      assert.ok(!t.isKnown('alice', '10.0.0.1', T0 + P.knownForMs));
      assert.equal(t.prune(T0 + window + 1), 1);
      assert.equal(t.prune(T0 + P.knownForMs + 1), 1);
    });
    test('an attacker hammering a pair keeps it throttled for minutes at most per lock', async () => {
      const t = await open();
      let now = T0;
      const locks: number[] = [];
      for (let i = 0; i < 12; i++) {
        assert.equal(t.admit([pair], now).lockedMs, 0, `attempt ${i + 1} comes when the last lock ended`);
        locks.push(t.lockedForMs(pair, now));
        now += locks.at(-1)!;
      }
      assert.deepEqual(locks.map((ms) => ms / 1000), [0, 0, 0, 0, 15, 30, 60, 120, 240, 300, 300, 300]);
    });
  });
}
