/**
 * The data directory is owner-only: a directory that already exists with 0755 folders and 0644 files
 * is repaired at start, and everything the server writes afterwards (database and its -wal/-shm,
 * key files, TLS files, recordings, snapshots) is created 0600/0700.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { secureDataDir } from '../src/server/data-dir.ts';
import { BIN } from './fixtures/cli.ts';
import { ROOT } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-data-dir-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Every path under `root` (itself included) whose mode lets group or others in, with its mode. */
function openPaths(root: string): string[] {
  const found: string[] = [];
  const visit = (p: string): void => {
    const stat = lstatSync(p);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) found.push(`${path.relative(root, p) || '.'} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  visit(root);
  return found;
}

/** Every file under `root`, relative. */
function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** A data directory as an older version or a careless copy left it: folders 0755, files 0644. */
function openDataDir(name: string): string {
  const data = path.join(dir, name);
  mkdirSync(path.join(data, 'recordings', 'old'), { recursive: true, mode: 0o755 });
  mkdirSync(path.join(data, 'snapshots'), { mode: 0o755 });
  writeFileSync(path.join(data, 'recordings', 'old', 'segment.mp4'), 'x', { mode: 0o644 });
  writeFileSync(path.join(data, 'notes.txt'), 'x', { mode: 0o666 });
  for (const d of [data, path.join(data, 'recordings'), path.join(data, 'recordings', 'old'), path.join(data, 'snapshots')]) chmodSync(d, 0o755);
  chmodSync(path.join(data, 'recordings', 'old', 'segment.mp4'), 0o644);
  chmodSync(path.join(data, 'notes.txt'), 0o666);
  return data;
}

test('secureDataDir narrows every folder to 0700 and file to 0600, and sets the umask', () => {
  const data = openDataDir('unit');
  const before = process.umask();
  try {
    assert.equal(openPaths(data).length, 6);
    const { fixed } = secureDataDir(data);
    assert.equal(fixed.length, 6);
    assert.deepEqual(openPaths(data), []);
    assert.equal(process.umask(), 0o077);
    assert.equal(lstatSync(path.join(data, 'notes.txt')).mode & 0o777, 0o600);
    assert.equal(lstatSync(path.join(data, 'recordings')).mode & 0o777, 0o700);
    assert.deepEqual(secureDataDir(data).fixed, [], 'a second start has nothing to fix');
  } finally {
    process.umask(before);
  }
});

test('sightline serve on an existing open data directory: everything in it, old and new, is owner-only', { timeout: 120_000 }, async () => {
  const data = openDataDir('serve');
  const configFile = path.join(dir, 'sightline.yml');
  writeFileSync(
    configFile,
    [
      'server:',
      '  port: 0',
      'recording:',
      '  segmentSeconds: 2',
      'cameras:',
      '  - name: plaza',
      `    url: ${JSON.stringify(path.join(ROOT, 'demo/pets09-s2l1-excerpt.mp4'))}`,
      '    fps: 5',
      '    snapshots: true',
      '    record: { mode: continuous }',
      '    analytics:',
      '      detect: { motion: { enabled: false } }',
      '      zones:',
      '        - name: all',
      '          polygon: [[0, 0], [768, 0], [768, 576], [0, 576]]',
      '          loitering: { seconds: 1 }',
      '',
    ].join('\n'),
  );
  let out = '';
  // The test's own umask is permissive, so only the server's umask can make new files private.
  const child = spawn('/bin/sh', ['-c', `umask 022 && exec "$0" "$@"`, process.execPath, BIN, 'serve', '--config', configFile, '--data-dir', data, '--workers', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  await waitFor(() => out.includes('Sightline is running'), 60_000, `the server to start:\n${out}`);
  await waitFor(
    () => files(path.join(data, 'recordings')).some((f) => f.endsWith('.ts')) && files(path.join(data, 'snapshots')).some((f) => f.endsWith('.jpg')),
    60_000,
    `a new recording and a snapshot:\n${out}`,
  );
  assert.ok(files(data).some((f) => f.endsWith('sightline.db-wal')), `the database's WAL exists: ${files(data).join(', ')}`);
  assert.deepEqual(openPaths(data), [], 'no path open to group or others while running');
  child.kill('SIGTERM');
  await waitFor(() => child.exitCode !== null, 20_000, `a clean stop:\n${out}`);
  assert.deepEqual(openPaths(data), [], 'no path open to group or others after the stop');
  assert.match(out, /made 6 files and folders readable by this user only/);
});
