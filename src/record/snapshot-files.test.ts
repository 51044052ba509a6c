import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SETTLE_MS, SnapshotFiles } from './snapshot-files.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-snapshots-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const T = Date.UTC(2024, 5, 1, 12);

let n = 0;
function dataDir(): string {
  const dir = path.join(TMP, `data-${++n}`);
  mkdirSync(dir);
  return dir;
}

function write(dir: string, rel: string, bytes: number, time: number): void {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes));
  utimesSync(file, new Date(time), new Date(time));
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : 1);

test('SnapshotFiles: lists snapshots/<camera>/<day>/*.jpg with size and mtime, nothing else', async () => {
  const dir = dataDir();
  write(dir, 'snapshots/a/2024-06-01/e1.jpg', 10, T);
  write(dir, 'snapshots/a/2024-05-31/e0.jpg', 20, T - 86_400_000);
  write(dir, 'snapshots/b/2024-06-01/e2.jpg', 30, T + 1000);
  write(dir, 'snapshots/a/2024-06-01/e1.jpg.tmp', 5, T);
  write(dir, 'snapshots/a/not-a-day/e3.jpg', 5, T);
  write(dir, 'snapshots/loose.jpg', 5, T);
  const scan = await new SnapshotFiles(dir).scan();
  assert.deepEqual(scan.errors, []);
  assert.deepEqual([...scan.snapshots].sort(byPath), [
    { path: 'snapshots/a/2024-05-31/e0.jpg', cameraId: 'a', time: T - 86_400_000, bytes: 20 },
    { path: 'snapshots/a/2024-06-01/e1.jpg', cameraId: 'a', time: T, bytes: 10 },
    { path: 'snapshots/b/2024-06-01/e2.jpg', cameraId: 'b', time: T + 1000, bytes: 30 },
  ]);
});

test('SnapshotFiles: no snapshots folder is no snapshots and no error', async () => {
  assert.deepEqual(await new SnapshotFiles(dataDir()).scan(), { snapshots: [], errors: [] });
});

test('SnapshotFiles: a settled folder and file are not read again; new, changed-folder and unsettled entries are', async () => {
  const dir = dataDir();
  const day = 'snapshots/a/2024-06-01';
  write(dir, `${day}/old.jpg`, 10, T);
  // The folder last changed at T; every change below gives it the real time now, long after T.
  const folderMtime = T;
  utimesSync(path.join(dir, day), new Date(folderMtime), new Date(folderMtime));
  const wall = folderMtime + SETTLE_MS;
  const files = new SnapshotFiles(dir, () => wall);
  const sizes = async (): Promise<Array<[string, number]>> => [...(await files.scan()).snapshots].sort(byPath).map((s) => [path.basename(s.path), s.bytes]);
  assert.deepEqual(await sizes(), [['old.jpg', 10]]);

  // Rewriting a file does not change its folder's mtime: the settled listing is kept as it was.
  writeFileSync(path.join(dir, day, 'old.jpg'), Buffer.alloc(99));
  utimesSync(path.join(dir, day), new Date(folderMtime), new Date(folderMtime));
  assert.deepEqual(await sizes(), [['old.jpg', 10]], 'settled: not read again');

  // A new file changes the folder: it is read again, the settled file keeps its size, the new one is read.
  write(dir, `${day}/new.jpg`, 7, wall);
  assert.deepEqual(await sizes(), [['new.jpg', 7], ['old.jpg', 10]]);
  // new.jpg was seen when it was 0 ms old, and the folder changed after `wall`: both are read again.
  writeFileSync(path.join(dir, day, 'new.jpg'), Buffer.alloc(8));
  utimesSync(path.join(dir, day, 'new.jpg'), new Date(wall), new Date(wall));
  assert.deepEqual(await sizes(), [['new.jpg', 8], ['old.jpg', 10]], 'unsettled: read again');

  // A deleted file and a removed folder are gone from the next scan.
  rmSync(path.join(dir, day, 'old.jpg'));
  assert.deepEqual(await sizes(), [['new.jpg', 8]]);
  rmSync(path.join(dir, day), { recursive: true });
  assert.deepEqual(await sizes(), []);
});
