import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import { apiTokenHash, type ApiTokenStore, type NewApiToken } from '../../src/store/api-tokens.ts';

/** What happens to a token's creator in a test. */
export type CreatorState = 'enabled' | 'disabled' | 'removed';

/** A fresh token store on a clock the test moves, with enabled admins `admin` and `a`, and ids `t1`, `t2`, ... */
export interface ApiTokenStoreFixture {
  readonly store: ApiTokenStore;
  /** The store's clock, epoch ms; starts at {@link API_TOKEN_T0}. */
  readonly clock: { t: number };
  /** The token hashes kept (never the tokens). */
  hashes(): string[];
  /** Enables, disables or removes a creator (a user). */
  setCreator(name: string, state: CreatorState): void;
}

/** Where a fixture's clock starts. */
export const API_TOKEN_T0 = Date.UTC(2024, 0, 15, 10);
const T0 = API_TOKEN_T0;
const DAY = 86_400_000;

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof SightlineError && e.code === code);
}

/** The contract every `ApiTokenStore` implementation passes: shown once and kept as a hash, scopes, expiry, revocation, last use and the creator rule. */
export function apiTokenStoreContract(name: string, open: () => Promise<ApiTokenStoreFixture> | ApiTokenStoreFixture): void {
  describe(`${name}: API token store contract`, () => {

    test('a token is shown once, stored as a hash, and verifies with its scopes', async () => {
      const { store, hashes } = await open();
      const { token, info } = store.create({ name: 'prom', scopes: ['metrics:read', 'events:read', 'metrics:read'], createdBy: 'admin' });
      assert.match(token, /^slt_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(info, { id: 't1', name: 'prom', scopes: ['events:read', 'metrics:read'], createdBy: 'admin', createdAt: T0, expiresAt: T0 + 90 * DAY, lastUsedAt: null, revokedAt: null });
      assert.deepEqual(hashes(), [apiTokenHash(token)]);
      assert.deepEqual(store.verify(token), { ...info, lastUsedAt: T0 });
      for (const bad of ['', 'slt_', token.slice(0, -1), `${token}x`, token.replace('slt_', 'sl_'), `slt_${'A'.repeat(43)}`]) assert.equal(store.verify(bad), null, bad);
      assert.deepEqual(store.list().map((t) => t.name), ['prom']);
    });

    test('expiry, revocation and last use', async () => {
      const { store, clock } = await open();
      const expiring = store.create({ name: 'short', scopes: ['events:read'], createdBy: 'a', expiresAt: T0 + 1000 });
      const revoked = store.create({ name: 'gone', scopes: ['events:read'], createdBy: 'a' });
      assert.notEqual(store.verify(expiring.token), null);
      clock.t += 1000;
      assert.equal(store.verify(expiring.token), null);
      assert.equal(store.revoke(revoked.info.id).revokedAt, clock.t);
      assert.equal(store.verify(revoked.token), null);
      throwsCode(() => store.revoke('nope'), 'NOT_FOUND');
      clock.t += 3_600_000;
      const live = store.create({ name: 'live', scopes: ['cameras:read'], createdBy: 'a' });
      store.verify(live.token);
      clock.t += 1000;
      assert.equal(store.verify(live.token)!.lastUsedAt, clock.t - 1000, 'last use is written at most once a minute');
      clock.t += 60_000;
      assert.equal(store.verify(live.token)!.lastUsedAt, clock.t);
    });

    test('bad names, scopes, expiries and taken names are refused', async () => {
      const { store } = await open();
      const cases: [NewApiToken, ErrorCode][] = [
        [{ name: '', scopes: ['events:read'], createdBy: 'a' }, 'STORE_INPUT_INVALID'],
        [{ name: 'a b', scopes: ['events:read'], createdBy: 'a' }, 'STORE_INPUT_INVALID'],
        [{ name: 'x', scopes: [], createdBy: 'a' }, 'STORE_INPUT_INVALID'],
        [{ name: 'x', scopes: ['admin' as 'events:read'], createdBy: 'a' }, 'STORE_INPUT_INVALID'],
        [{ name: 'x', scopes: ['events:read'], createdBy: 'a', expiresAt: T0 }, 'STORE_INPUT_INVALID'],
        [{ name: 'x', scopes: ['events:read'], createdBy: 'a', expiresAt: 1.5 + T0 }, 'STORE_INPUT_INVALID'],
        [{ name: 'x', scopes: ['events:read'], createdBy: 'a', expiresAt: T0 + 365 * DAY + 1 }, 'STORE_INPUT_INVALID'],
      ];
      for (const [input, code] of cases) throwsCode(() => store.create(input), code);
      store.create({ name: 'x', scopes: ['events:read'], createdBy: 'a' });
      throwsCode(() => store.create({ name: 'x', scopes: ['events:read'], createdBy: 'a' }), 'STORE_CONFLICT');
    });

    test('a token expires after 90 days by default and at most 365 days ahead', async () => {
      const { store, clock } = await open();
      const plain = store.create({ name: 'plain', scopes: ['events:read'], createdBy: 'a' });
      const year = store.create({ name: 'year', scopes: ['events:read'], createdBy: 'a', expiresAt: T0 + 365 * DAY });
      assert.equal(plain.info.expiresAt, T0 + 90 * DAY);
      clock.t = T0 + 90 * DAY - 1;
      assert.notEqual(store.verify(plain.token), null);
      clock.t = T0 + 90 * DAY;
      assert.equal(store.verify(plain.token), null);
      assert.notEqual(store.verify(year.token), null);
    });

    test('a token dies with its creator: disabled, removed, and back when re-enabled', async () => {
      const { store, setCreator } = await open();
      const made = store.create({ name: 'prom', scopes: ['metrics:read'], createdBy: 'admin' });
      const table: [string, CreatorState, boolean][] = [
        ['creator enabled', 'enabled', true],
        ['creator disabled', 'disabled', false],
        ['creator enabled again', 'enabled', true],
        ['creator removed', 'removed', false],
      ];
      for (const [what, state, live] of table) {
        setCreator('admin', state);
        assert.equal(store.verify(made.token) !== null, live, `verify: ${what}`);
        assert.equal(store.current(made.info.id) !== null, live, `current: ${what}`);
      }
      assert.equal(store.current('nope'), null);
    });
  });
}
