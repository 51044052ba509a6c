import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sessionTokenHash, type SessionStore } from '../../src/store/sessions.ts';

/** A fresh session store with lifetimes 120 min absolute and 30 min idle, on a clock the test moves, over users `u1` and `u2`. */
export interface SessionStoreFixture {
  readonly store: SessionStore;
  /** The store's clock, epoch ms; starts at {@link SESSION_T0}. */
  readonly clock: { t: number };
  /** How many sessions are kept, ended or not (to see that ended ones are deleted). */
  count(): number;
}

/** Where a fixture's clock starts. */
export const SESSION_T0 = Date.UTC(2024, 0, 15, 10);
const T0 = SESSION_T0;
const MIN = 60_000;

/** The contract every `SessionStore` implementation passes: tokens only as hashes, idle and absolute expiry, revocation and pruning. */
export function sessionStoreContract(name: string, open: () => Promise<SessionStoreFixture> | SessionStoreFixture): void {
  describe(`${name}: session store contract`, () => {

    test('a token resolves to its session; only the hash is stored; malformed and unknown tokens do not', async () => {
      const { store } = await open();
      const { token, session } = store.create('u1', '10.0.0.1');
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(session.tokenHash, sessionTokenHash(token));
      assert.deepEqual(store.resolve(token), session);
      for (const bad of ['', 'x', token.slice(1), `${token}A`, 'A'.repeat(43), `${token.slice(0, 42)}!`]) assert.equal(store.resolve(bad), null, bad);
    });

    test('idle and absolute expiry; each request moves the idle deadline', async () => {
      const { store, clock, count } = await open();
      const { token } = store.create('u1', null);
      const cases: [number, boolean][] = [
        [29 * MIN, true],
        [29 * MIN, true],
        [29 * MIN, true],
        [29 * MIN, true],
        [4 * MIN + 1, false],
      ];
      for (const [step, alive] of cases) {
        clock.t += step;
        assert.equal(store.resolve(token) !== null, alive, `at +${(clock.t - T0) / MIN} min`);
      }
      assert.equal(count(), 0, 'an ended session is deleted');
      const idle = store.create('u1', null).token;
      clock.t += 30 * MIN;
      assert.equal(store.resolve(idle), null);
    });

    test('revoke one, revoke all of a user but one, prune ended ones', async () => {
      const { store, clock, count } = await open();
      const a = store.create('u1', null);
      const b = store.create('u1', null);
      const c = store.create('u1', null);
      const other = store.create('u2', null);
      assert.equal(store.revoke(a.session.tokenHash), true);
      assert.equal(store.revoke(a.session.tokenHash), false);
      assert.equal(store.revokeUser('u1', b.session.tokenHash), 1);
      assert.notEqual(store.resolve(b.token), null);
      assert.equal(store.resolve(c.token), null);
      assert.notEqual(store.get(other.session.tokenHash), null);
      clock.t += 31 * MIN;
      assert.equal(store.prune(), 2);
      assert.equal(count(), 0);
    });
  });
}
