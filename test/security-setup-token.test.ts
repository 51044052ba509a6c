import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../src/core/errors.ts';
import { openDatabase } from '../src/store/database.ts';
import { consumeSetupToken, createSetupToken, DEFAULT_SETUP_TOKEN_TTL_MS, setupTokenHash } from '../src/security/setup-token.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-setup-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);
const HOUR = 3_600_000;

function freshDb(): { db: Database; file: string } {
  const file = path.join(TMP, `db-${++n}`, 'sightline.db');
  return { db: openDatabase(file, { now: () => T0 }), file };
}

function addUser(db: Database, name: string, role: string, disabled = 0): void {
  db.prepare('INSERT INTO users (id, name, password_hash, role, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?)').run(name, name, '$argon2id$x', role, T0, disabled);
}

describe('setup token', () => {
  test('a token is 32 random bytes in base64url; only its SHA-256 is stored', () => {
    const { db, file } = freshDb();
    const token = createSetupToken(db, { now: T0, ttlMs: HOUR });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    const rows = db.prepare('SELECT token_hash, created_at, expires_at, used_at FROM setup_tokens').all();
    assert.deepEqual(rows, [{ token_hash: setupTokenHash(token), created_at: T0, expires_at: T0 + HOUR, used_at: null }]);
    db.close(); // checkpoints the WAL into the file
    assert.equal(readFileSync(file).toString('latin1').includes(token), false, 'the token itself is nowhere in the database file');
  });

  test('the injected random source makes the token; the default lifetime is an hour', () => {
    const { db } = freshDb();
    const token = createSetupToken(db, { now: T0, random: (size) => Buffer.alloc(size, 0xff) });
    assert.equal(token, Buffer.alloc(32, 0xff).toString('base64url'));
    assert.deepEqual(consumeSetupToken(db, token, T0 + DEFAULT_SETUP_TOKEN_TTL_MS - 1), { ok: true });
    db.close();
  });

  test('consume: once ok, then used; wrong, expired and closed are refused', async (t) => {
    const cases: [string, (db: Database, token: string) => ReturnType<typeof consumeSetupToken>[], string[]][] = [
      ['right token, in time, then again', (db, t) => [consumeSetupToken(db, t, T0 + 1), consumeSetupToken(db, t, T0 + 2)], ['ok', 'used']],
      ['one millisecond before expiry', (db, t) => [consumeSetupToken(db, t, T0 + HOUR - 1)], ['ok']],
      ['at expiry', (db, t) => [consumeSetupToken(db, t, T0 + HOUR)], ['expired']],
      ['a day later', (db, t) => [consumeSetupToken(db, t, T0 + 24 * HOUR)], ['expired']],
      ['a wrong token', (db, t) => [consumeSetupToken(db, t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'), T0)], ['invalid']],
      ['an empty token', (db) => [consumeSetupToken(db, '', T0)], ['invalid']],
      ['the stored hash given as the token', (db, t) => [consumeSetupToken(db, setupTokenHash(t), T0)], ['invalid']],
      ['a wrong try does not use up the right token', (db, t) => [consumeSetupToken(db, 'guess', T0), consumeSetupToken(db, t, T0)], ['invalid', 'ok']],
      ['after an admin appeared', (db, t) => (addUser(db, 'root', 'admin'), [consumeSetupToken(db, t, T0)]), ['closed']],
      ['an operator does not close setup', (db, t) => (addUser(db, 'op', 'operator'), [consumeSetupToken(db, t, T0)]), ['ok']],
    ];
    for (const [name, run, expected] of cases) {
      await t.test(name, () => {
        const { db } = freshDb();
        const token = createSetupToken(db, { now: T0, ttlMs: HOUR });
        const results = run(db, token).map((r) => (r.ok ? 'ok' : r.reason));
        assert.deepEqual(results, expected, name);
        db.close();
      });
    }
  });

  test('a new token replaces the unused one', () => {
    const { db } = freshDb();
    const first = createSetupToken(db, { now: T0 });
    const second = createSetupToken(db, { now: T0 + 1 });
    assert.notEqual(first, second);
    assert.deepEqual(consumeSetupToken(db, first, T0 + 2), { ok: false, reason: 'invalid' });
    assert.deepEqual(consumeSetupToken(db, second, T0 + 2), { ok: true });
    db.close();
  });

  test('no token can be made once an admin exists, even a disabled one', () => {
    for (const disabled of [0, 1]) {
      const { db } = freshDb();
      addUser(db, 'root', 'admin', disabled);
      assert.throws(
        () => createSetupToken(db, { now: T0 }),
        (e: unknown) => e instanceof SightlineError && e.code === 'SETUP_CLOSED' && /admin exists already/.test(e.message),
      );
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM setup_tokens').get(), { n: 0 });
      db.close();
    }
  });

  test('a lifetime that is not a positive whole number is a bug', () => {
    const { db } = freshDb();
    for (const ttlMs of [0, -1, 1.5, Number.NaN]) assert.throws(() => createSetupToken(db, { now: T0, ttlMs }), RangeError);
    db.close();
  });
});
