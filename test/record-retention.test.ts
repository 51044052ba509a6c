import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Clock } from '../src/ingest/ffmpeg-source.ts';
import { eventKeepFromStore } from '../src/record/event-keep.ts';
import { RetentionRunner, type RetentionLimits, type RetentionReport } from '../src/record/retention-runner.ts';
import { SegmentIndex, type StoredSegment } from '../src/record/segment-index.ts';
import { segmentPath } from '../src/record/segment-paths.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-retention-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const NOW = Date.UTC(2024, 5, 1, 12);
const S = 1000;
const ROOMY: RetentionLimits = { retentionDays: 14, maxDiskGb: 50, minFreeGb: 0 };

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

let n = 0;
/** A data directory whose cameras have contiguous 10-s segments of `bytes` bytes each, the newest ending at NOW. */
async function fixture(cameras: Record<string, number>, bytes = 1000): Promise<{ dataDir: string; index: SegmentIndex; store: SqliteEventStore; segments: StoredSegment[] }> {
  const dataDir = path.join(TMP, `data-${++n}`);
  const store = new SqliteEventStore(openDatabase(path.join(dataDir, 'sightline.db')));
  const index = new SegmentIndex(store.db);
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
  assert.deepEqual(report.deleted.map((d) => d.id), segments.slice(0, 7).map((s) => s.id), 'the 7 oldest, both cameras interleaved');
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
    limits: { retentionDays: 35 / 86_400, maxDiskGb: 50, minFreeGb: 10 },
    clock: new ManualClock(NOW),
    freeBytes: async (dir) => {
      dirs.push(dir);
      return 10e9 - 2500;
    },
  });
  const report = await runner.runNow();
  assert.deepEqual(dirs, [path.join(dataDir, 'recordings')]);
  assert.equal(report.bytesToFree, 2500);
  assert.deepEqual(report.deleted.map((d) => [d.id, d.reason]), [[segments[0]!.id, 'age'], [segments[1]!.id, 'age'], [segments[2]!.id, 'disk']]);
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
  assert.deepEqual(report.deleted.map((d) => d.id), [segments[1]!.id]);
  assert.deepEqual(index.all().map((s) => s.id), [segments[0]!.id, segments[2]!.id]);
});

test('start() runs at once and then on every timer; runNow joins a run in progress; stop() ends the timer', async (t) => {
  const { dataDir, index, store } = await fixture({ a: 4 });
  t.after(() => store.close());
  const clock = new ManualClock(NOW);
  const reports: RetentionReport[] = [];
  const runner = new RetentionRunner({ dataDir, index, limits: { retentionDays: 15 / 86_400, maxDiskGb: 50, minFreeGb: 0 }, clock, intervalMs: 30_000, onRun: (r) => reports.push(r) });
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
