import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SightlineError, type ErrorCode } from '../src/core/errors.ts';
import { auditHash } from '../src/store/audit-log.ts';
import { SqliteAuditLog, verifyAuditLog } from '../src/store/sqlite-audit-log.ts';
import { openDatabase } from '../src/store/database.ts';
import { applyMigrations, MIGRATIONS, schemaVersion, type Migration } from '../src/store/migrations.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';
import { eventStoreContract } from './contracts/event-store-contract.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-store-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const freshFile = (): string => path.join(TMP, `db-${++n}`, 'sightline.db');
const T0 = Date.UTC(2024, 0, 15, 10);

function throwsCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SightlineError, `expected SightlineError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

const tables = (db: BetterSqlite3.Database): string[] =>
  db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);

eventStoreContract('SqliteEventStore on a temporary file', async ({ now }) => SqliteEventStore.open(freshFile(), { now }));

describe('SQLite database and migrations', () => {
  test('a fresh database gets every table, WAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(freshFile(), { now: () => T0 });
    assert.deepEqual(tables(db), ['api_tokens', 'audit_checkpoint', 'audit_head', 'audit_log', 'cameras', 'events', 'heat_grids', 'line_counts', 'login_failures', 'login_known', 'outbox', 'redaction_boxes', 'review_marks', 'runtime_settings', 'schema_migrations', 'segments', 'sessions', 'setup_tokens', 'unredacted_grants', 'user_cameras', 'users', 'zone_dwell', 'zone_occupancy']);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    assert.deepEqual(db.prepare('SELECT version, name, applied_at FROM schema_migrations').all(), MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: T0 })));
    db.close();
  });

  test('re-opening applies nothing and keeps the data', async () => {
    const file = freshFile();
    const store = SqliteEventStore.open(file, { now: () => T0 });
    await store.addCamera({ id: 'c', name: 'C', url: 'rtsp://h/x' });
    await store.close();
    const db = openDatabase(file);
    assert.deepEqual(applyMigrations(db), { applied: [], version: MIGRATIONS.at(-1)!.version });
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM schema_migrations').get(), { n: MIGRATIONS.length });
    db.close();
    const again = SqliteEventStore.open(file);
    assert.equal((await again.getCamera('c'))?.name, 'C');
    await again.close();
  });

  test('a database from a newer Sightline is refused, read-write and read-only', () => {
    const file = freshFile();
    const db = openDatabase(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    db.close();
    throwsCode(() => openDatabase(file), 'DATABASE_TOO_NEW', new RegExp(`schema version 99.*up to ${MIGRATIONS.at(-1)!.version}`));
    throwsCode(() => openDatabase(file, { readonly: true }), 'DATABASE_TOO_NEW');
  });

  test('a later migration applies on re-open; a failing one rolls back whole and leaves the earlier ones', () => {
    const file = freshFile();
    openDatabase(file).close();
    const last = MIGRATIONS.at(-1)!.version;
    const v2: Migration = { version: last + 1, name: 'notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;' };
    const v3: Migration = { version: last + 2, name: 'broken', up: 'CREATE TABLE half (id INTEGER); INSERT INTO notes (text) VALUES (NULL);' };
    throwsCode(() => openDatabase(file, { migrations: [...MIGRATIONS, v2, v3] }), 'DATABASE_FAILED', new RegExp(`migration ${last + 2} \\(broken\\).*rolled back`));
    const db = openDatabase(file, { migrations: [...MIGRATIONS, v2] });
    assert.equal(schemaVersion(db), last + 1);
    assert.ok(tables(db).includes('notes'));
    assert.ok(!tables(db).includes('half'));
    db.close();
    assert.throws(() => applyMigrations(new BetterSqlite3(':memory:'), [v2, { ...v3, version: v2.version }]), /increasing/);
  });

  test('a missing file, when it must exist, and a file that is not a database are clear errors', () => {
    throwsCode(() => openDatabase(path.join(TMP, 'none', 'sightline.db'), { mustExist: true }), 'DATABASE_NOT_FOUND');
    throwsCode(() => openDatabase(path.join(TMP, 'none', 'sightline.db'), { readonly: true }), 'DATABASE_NOT_FOUND');
    const junk = path.join(TMP, 'junk.db');
    writeFileSync(junk, 'this is not a database, just text that is long enough to have a header '.repeat(20));
    throwsCode(() => openDatabase(junk), 'DATABASE_FAILED', /not a database/);
  });

  test('a process killed inside a transaction leaves its committed batches and none of the open one', async () => {
    const file = freshFile();
    const store = SqliteEventStore.open(file);
    await store.addCamera({ id: 'c', name: 'C', url: 'rtsp://h/x' });
    await store.close();
    const child = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      const insert = db.prepare("INSERT INTO events (id, camera_id, type, rule, class, start_time, frame) VALUES (?, 'c', 'zone_enter', 'z', 'person', 0, 1)");
      db.transaction(() => { for (let i = 0; i < 50; i++) insert.run('committed-' + i); })();
      db.exec('BEGIN');
      for (let i = 0; i < 50; i++) insert.run('open-' + i);
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['-e', child, file], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const db = openDatabase(file);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.prepare("SELECT count(*) AS n, sum(id LIKE 'open-%') AS open FROM events").get(), { n: 50, open: 0 });
    db.close();
  });
});

describe('audit log', () => {
  /** A database with five entries, one second apart. */
  function withEntries(count = 5): { db: BetterSqlite3.Database; log: SqliteAuditLog } {
    const db = openDatabase(freshFile());
    let t = T0;
    const log = new SqliteAuditLog(db, { now: () => (t += 1000) });
    const actions = ['login', 'live_view', 'export', 'config_change', 'logout'];
    for (let i = 0; i < count; i++) log.append({ actor: i % 2 === 0 ? 'alice' : 'bob', action: actions[i % 5]!, target: i === 1 ? 'cam-a' : null, details: { i, ip: '10.0.0.5' } });
    return { db, log };
  }

  test('appends a chain that verifies, and lists entries by filter', () => {
    const { db, log } = withEntries();
    assert.deepEqual(verifyAuditLog(db), { ok: true, entries: 5 });
    const all = log.list();
    assert.deepEqual(all.map((e) => e.seq), [1, 2, 3, 4, 5]);
    assert.equal(all[0]!.prevHash, '0'.repeat(64));
    for (let i = 1; i < all.length; i++) assert.equal(all[i]!.prevHash, all[i - 1]!.hash);
    const e = all[1]!;
    assert.deepEqual({ time: e.time, actor: e.actor, action: e.action, target: e.target, details: e.details }, { time: T0 + 2000, actor: 'bob', action: 'live_view', target: 'cam-a', details: { i: 1, ip: '10.0.0.5' } });
    assert.equal(e.hash, auditHash(e.prevHash, 2, T0 + 2000, 'bob', 'live_view', 'cam-a', { ip: '10.0.0.5', i: 1 }), 'key order must not change the hash');
    assert.deepEqual(log.list({ actor: 'alice' }).map((x) => x.seq), [1, 3, 5]);
    assert.deepEqual(log.list({ action: 'export' }).map((x) => x.seq), [3]);
    assert.deepEqual(log.list({ target: 'cam-a' }).map((x) => x.seq), [2]);
    assert.deepEqual(log.list({ from: T0 + 2000, to: T0 + 4000 }).map((x) => x.seq), [2, 3]);
    assert.deepEqual(log.list({ afterSeq: 3, limit: 1 }).map((x) => x.seq), [4]);
    throwsCode(() => log.list({ from: T0 + 5, to: T0 }), 'STORE_INPUT_INVALID');
    throwsCode(() => log.list({ limit: 0 }), 'STORE_INPUT_INVALID');
    throwsCode(() => log.append({ actor: '', action: 'login' }), 'STORE_INPUT_INVALID');
    throwsCode(() => log.append({ actor: 'a', action: 'x', details: { bad: Number.POSITIVE_INFINITY } }), 'STORE_INPUT_INVALID');
    assert.deepEqual(verifyAuditLog(db), { ok: true, entries: 5 });
    db.close();
  });

  test('an empty log verifies', () => {
    const db = openDatabase(freshFile());
    assert.deepEqual(verifyAuditLog(db), { ok: true, entries: 0 });
    db.close();
  });

  test('triggers refuse updates, deletes and entries that do not extend the head', () => {
    const { db } = withEntries();
    assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 5').run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit_head').run(), /cannot be deleted/);
    assert.throws(() => db.prepare('UPDATE audit_head SET seq = 3').run(), /forward/);
    assert.throws(
      () => db.prepare("INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (9, 0, 'm', 'x', NULL, '{}', 'h', 'h')").run(),
      /extend the chain/,
    );
    assert.deepEqual(verifyAuditLog(db), { ok: true, entries: 5 });
    db.close();
  });

  /** Re-seals entry `seq` with a new actor, as a tamperer who knows the hash function would. */
  const reseal = (db: BetterSqlite3.Database, log: SqliteAuditLog, seq: number): void => {
    const e = log.list({ afterSeq: seq - 1, limit: 1 })[0]!;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = ?').run('mallory', auditHash(e.prevHash, seq, e.time, 'mallory', e.action, e.target, e.details), seq);
  };
  /** Appends a well-sealed entry 6 without moving the head. */
  const behindHead = (db: BetterSqlite3.Database, log: SqliteAuditLog): void => {
    const last = log.list({ afterSeq: 4 })[0]!;
    db.exec('DROP TRIGGER audit_log_chained');
    db.prepare("INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (6, ?, 'mallory', 'noop', NULL, '{}', ?, ?)").run(
      last.time, last.hash, auditHash(last.hash, 6, last.time, 'mallory', 'noop', null, {}),
    );
  };
  const tampering: [string, string | ((db: BetterSqlite3.Database, log: SqliteAuditLog) => void), number, RegExp][] = [
    ['an edited actor', "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", 3, /edited/],
    ['edited details', `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '{"i":1,"ip":"10.6.6.6"}' WHERE seq = 2`, 2, /edited/],
    ['an edited time', 'DROP TRIGGER audit_log_no_update; UPDATE audit_log SET time = time + 1 WHERE seq = 5', 5, /edited/],
    ['an edit with its hash recomputed', (db, log) => reseal(db, log, 3), 4, /prev_hash/],
    ['a removed middle entry', 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2', 2, /entry 2 is missing/],
    ['a removed first entry', 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 1', 1, /entry 1 is missing/],
    ['a cut tail', 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= 4', 4, /entries 4 to 5 are missing/],
    ['an entry added behind the head', behindHead, 6, /behind the head/],
  ];
  for (const [label, tamper, seq, reason] of tampering) {
    test(`verify finds ${label} at entry ${seq}`, () => {
      const { db, log } = withEntries();
      if (typeof tamper === 'string') db.exec(tamper);
      else tamper(db, log);
      const r = verifyAuditLog(db);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.firstBadSeq, seq, r.reason);
        assert.match(r.reason, reason);
      }
      db.close();
    });
  }
});
