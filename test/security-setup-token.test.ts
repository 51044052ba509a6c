import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../src/store/database.ts';
import { setupTokenHash } from '../src/security/setup-token.ts';
import { SqliteSetupTokenStore } from '../src/store/sqlite-setup-tokens.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-setup-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);
const HOUR = 3_600_000;

function freshDb(): { db: Database; file: string } {
  const file = path.join(TMP, `db-${++n}`, 'sightline.db');
  return { db: openDatabase(file, { now: () => T0 }), file };
}

describe('setup token on SQLite', () => {
  test('a token is 32 random bytes in base64url; only its SHA-256 is stored', () => {
    const { db, file } = freshDb();
    const token = new SqliteSetupTokenStore(db).create({ now: T0, ttlMs: HOUR });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    const rows = db.prepare('SELECT token_hash, created_at, expires_at, used_at FROM setup_tokens').all();
    assert.deepEqual(rows, [{ token_hash: setupTokenHash(token), created_at: T0, expires_at: T0 + HOUR, used_at: null }]);
    db.close(); // checkpoints the WAL into the file
    assert.equal(readFileSync(file).toString('latin1').includes(token), false, 'the token itself is nowhere in the database file');
  });
});
