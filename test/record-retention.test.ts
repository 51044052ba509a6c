import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Clock } from '../src/ingest/ffmpeg-source.ts';
import { eventKeepFromStore } from '../src/record/event-keep.ts';
import { RetentionRunner, type RetentionDeleted, type RetentionLimits, type RetentionReport } from '../src/record/retention-runner.ts';
import type { SegmentIndex, StoredSegment } from '../src/store/segment-index.ts';
import { SqliteSegmentIndex } from '../src/store/sqlite-segment-index.ts';
import { segmentPath } from '../src/record/segment-paths.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { createHarness, FIXED_JPEG } from './fixtures/api-harness.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-retention-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const NOW = Date.UTC(2024, 5, 1, 12);
const S = 1000;
const ROOMY: RetentionLimits = { videoHours: 14 * 24, maxDiskGb: 50, minFreeGb: 0 };

/** A clock whose timers fire only when the test says so. */
class ManualClock implements Clock {
  readonly timers = new Map<number, { ms: number; fn: () => void }>();
  #next = 0;
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  setTimer(ms: number, fn: () => void): () => void {
    const id = ++this.#next;
    this.timers.set(id, { ms, fn });
    return () => this.timers.delete(id);
  }
  fireAll(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const t of due) t.fn();
  }
}

/** A deleted segment by its id, a deleted snapshot by its path. */
const keyOf = (d: RetentionDeleted): number | string => (d.kind === 'segment' ? d.id : d.path);

/** Writes a snapshot file of `bytes` bytes at `snapshots/<camera>/<UTC day of time>/<name>.jpg`, written (mtime) at `time`; returns its relative path. */
function writeSnapshot(dataDir: string, cameraId: string, name: string, time: number, bytes = 1000): string {
  const rel = `snapshots/${cameraId}/${new Date(time).toISOString().slice(0, 10)}/${name}.jpg`;
  const file = path.join(dataDir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes, 7));
  utimesSync(file, new Date(time), new Date(time));
  return rel;
}

/** Bytes of all the files under `dir`. */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(path.join(e.parentPath, e.name)).size, 0);
}

let n = 0;
/** A data directory whose cameras have contiguous 10-s segments of `bytes` bytes each, the newest ending at NOW. */
async function fixture(cameras: Record<string, number>, bytes = 1000): Promise<{ dataDir: string; index: SegmentIndex; store: SqliteEventStore; segments: StoredSegment[] }> {
  const dataDir = path.join(TMP, `data-${++n}`);
  const store = new SqliteEventStore(openDatabase(path.join(dataDir, 'sightline.db')));
  const index = new SqliteSegmentIndex(store.db);
  for (const [id, count] of Object.entries(cameras)) {
    await store.addCamera({ id, name: id, url: `rtsp://cam/${id}` });
    for (let i = 0; i < count; i++) {
      const startTime = NOW - (count - i) * 10 * S;
      const rel = segmentPath(id, startTime);
      mkdirSync(path.dirname(path.join(dataDir, rel)), { recursive: true });
      writeFileSync(path.join(dataDir, rel), Buffer.alloc(bytes, i));
      index.add({ cameraId: id, path: rel, startTime, endTime: startTime + 10 * S, bytes });
    }
  }
  return { dataDir, index, store, segments: index.all() };
}

test('a tiny quota deletes the oldest files and rows first and leaves the total under it; a missing file is fine', async (t) => {
  const { dataDir, index, store, segments } = await fixture({ a: 5, b: 5 });
  t.after(() => store.close());
  const oldest = segments[0]!;
  rmSync(path.join(dataDir, oldest.path));
  const errors: string[] = [];
  const runner = new RetentionRunner({ dataDir, index, limits: { ...ROOMY, maxDiskGb: 3500 / 1e9 }, clock: new ManualClock(NOW), onError: (e) => errors.push(e) });
  const report = await runner.runNow();
  assert.deepEqual(errors, []);
  assert.deepEqual(report.deleted.map(keyOf), segments.slice(0, 7).map((s) => s.id), 'the 7 oldest, both cameras interleaved');
  assert.ok(report.deleted.every((d) => d.reason === 'quota'));
  assert.equal(report.freedBytes, 7000);
  assert.ok(index.totals().bytes <= 3500);
  for (const [i, s] of segments.entries()) assert.equal(existsSync(path.join(dataDir, s.path)), i >= 7, s.path);
  assert.deepEqual(index.all().map((s) => s.id), segments.slice(7).map((s) => s.id));
  assert.equal(existsSync(path.join(dataDir, path.dirname(oldest.path))), true, 'a day folder with files stays');
  // A second run has nothing left to do.
  assert.deepEqual((await runner.runNow()).deleted, []);
});

test('age and a disk shortfall from the free space of the recordings folder', async (t) => {
  const { dataDir, index, store, segments } = await fixture({ a: 6 });
  t.after(() => store.close());
  const dirs: string[] = [];
  const runner = new RetentionRunner({
    dataDir,
    index,
    // 35 s of retention ages out the segments that ended 40 s and 50 s ago
    limits: { videoHours: 35 / 3_600, maxDiskGb: 50, minFreeGb: 10 },
    clock: new ManualClock(NOW),
    freeBytes: async (dir) => {
      dirs.push(dir);
      return 10e9 - 2500;
    },
  });
  const report = await runner.runNow();
  assert.deepEqual(dirs, [path.join(dataDir, 'recordings')]);
  assert.equal(report.bytesToFree, 2500);
  assert.deepEqual(report.deleted.map((d) => [keyOf(d), d.reason]), [[segments[0]!.id, 'age'], [segments[1]!.id, 'age'], [segments[2]!.id, 'disk']]);
  assert.equal(index.totals().segments, 3);
});

test('events mode keeps only the segments near an event window, read from the event store', async (t) => {
  const { dataDir, index, store, segments } = await fixture({ ev: 10, cont: 3 });
  t.after(() => store.close());
  // ev's segments: [-100,-90] ... [-10,0]. An intrusion from -55 to -50 s and a crossing at -21 s (an instant: no end time).
  await store.appendEvents([
    { id: 'e1', cameraId: 'ev', type: 'intrusion', rule: 'yard', class: 'person', startTime: NOW - 55 * S, endTime: NOW - 50 * S, frame: 1 },
    { id: 'e2', cameraId: 'ev', type: 'line_crossing', rule: 'gate', class: 'person', startTime: NOW - 21 * S, frame: 2, direction: 'in' },
    { id: 'e3', cameraId: 'cont', type: 'intrusion', rule: 'yard', class: 'person', startTime: NOW - 100 * S, frame: 3 },
  ]);
  const cameras = [
    { id: 'ev', record: { mode: 'events' as const, preRollSeconds: 2, postRollSeconds: 3 } },
    { id: 'cont', record: { mode: 'continuous' as const, preRollSeconds: 10, postRollSeconds: 20 } },
    { id: 'gone', record: { mode: 'events' as const, preRollSeconds: 1, postRollSeconds: 1 } },
  ];
  const runner = new RetentionRunner({ dataDir, index, limits: ROOMY, clock: new ManualClock(NOW), keep: eventKeepFromStore(store, () => cameras) });
  const report = await runner.runNow();
  assert.deepEqual(report.errors, []);
  // windows: [-57, -47] keeps [-60,-50] and [-50,-40]; the crossing [-23, -18] keeps [-30,-20] and [-20,-10];
  // the newest [-10, 0] ended less than the pre-roll ago.
  const kept = index.ofCamera('ev').map((s) => (s.startTime - NOW) / S);
  assert.deepEqual(kept, [-60, -50, -30, -20, -10]);
  assert.ok(report.deleted.every((d) => d.reason === 'not-near-event' && d.cameraId === 'ev'));
  assert.equal(index.ofCamera('cont').length, 3, 'a continuous camera keeps everything');
  for (const d of report.deleted) assert.equal(existsSync(path.join(dataDir, d.path)), false);
  assert.equal(segments.length - report.deleted.length, index.totals().segments);
});

test('errors are reported, never thrown; a file that cannot be deleted keeps its row', async (t) => {
  const { dataDir, index, store, segments } = await fixture({ a: 3 });
  t.after(() => store.close());
  // A folder where the oldest file should be: unlink fails with EISDIR/EPERM.
  const stuck = path.join(dataDir, segments[0]!.path);
  rmSync(stuck);
  mkdirSync(path.join(stuck, 'x'), { recursive: true });
  const errors: string[] = [];
  const runner = new RetentionRunner({
    dataDir,
    index,
    limits: { ...ROOMY, maxDiskGb: 1000 / 1e9, minFreeGb: 1 },
    clock: new ManualClock(NOW),
    freeBytes: async () => {
      throw new Error('statfs exploded');
    },
    keep: async () => {
      throw new Error('no events today');
    },
    onError: (e) => errors.push(e),
  });
  const report = await runner.runNow();
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0]!, /free disk space.*statfs exploded/);
  assert.match(errors[1]!, /event windows: no events today/);
  assert.match(errors[2]!, new RegExp(`cannot delete ${segments[0]!.path}`));
  assert.deepEqual(report.errors, errors);
  assert.deepEqual(report.deleted.map(keyOf), [segments[1]!.id]);
  assert.deepEqual(index.all().map((s) => s.id), [segments[0]!.id, segments[2]!.id]);
});

test('start() runs at once and then on every timer; runNow joins a run in progress; stop() ends the timer', async (t) => {
  const { dataDir, index, store } = await fixture({ a: 4 });
  t.after(() => store.close());
  const clock = new ManualClock(NOW);
  const reports: RetentionReport[] = [];
  const runner = new RetentionRunner({ dataDir, index, limits: { videoHours: 15 / 3_600, maxDiskGb: 50, minFreeGb: 0 }, clock, intervalMs: 30_000, onRun: (r) => reports.push(r) });
  t.after(() => runner.stop());
  runner.start();
  const joined = runner.runNow();
  assert.equal(joined, runner.runNow(), 'one run at a time');
  await joined;
  await new Promise((r) => setImmediate(r));
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.deleted.length, 2, 'the segments that ended 30 s and 20 s ago');
  assert.deepEqual([...clock.timers.values()].map((x) => x.ms), [30_000]);
  clock.time += 10 * S;
  clock.fireAll();
  await runner.runNow();
  await new Promise((r) => setImmediate(r));
  assert.equal(reports.length, 2);
  assert.equal(reports[1]!.deleted.length, 1, 'the segment that now ended 20 s ago');
  await runner.stop();
  assert.equal(clock.timers.size, 0);
});

test('the real free space (statfs) of the disk drives the shortfall', async (t) => {
  const { dataDir, index, store } = await fixture({ a: 2 });
  t.after(() => store.close());
  const quiet = await new RetentionRunner({ dataDir, index, limits: { ...ROOMY, minFreeGb: 0.000001 }, clock: new ManualClock(NOW) }).runNow();
  assert.deepEqual([quiet.bytesToFree, quiet.deleted.length, quiet.errors], [0, 0, []]);
  // No disk has a petabyte free: everything goes, oldest first.
  const report = await new RetentionRunner({ dataDir, index, limits: { ...ROOMY, minFreeGb: 1_000_000 }, clock: new ManualClock(NOW) }).runNow();
  assert.ok(report.bytesToFree > 0);
  assert.deepEqual(report.deleted.map((d) => d.reason), ['disk', 'disk']);
  assert.equal(index.totals().segments, 0);
  assert.equal(existsSync(path.join(dataDir, path.dirname(report.deleted[0]!.path))), false, 'the empty day folder is removed');
  assert.equal(existsSync(path.join(dataDir, 'recordings', 'a')), true, "the camera's folder stays");
});

test('segments and snapshots on disk over a small quota: the oldest of either kind go first until the total is under it', async (t) => {
  const { dataDir, index, store, segments } = await fixture({ a: 5 });
  t.after(() => store.close());
  // Segments of 1000 B start at -50, -40, -30, -20 and -10 s; snapshots of 1000 B: 9000 B on disk in all.
  const dayOld = writeSnapshot(dataDir, 'a', 'e-yesterday', NOW - 86_400 * S);
  const s45 = writeSnapshot(dataDir, 'a', 'e45', NOW - 45 * S);
  const b35 = writeSnapshot(dataDir, 'b', 'e35', NOW - 35 * S);
  const s15 = writeSnapshot(dataDir, 'a', 'e15', NOW - 15 * S);
  const onDisk = (): number => bytesUnder(path.join(dataDir, 'recordings')) + bytesUnder(path.join(dataDir, 'snapshots'));
  assert.equal(onDisk(), 9000);
  const errors: string[] = [];
  const runner = new RetentionRunner({ dataDir, index, limits: { ...ROOMY, maxDiskGb: 4500 / 1e9 }, clock: new ManualClock(NOW), onError: (e) => errors.push(e) });
  const report = await runner.runNow();
  assert.deepEqual(errors, []);
  assert.deepEqual(
    report.deleted.map((d) => [d.kind, keyOf(d), d.reason]),
    [
      ['snapshot', dayOld, 'quota'],
      ['segment', segments[0]!.id, 'quota'],
      ['snapshot', s45, 'quota'],
      ['segment', segments[1]!.id, 'quota'],
      ['snapshot', b35, 'quota'],
    ],
    'oldest first across both kinds and both cameras',
  );
  assert.equal(report.freedBytes, 5000);
  assert.equal(onDisk(), 4000, 'the total on disk is under the quota');
  assert.deepEqual(index.all().map((s) => s.id), segments.slice(2).map((s) => s.id));
  for (const rel of [dayOld, s45, b35]) assert.equal(existsSync(path.join(dataDir, rel)), false, rel);
  assert.equal(existsSync(path.join(dataDir, s15)), true);
  assert.equal(existsSync(path.join(dataDir, path.dirname(dayOld))), false, 'an emptied day folder of snapshots is removed');
  assert.equal(existsSync(path.join(dataDir, path.dirname(b35))), false, "the other camera's emptied day folder too");
  assert.equal(existsSync(path.join(dataDir, 'snapshots', 'b')), true, "the camera's snapshot folder stays");
  assert.equal(existsSync(path.join(dataDir, path.dirname(s15))), true, 'a day folder with a snapshot left stays');
  // A second run has nothing left to do; a snapshot written since then counts in the next one.
  assert.deepEqual((await runner.runNow()).deleted, []);
  writeSnapshot(dataDir, 'a', 'e5', NOW - 5 * S);
  assert.deepEqual((await runner.runNow()).deleted.map(keyOf), [segments[2]!.id]);
  assert.ok(onDisk() <= 4500);
});

test('snapshots older than the retention are deleted, with their day folders, as segments are', async (t) => {
  const { dataDir, index, store, segments } = await fixture({ a: 6 });
  t.after(() => store.close());
  // Segments end at -50, -40, ..., 0 s; 35 s of retention ages out the two that ended 50 s and 40 s ago.
  const tenDays = writeSnapshot(dataDir, 'a', 'old', NOW - 10 * 86_400 * S);
  const s40 = writeSnapshot(dataDir, 'a', 'e40', NOW - 40 * S);
  const s30 = writeSnapshot(dataDir, 'a', 'e30', NOW - 30 * S);
  const other = path.join(dataDir, 'snapshots', 'a', 'notes.txt');
  writeFileSync(other, 'not a snapshot');
  utimesSync(other, new Date(NOW - 20 * 86_400 * S), new Date(NOW - 20 * 86_400 * S));
  const runner = new RetentionRunner({ dataDir, index, limits: { ...ROOMY, videoHours: 35 / 3_600 }, clock: new ManualClock(NOW) });
  const report = await runner.runNow();
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.deleted.map((d) => [keyOf(d), d.reason]), [
    [tenDays, 'age'],
    [segments[0]!.id, 'age'],
    [segments[1]!.id, 'age'],
    [s40, 'age'],
  ]);
  assert.ok(report.deleted.every((d) => d.cameraId === 'a'));
  assert.equal(existsSync(path.join(dataDir, tenDays)), false);
  assert.equal(existsSync(path.join(dataDir, path.dirname(tenDays))), false, 'the emptied day folder is removed');
  assert.equal(existsSync(path.join(dataDir, s40)), false);
  assert.equal(existsSync(path.join(dataDir, s30)), true, 'a snapshot younger than the retention stays');
  assert.equal(existsSync(other), true, 'files outside the day folders are not snapshots');
});

test('the snapshot of an event whose file retention deleted answers a clean 404; the event itself stays', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  const viewer = await h.login('viewer');
  const rel = writeSnapshot(h.dir, 'A', 'e-old', NOW - 20 * 86_400 * S);
  writeFileSync(path.join(h.dir, rel), FIXED_JPEG);
  utimesSync(path.join(h.dir, rel), new Date(NOW - 20 * 86_400 * S), new Date(NOW - 20 * 86_400 * S));
  await h.store.appendEvents([{ id: 'e-old', cameraId: 'A', type: 'intrusion', rule: 'yard', class: 'person', startTime: NOW - 20 * 86_400 * S, frame: 1, snapshotPath: rel }]);
  const get = (url: string) => h.app.inject({ url, headers: h.headers(viewer) });
  const before = await get('/api/events/e-old/snapshot.jpg');
  assert.equal(before.statusCode, 200);
  assert.deepEqual(before.rawPayload, FIXED_JPEG);

  const report = await new RetentionRunner({ dataDir: h.dir, index: new SqliteSegmentIndex(h.db), limits: ROOMY, clock: new ManualClock(NOW) }).runNow();
  assert.deepEqual(report.deleted.map((d) => [d.kind, d.path, d.reason]), [['snapshot', rel, 'age']]);
  assert.equal(existsSync(path.join(h.dir, rel)), false);

  const after = await get('/api/events/e-old/snapshot.jpg');
  assert.equal(after.statusCode, 404);
  assert.match(String(after.headers['content-type']), /^application\/json/);
  assert.deepEqual(after.json(), { error: { code: 'NOT_FOUND', message: 'this event has no snapshot' } });
  const event = await get('/api/events/e-old');
  assert.equal(event.statusCode, 200, 'the event outlives its snapshot');
  assert.equal(event.json<{ snapshotPath: string | null }>().snapshotPath, rel);
});

test('with more segments than a page, retention reads the oldest end only: age and quota as if it read all, and events-mode cameras in full', async (t) => {
  const dataDir = path.join(TMP, `data-${++n}`);
  const store = new SqliteEventStore(openDatabase(path.join(dataDir, 'sightline.db')));
  t.after(() => store.close());
  const rows = new SqliteSegmentIndex(store.db);
  // 6,000 rows per continuous camera (16.7 hours of 10-s segments ending at NOW; no files, which retention tolerates), and an events-mode camera's 10 recent ones.
  for (const id of ['a', 'b', 'e']) await store.addCamera({ id, name: id, url: `rtsp://cam/${id}` });
  store.db.transaction(() => {
    for (const id of ['a', 'b']) for (let i = 0; i < 6000; i++) rows.add({ cameraId: id, path: segmentPath(id, NOW - (6000 - i) * 10 * S), startTime: NOW - (6000 - i) * 10 * S, endTime: NOW - (5999 - i) * 10 * S, bytes: 1000 });
    for (let i = 0; i < 10; i++) rows.add({ cameraId: 'e', path: segmentPath('e', NOW - (20 - i) * 10 * S), startTime: NOW - (20 - i) * 10 * S, endTime: NOW - (19 - i) * 10 * S, bytes: 1000 });
  })();
  const everything = rows.all();
  // The runner may not read every row: that takes seconds with a month of recordings.
  const index: SegmentIndex = new Proxy(rows, {
    get: (target, key) => (key === 'all' ? () => assert.fail('retention read every row') : (Reflect.get(target, key) as unknown as (...a: unknown[]) => unknown).bind(target)),
  });
  const cameras = [
    { id: 'a', record: { mode: 'continuous' as const, preRollSeconds: 5, postRollSeconds: 5 } },
    { id: 'b', record: { mode: 'continuous' as const, preRollSeconds: 5, postRollSeconds: 5 } },
    { id: 'e', record: { mode: 'events' as const, preRollSeconds: 5, postRollSeconds: 5 } },
  ];
  const errors: string[] = [];
  const runner = new RetentionRunner({ dataDir, index, limits: { videoHours: 10, maxDiskGb: 7_000_000 / 1e9, minFreeGb: 0 }, clock: new ManualClock(NOW), keep: eventKeepFromStore(store, () => cameras), onError: (e) => errors.push(e) });
  const report = await runner.runNow();
  assert.deepEqual(errors, []);
  const byReason = (r: string): number => report.deleted.filter((d) => d.reason === r).length;
  // 2,400 per camera ended 10 hours ago or more; then the oldest 200 left for the quota; and the events-mode camera's, none near an event.
  assert.deepEqual([byReason('age'), byReason('quota'), byReason('not-near-event')], [4800, 200, 10]);
  const continuous = everything.filter((s) => s.cameraId !== 'e');
  assert.deepEqual(
    report.deleted.filter((d) => d.kind === 'segment' && d.cameraId !== 'e').map(keyOf),
    continuous.slice(0, 5000).map((s) => s.id),
    'the 5,000 oldest, in order',
  );
  assert.equal(rows.totals().bytes, 7_000_000);
  assert.deepEqual(rows.ofCamera('e'), []);
});
