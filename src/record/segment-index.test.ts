import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../core/errors.ts';
import { openDatabase } from '../store/database.ts';
import { SqliteEventStore } from '../store/sqlite-event-store.ts';
import { MAX_SEGMENT_MS, SegmentIndex, type NewSegment } from './segment-index.ts';
import { parseIncomingName, parseSegmentName, resolveInside, segmentPath } from './segment-paths.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-segidx-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const T0 = Date.UTC(2024, 0, 15, 23, 59, 50);

let n = 0;
async function fresh(): Promise<{ index: SegmentIndex; store: SqliteEventStore }> {
  const db = openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db'));
  const store = new SqliteEventStore(db);
  await store.addCamera({ id: 'a', name: 'A', url: 'rtsp://h/a' });
  await store.addCamera({ id: 'b', name: 'B', url: 'rtsp://h/b' });
  return { index: new SegmentIndex(db), store };
}

const seg = (cameraId: string, startS: number, endS: number, bytes = 100): NewSegment => ({
  cameraId,
  path: segmentPath(cameraId, T0 + startS * 1000),
  startTime: T0 + startS * 1000,
  endTime: T0 + endS * 1000,
  bytes,
});

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof SightlineError && e.code === code);
}

test('segments are added, read, listed by overlap oldest first, totalled and deleted', async (t) => {
  const { index, store } = await fresh();
  t.after(() => store.close());
  const added = [seg('a', 20, 30), seg('a', 0, 10), seg('a', 10, 20), seg('b', 5, 15, 50)].map((s) => index.add(s));
  assert.deepEqual(index.get(added[1]!.id), added[1]);
  assert.equal(index.get(9999), null);
  assert.deepEqual(index.byPath(added[0]!.path), added[0]);
  const cases: Array<[number, number, number[]]> = [
    [0, 30, [0, 10, 20]],
    [10, 20, [10]], // half-open: the segment ending at 10 and the one starting at 20 are out
    [9.999, 10.001, [0, 10]],
    [25, 100, [20]],
    [30, 40, []],
    [-5, 0.001, [0]],
  ];
  for (const [from, to, starts] of cases) {
    const listed = index.list('a', T0 + from * 1000, T0 + to * 1000);
    assert.deepEqual(listed.map((s) => (s.startTime - T0) / 1000), starts, `[${from}, ${to})`);
  }
  assert.deepEqual(index.all().map((s) => [s.cameraId, (s.startTime - T0) / 1000]), [['a', 0], ['b', 5], ['a', 10], ['a', 20]]);
  assert.deepEqual(index.totals(), { bytes: 350, segments: 4 });
  assert.equal((index.latest('a')?.startTime ?? 0) - T0, 20_000);
  assert.equal(index.latest('zzz'), null);
  assert.equal(index.delete(added[0]!.id), true);
  assert.equal(index.delete(added[0]!.id), false);
  assert.deepEqual(index.totals(), { bytes: 250, segments: 3 });
  // Removing a camera removes its segments' rows.
  await store.removeCamera('b');
  assert.deepEqual(index.totals(), { bytes: 200, segments: 2 });
});

test('bad segments are refused with stable codes', async (t) => {
  const { index, store } = await fresh();
  t.after(() => store.close());
  index.add(seg('a', 0, 10));
  const bad: Array<[string, NewSegment, ErrorCode]> = [
    ['unknown camera', seg('nope', 0, 10), 'CAMERA_NOT_FOUND'],
    ['path taken', seg('a', 0, 12), 'STORE_CONFLICT'],
    ['ends before it starts', seg('a', 10, 9), 'STORE_INPUT_INVALID'],
    ['too long', { ...seg('a', 100, 100), endTime: T0 + 100_000 + MAX_SEGMENT_MS + 1 }, 'STORE_INPUT_INVALID'],
    ['negative bytes', seg('a', 20, 30, -1), 'STORE_INPUT_INVALID'],
    ['fractional time', { ...seg('a', 40, 50), startTime: T0 + 0.5 }, 'STORE_INPUT_INVALID'],
    ['empty path', { ...seg('a', 60, 70), path: '' }, 'STORE_INPUT_INVALID'],
  ];
  for (const [, s, code] of bad) throwsCode(() => index.add(s), code);
  throwsCode(() => index.list('a', T0 + 10, T0 + 10), 'STORE_INPUT_INVALID');
  throwsCode(() => index.list('a', T0 + 10, T0), 'STORE_INPUT_INVALID');
  assert.deepEqual(index.totals(), { bytes: 100, segments: 1 });
});

test('segment paths: day folders in UTC, names parsed back, nothing outside the data directory', () => {
  assert.equal(segmentPath('cam-1', T0), `recordings/cam-1/2024-01-15/${T0}.ts`);
  assert.equal(segmentPath('cam-1', T0 + 10_000, 2), `recordings/cam-1/2024-01-16/${T0 + 10_000}-2.ts`);
  assert.equal(parseSegmentName(`${T0}.ts`), T0);
  assert.equal(parseSegmentName(`${T0}-3.ts`), T0);
  assert.equal(parseSegmentName(`${T0}.mp4`), null);
  assert.deepEqual(parseIncomingName(`${T0}-00012.ts`), { runMs: T0, seq: 12 });
  assert.equal(parseIncomingName(`${T0}.ts`), null);
  for (const id of ['', '..', '.', 'a/b', 'a\\b', 'x'.repeat(200), 'é']) throwsCode(() => segmentPath(id, T0), 'STORE_INPUT_INVALID');
  const root = path.join(TMP, 'data');
  assert.equal(resolveInside(root, 'recordings/a/x.ts'), path.join(root, 'recordings', 'a', 'x.ts'));
  for (const bad of ['../x.ts', 'recordings/../../x.ts', '/etc/passwd', '', '.', 'a\0b']) assert.equal(resolveInside(root, bad), null, bad);
  assert.equal(resolveInside(root, '..x/y.ts'), path.join(root, '..x', 'y.ts'));
});
