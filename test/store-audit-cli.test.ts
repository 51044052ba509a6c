import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runAudit, type AuditIo } from '../src/cli/audit.ts';
import { SightlineError } from '../src/core/errors.ts';
import { AuditLog } from '../src/store/audit-log.ts';
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
  const log = new AuditLog(db, { now: () => (t += 1000) });
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
