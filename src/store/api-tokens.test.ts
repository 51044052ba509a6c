import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { SightlineError, type ErrorCode } from '../core/errors.ts';
import { ApiTokenStore, apiTokenHash, type NewApiToken } from './api-tokens.ts';
import { openDatabase } from './database.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-tokens-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);

const DAY = 86_400_000;

function fresh(): { store: ApiTokenStore; clock: { t: number }; hashes: () => string[]; db: Database } {
  const clock = { t: T0 };
  const db = openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db'), { now: () => T0 });
  // The creators the tests name: tokens live only while their creator exists and is enabled.
  for (const name of ['admin', 'a']) db.prepare("INSERT INTO users (id, name, password_hash, role, created_at) VALUES (?, ?, 'x', 'admin', ?)").run(`u-${name}`, name, T0);
  let id = 0;
  const store = new ApiTokenStore(db, { now: () => clock.t, newId: () => `t${++id}` });
  return { store, clock, db, hashes: () => db.prepare<[], { token_hash: string }>('SELECT token_hash FROM api_tokens').all().map((r) => r.token_hash) };
}

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof SightlineError && e.code === code);
}

describe('API token store', () => {
  test('a token is shown once, stored as a hash, and verifies with its scopes', () => {
    const { store, hashes } = fresh();
    const { token, info } = store.create({ name: 'prom', scopes: ['metrics:read', 'events:read', 'metrics:read'], createdBy: 'admin' });
    assert.match(token, /^slt_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(info, { id: 't1', name: 'prom', scopes: ['events:read', 'metrics:read'], createdBy: 'admin', createdAt: T0, expiresAt: T0 + 90 * DAY, lastUsedAt: null, revokedAt: null });
    assert.deepEqual(hashes(), [apiTokenHash(token)]);
    assert.deepEqual(store.verify(token), { ...info, lastUsedAt: T0 });
    for (const bad of ['', 'slt_', token.slice(0, -1), `${token}x`, token.replace('slt_', 'sl_'), `slt_${'A'.repeat(43)}`]) assert.equal(store.verify(bad), null, bad);
    assert.deepEqual(store.list().map((t) => t.name), ['prom']);
  });

  test('expiry, revocation and last use', () => {
    const { store, clock } = fresh();
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

  test('bad names, scopes, expiries and taken names are refused', () => {
    const { store } = fresh();
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

  test('a token expires after 90 days by default and at most 365 days ahead', () => {
    const { store, clock } = fresh();
    const plain = store.create({ name: 'plain', scopes: ['events:read'], createdBy: 'a' });
    const year = store.create({ name: 'year', scopes: ['events:read'], createdBy: 'a', expiresAt: T0 + 365 * DAY });
    assert.equal(plain.info.expiresAt, T0 + 90 * DAY);
    clock.t = T0 + 90 * DAY - 1;
    assert.notEqual(store.verify(plain.token), null);
    clock.t = T0 + 90 * DAY;
    assert.equal(store.verify(plain.token), null);
    assert.notEqual(store.verify(year.token), null);
  });

  test('a token dies with its creator: disabled, removed, and back when re-enabled', () => {
    const { store, db } = fresh();
    const made = store.create({ name: 'prom', scopes: ['metrics:read'], createdBy: 'admin' });
    const table: [string, string, boolean][] = [
      ['creator enabled', "UPDATE users SET disabled = 0 WHERE name = 'admin'", true],
      ['creator disabled', "UPDATE users SET disabled = 1 WHERE name = 'admin'", false],
      ['creator enabled again', "UPDATE users SET disabled = 0 WHERE name = 'admin'", true],
      ['creator removed', "DELETE FROM users WHERE name = 'admin'", false],
    ];
    for (const [what, sql, live] of table) {
      db.prepare(sql).run();
      assert.equal(store.verify(made.token) !== null, live, `verify: ${what}`);
      assert.equal(store.current(made.info.id) !== null, live, `current: ${what}`);
    }
    assert.equal(store.current('nope'), null);
  });
});
