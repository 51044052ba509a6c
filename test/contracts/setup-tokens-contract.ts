import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError } from '../../src/core/errors.ts';
import { DEFAULT_SETUP_TOKEN_TTL_MS, setupTokenHash, type SetupTokenResult } from '../../src/security/setup-token.ts';
import type { SetupTokenStore } from '../../src/store/setup-tokens.ts';

/** A fresh setup token store, and a way to add users behind its back (an admin closes setup). */
export interface SetupTokensFixture {
  readonly tokens: SetupTokenStore;
  /** Adds a user of this role, disabled or not. */
  addUser(name: string, role: 'admin' | 'operator' | 'viewer', disabled?: boolean): Promise<void> | void;
}

const T0 = Date.UTC(2024, 0, 15, 10);
const HOUR = 3_600_000;

/** The contract every `SetupTokenStore` implementation passes: one use, expiry, replacement, and setup closed for good by any admin. */
export function setupTokensContract(name: string, open: () => Promise<SetupTokensFixture> | SetupTokensFixture): void {
  describe(`${name}: setup tokens contract`, () => {
    test('a token is 32 random bytes in base64url; the injected random source makes it; the default lifetime is an hour', async () => {
      const { tokens } = await open();
      const token = tokens.create({ now: T0, random: (size) => Buffer.alloc(size, 0xff) });
      assert.equal(token, Buffer.alloc(32, 0xff).toString('base64url'));
      assert.deepEqual(tokens.check(token, T0 + DEFAULT_SETUP_TOKEN_TTL_MS), { ok: false, reason: 'expired' });
      assert.deepEqual(tokens.consume(token, T0 + DEFAULT_SETUP_TOKEN_TTL_MS - 1), { ok: true });
      const other = (await open()).tokens.create({ now: T0 });
      assert.match(other, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(other, 'base64url').length, 32);
    });

    test('consume: once ok, then used; wrong, expired and closed are refused', async (t) => {
      type Run = (f: SetupTokensFixture, token: string) => Promise<SetupTokenResult[]> | SetupTokenResult[];
      const cases: [string, Run, string[]][] = [
        ['right token, in time, then again', (f, k) => [f.tokens.consume(k, T0 + 1), f.tokens.consume(k, T0 + 2)], ['ok', 'used']],
        ['one millisecond before expiry', (f, k) => [f.tokens.consume(k, T0 + HOUR - 1)], ['ok']],
        ['at expiry', (f, k) => [f.tokens.consume(k, T0 + HOUR)], ['expired']],
        ['a day later', (f, k) => [f.tokens.consume(k, T0 + 24 * HOUR)], ['expired']],
        ['a wrong token', (f, k) => [f.tokens.consume(k.slice(0, -1) + (k.endsWith('A') ? 'B' : 'A'), T0)], ['invalid']],
        ['an empty token', (f) => [f.tokens.consume('', T0)], ['invalid']],
        ['the stored hash given as the token', (f, k) => [f.tokens.consume(setupTokenHash(k), T0)], ['invalid']],
        ['a wrong try does not use up the right token', (f, k) => [f.tokens.consume('guess', T0), f.tokens.consume(k, T0)], ['invalid', 'ok']],
        ['check does not use it up', (f, k) => [f.tokens.check(k, T0), f.tokens.check(k, T0), f.tokens.consume(k, T0), f.tokens.check(k, T0)], ['ok', 'ok', 'ok', 'used']],
        ['after an admin appeared', async (f, k) => (await f.addUser('root', 'admin'), [f.tokens.consume(k, T0), f.tokens.check(k, T0)]), ['closed', 'closed']],
        ['an operator does not close setup', async (f, k) => (await f.addUser('op', 'operator'), [f.tokens.consume(k, T0)]), ['ok']],
      ];
      for (const [what, run, expected] of cases) {
        await t.test(what, async () => {
          const f = await open();
          const token = f.tokens.create({ now: T0, ttlMs: HOUR });
          const results = (await run(f, token)).map((r) => (r.ok ? 'ok' : r.reason));
          assert.deepEqual(results, expected, what);
        });
      }
    });

    test('a new token replaces the unused one', async () => {
      const { tokens } = await open();
      const first = tokens.create({ now: T0 });
      const second = tokens.create({ now: T0 + 1 });
      assert.notEqual(first, second);
      assert.deepEqual(tokens.consume(first, T0 + 2), { ok: false, reason: 'invalid' });
      assert.deepEqual(tokens.consume(second, T0 + 2), { ok: true });
    });

    test('no token can be made once an admin exists, even a disabled one', async () => {
      for (const disabled of [false, true]) {
        const f = await open();
        assert.equal(f.tokens.adminExists(), false);
        await f.addUser('root', 'admin', disabled);
        assert.equal(f.tokens.adminExists(), true);
        assert.throws(
          () => f.tokens.create({ now: T0 }),
          (e: unknown) => e instanceof SightlineError && e.code === 'SETUP_CLOSED' && /admin exists already/.test(e.message),
        );
      }
    });

    test('a lifetime that is not a positive whole number is a bug', async () => {
      const { tokens } = await open();
      for (const ttlMs of [0, -1, 1.5, Number.NaN]) assert.throws(() => tokens.create({ now: T0, ttlMs }), RangeError);
    });
  });
}
