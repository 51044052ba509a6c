import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runAudit, type AuditIo } from '../src/cli/audit.ts';
import { SightlineError } from '../src/core/errors.ts';
import type BetterSqlite3 from 'better-sqlite3';
import { loadOrCreateSecretKey } from '../src/security/secret-box.ts';
import { auditHash, auditKeyFromSecret } from '../src/store/audit-log.ts';
import { SqliteAuditLog, type AuditRow } from '../src/store/sqlite-audit-log.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import { assertCleanFailure, EXIT_RUNTIME, EXIT_USAGE, runCli } from './fixtures/cli.ts';
import { ROOT } from './fixtures/data.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-audit-cli-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;

/** A data directory whose audit log holds `count` entries, tampered with by `tamper` (SQL) when given. */
function dataDir(count: number, tamper?: string): string {
  const dir = path.join(TMP, `data-${++n}`);
  const db = openDatabase(databasePath(dir));
  let t = Date.UTC(2024, 0, 15);
  const log = new SqliteAuditLog(db, { now: () => (t += 1000) });
  for (let i = 0; i < count; i++) log.append({ actor: 'alice', action: 'live_view', target: `cam-${i}` });
  if (tamper !== undefined) db.exec(tamper);
  db.close();
  return dir;
}

const EDIT_3 = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'cam-x' WHERE seq = 3";

/** Runs runAudit with captured output. */
async function audit(argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: AuditIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env };
  const code = await runAudit(argv, io);
  return { code, stdout, stderr };
}

async function rejectsCode(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof SightlineError && e.code === code && message.test(e.message));
}

describe('runAudit (sightline audit verify)', () => {
  test('an intact log: OK with the entry count, exit 0', async () => {
    assert.deepEqual(await audit(['verify', '--data-dir', dataDir(4)]), { code: 0, stdout: 'audit log OK: 4 entries\n', stderr: '' });
  });

  test('the data directory defaults to $SIGHTLINE_DATA_DIR', async () => {
    assert.deepEqual(await audit(['verify'], { SIGHTLINE_DATA_DIR: dataDir(2) }), { code: 0, stdout: 'audit log OK: 2 entries\n', stderr: '' });
  });

  test('a tampered log: names the entry and why, exit 1', async () => {
    const r = await audit(['verify', '--data-dir', dataDir(5, EDIT_3)]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sightline audit verify: .*entry 3: .*edited\n$/);
  });

  test('a missing database and bad arguments are clear errors', async () => {
    await rejectsCode(audit(['verify', '--data-dir', path.join(TMP, 'nothing-here')]), 'DATABASE_NOT_FOUND', /no database at .*nothing-here/);
    await rejectsCode(audit([]), 'USAGE', /audit verify/);
    await rejectsCode(audit(['check']), 'USAGE', /got "check"/);
    await rejectsCode(audit(['verify', '--data', 'x']), 'USAGE', /--data/);
    await rejectsCode(audit(['verify', 'extra']), 'USAGE', /positional/);
  });
});

/** A data directory with a secret key file and a log keyed from it: `plain` entries written before keying, `keyed` after. */
function keyedDataDir(plain: number, keyed: number, tamper?: (db: BetterSqlite3.Database) => void): string {
  const dir = path.join(TMP, `keyed-${++n}`);
  const db = openDatabase(databasePath(dir));
  let t = Date.UTC(2024, 0, 15);
  const now = (): number => (t += 1000);
  const before = new SqliteAuditLog(db, { now });
  for (let i = 0; i < plain; i++) before.append({ actor: 'alice', action: 'live_view', target: `old-${i}` });
  const log = new SqliteAuditLog(db, { now, key: auditKeyFromSecret(loadOrCreateSecretKey(dir)) });
  for (let i = 0; i < keyed; i++) log.append({ actor: 'alice', action: 'live_view', target: `cam-${i}` });
  tamper?.(db);
  db.close();
  return dir;
}

/** Rewrites entry `seq` with target 'cam-x' and recomputes the plain hash chain (and head) forward, as an attacker without the key would. */
const rewriteForward = (seq: number) => (db: BetterSqlite3.Database): void => {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_head_forward');
  const rows = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').all();
  let prev = rows[seq - 2]?.hash ?? '0'.repeat(64);
  for (const r of rows.slice(seq - 1)) {
    const target = r.seq === seq ? 'cam-x' : r.target;
    const hash = auditHash(prev, r.seq, r.time, r.actor, r.action, target, JSON.parse(r.details) as Record<string, never>);
    db.prepare('UPDATE audit_log SET target = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(target, prev, hash, r.seq);
    prev = hash;
  }
  db.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
};

describe('sightline audit verify on a keyed chain', () => {
  const cases: [string, () => string, number, RegExp | null][] = [
    ['a keyed log', () => keyedDataDir(0, 4), 0, null],
    ['plain entries before keying, keyed after', () => keyedDataDir(2, 3), 0, null],
    ['a rewrite with the plain chain recomputed forward', () => keyedDataDir(0, 5, rewriteForward(3)), 1, /entry 3: .*edited/],
    ['a rewrite of a pre-key entry recomputed forward', () => keyedDataDir(2, 3, rewriteForward(1)), 1, /entry 3: .*edited/],
    ['keying removed from the head, chain recomputed', () => keyedDataDir(0, 4, (db) => {
      rewriteForward(2)(db);
      db.exec('UPDATE audit_head SET keyed_from = NULL, seal = NULL');
    }), 1, /not sealed/],
    ['a cut tail with the head moved back', () => keyedDataDir(0, 5, (db) => {
      const h = db.prepare<[], { hash: string }>('SELECT hash FROM audit_log WHERE seq = 3').get()!;
      db.exec('DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_head_forward; DELETE FROM audit_log WHERE seq > 3');
      db.prepare('UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1').run(h.hash);
    }), 1, /seal/],
  ];
  for (const [label, make, code, reason] of cases) {
    test(`${label}: exit ${code}`, async () => {
      const r = await audit(['verify', '--data-dir', make()]);
      assert.equal(r.code, code, r.stderr);
      if (reason === null) assert.match(r.stdout, /^audit log OK: \d+ entries\n$/);
      else assert.match(r.stderr, reason);
    });
  }

  test('a keyed log without its key file cannot pass', async () => {
    const dir = keyedDataDir(0, 2);
    rmSync(path.join(dir, 'secret.key'));
    const r = await audit(['verify', '--data-dir', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs the secret key file/);
  });
});

/** A keyed data directory of 6 entries a day apart, purged by retention before the 4th (entries 1 to 3 go), then tampered with. */
function purgedDataDir(tamper?: (db: BetterSqlite3.Database) => void): string {
  const dir = path.join(TMP, `purged-${++n}`);
  const db = openDatabase(databasePath(dir));
  const day = 86_400_000;
  let t = Date.UTC(2024, 0, 15);
  const log = new SqliteAuditLog(db, { now: () => t, key: auditKeyFromSecret(loadOrCreateSecretKey(dir)) });
  for (let i = 0; i < 6; i++) {
    t = Date.UTC(2024, 0, 15) + i * day;
    log.append({ actor: 'alice', action: 'live_view', target: `cam-${i}` });
  }
  assert.deepEqual(log.purgeBefore(Date.UTC(2024, 0, 15) + 3 * day), { deleted: 3, throughSeq: 3 });
  tamper?.(db);
  db.close();
  return dir;
}

describe('sightline audit verify after retention deleted the oldest entries', () => {
  const cases: [string, (db: BetterSqlite3.Database) => void, RegExp][] = [
    ['an edited entry after the checkpoint', (db) => db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'cam-x' WHERE seq = 5"), /entry 5: .*edited/],
    ['one more entry removed from the start', (db) => db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4'), /entry 4: .*missing/],
    ['one more removed with the checkpoint moved onto it (no key to seal it)', (db) => {
      const e4 = db.prepare<[], { hash: string; time: number }>('SELECT hash, time FROM audit_log WHERE seq = 4').get()!;
      db.prepare('UPDATE audit_checkpoint SET seq = 4, hash = ?, time = ? WHERE id = 1').run(e4.hash, e4.time);
      db.exec('DELETE FROM audit_log WHERE seq = 4');
    }, /entry 5: .*checkpoint .*seal/],
    ["the checkpoint's seal removed", (db) => db.exec('UPDATE audit_checkpoint SET seal = NULL WHERE id = 1'), /checkpoint .*seal/],
    ['the checkpoint moved back, as if nothing was deleted', (db) => db.exec(`DROP TRIGGER audit_checkpoint_forward; UPDATE audit_checkpoint SET seq = 0, hash = '${'0'.repeat(64)}', time = NULL, seal = NULL`), /entry 1 is missing/],
  ];

  test('the purged log verifies from its checkpoint: exit 0', async () => {
    const r = await audit(['verify', '--data-dir', purgedDataDir()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'audit log OK: 4 entries (entries 1 to 3 were deleted by retention; the chain is verified from their sealed checkpoint)\n');
  });

  for (const [label, tamper, reason] of cases) {
    test(`${label}: exit 1`, async () => {
      const r = await audit(['verify', '--data-dir', purgedDataDir(tamper)]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, reason);
    });
  }

  test('the store refuses to delete entries ahead of the checkpoint, or to move it back or off the chain', () => {
    const dir = purgedDataDir();
    const db = openDatabase(databasePath(dir));
    assert.throws(() => db.exec('DELETE FROM audit_log WHERE seq = 4'), /behind the retention checkpoint/);
    assert.throws(() => db.exec('UPDATE audit_checkpoint SET seq = 1 WHERE id = 1'), /only moves forward/);
    assert.throws(() => db.exec(`UPDATE audit_checkpoint SET seq = 4, hash = '${'1'.repeat(64)}' WHERE id = 1`), /only moves forward/);
    assert.throws(() => db.exec('DELETE FROM audit_checkpoint'), /cannot be deleted/);
    db.close();
  });
});

const REGISTERED = /\brunAudit\b/.test(readFileSync(path.join(ROOT, 'src', 'cli', 'main.ts'), 'utf8'));

describe('sightline audit verify as a command', { skip: REGISTERED ? false : 'the audit command is not registered in src/cli/main.ts yet' }, () => {
  test('exit 0 on an intact log, 1 on a tampered one, a clean usage failure without a database', async () => {
    const ok = await runCli(['audit', 'verify', '--data-dir', dataDir(3)]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'audit log OK: 3 entries\n');
    const bad = await runCli(['audit', 'verify', '--data-dir', dataDir(5, EDIT_3)]);
    assert.equal(bad.code, EXIT_RUNTIME, bad.stderr);
    assert.match(bad.stderr, /entry 3/);
    assertCleanFailure(await runCli(['audit', 'verify', '--data-dir', path.join(TMP, 'nothing-here')]), EXIT_USAGE, /no database/, 'missing database');
  });
});
