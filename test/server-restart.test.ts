/**
 * The server process killed (SIGKILL) mid-recording and started again: the database stays intact,
 * the audit chain verifies, every indexed segment plays, recording resumes on its own, and a clean
 * stop (SIGTERM) leaves no process behind.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { databasePath } from '../src/store/database.ts';
import { BIN } from './fixtures/cli.ts';
import { processRunning } from './fixtures/process.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-restart-'));
const dataDir = path.join(dir, 'data');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startServe(configFile: string): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--data-dir', dataDir, '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  children.push(child);
  return { child, output: () => out };
}

function segments(): { path: string; bytes: number }[] {
  if (!existsSync(databasePath(dataDir))) return [];
  const db = new BetterSqlite3(databasePath(dataDir), { readonly: true, timeout: 5000 });
  try {
    return db.prepare<[], { path: string; bytes: number }>('SELECT path, bytes FROM segments ORDER BY start_time').all();
  } catch {
    return [];
  } finally {
    db.close();
  }
}

function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const pairs = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [c, pp] of pairs) {
      if (pp !== p) continue;
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

test('killed mid-recording and restarted: intact database and audit chain, playable segments, recording resumes', { timeout: 120_000 }, async () => {
  const configFile = path.join(dir, 'sightline.yml');
  writeFileSync(
    configFile,
    [
      'server:',
      '  port: 0',
      'recording:',
      '  segmentSeconds: 2',
      'cameras:',
      '  - name: lobby',
      `    url: ${JSON.stringify(DEMO_CLIP)}`,
      '    fps: 2',
      '',
    ].join('\n'),
  );
  const first = startServe(configFile);
  await waitFor(() => first.output().includes('Sightline is running'), 60_000, `the server to start:\n${first.output()}`);
  await waitFor(() => segments().length >= 2, 30_000, 'two recorded segments');
  await new Promise((r) => setTimeout(r, 900));
  const orphans = descendants(first.child.pid!);
  first.child.kill('SIGKILL');
  await waitFor(() => first.child.exitCode !== null || first.child.signalCode !== null, 10_000, 'the kill');
  // Children of a killed server lose their pipes and end on their own within a segment or two.
  await waitFor(() => orphans.every((p) => !processRunning(p)), 20_000, `the killed server's ffmpeg processes to end: ${orphans.filter(processRunning).map((p) => execFileSync('ps', ['-o', 'args=', '-p', String(p)], { encoding: 'utf8' }).slice(0, 200)).join('; ')}`);
  const before = segments().length;

  const second = startServe(configFile);
  await waitFor(() => second.output().includes('Sightline is running'), 60_000, `the restart:\n${second.output()}`);
  await waitFor(() => segments().length >= before + 2, 30_000, 'recording to resume');
  const db = new BetterSqlite3(databasePath(dataDir), { readonly: true, timeout: 5000 });
  try {
    assert.equal(db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').get()?.integrity_check, 'ok');
  } finally {
    db.close();
  }
  for (const s of segments()) {
    const file = path.join(dataDir, s.path);
    assert.ok(existsSync(file), `${s.path} exists`);
    const packets = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    assert.ok(Number(packets.trim().split(/\s+/)[0]) > 0, `${s.path} plays`);
  }
  const verify = execFileSync(process.execPath, [BIN, 'audit', 'verify', '--data-dir', dataDir], { encoding: 'utf8' });
  assert.match(verify, /intact|ok/i);

  const kids = descendants(second.child.pid!);
  second.child.kill('SIGTERM');
  await waitFor(() => second.child.exitCode !== null, 20_000, `a clean stop:\n${second.output()}`);
  assert.equal(second.child.exitCode, 0, second.output());
  assert.ok(second.output().includes('Stopped.'));
  await waitFor(() => kids.every((p) => !processRunning(p)), 10_000, 'no process left behind');
});
