import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../src/core/errors.ts';
import { concatScript, latestKey } from '../src/record/export-range.ts';
import { LocalRecordingService } from '../src/record/recording-service.ts';
import type { SegmentIndex, StoredSegment } from '../src/store/segment-index.ts';
import { SqliteSegmentIndex } from '../src/store/sqlite-segment-index.ts';
import { segmentPath } from '../src/record/segment-paths.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';

const DEMO = path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-export-'));
const DATA = path.join(TMP, 'data');
const T0 = Date.UTC(2024, 2, 10, 8);
const LIMITS = { maxExportHours: 0.01, maxDiskGb: 2 };
let store: SqliteEventStore;
let index: SegmentIndex;
let service: LocalRecordingService;
let demo: StoredSegment[] = [];

/**
 * Cuts `input` into MPEG-TS segments of about 2 s as the recorder does and indexes them for `cameraId`
 * from `t0` on, with the times ffmpeg's segment list gives.
 */
function record(input: string[], cameraId: string, t0: number): StoredSegment[] {
  const work = path.join(TMP, `cut-${cameraId}`);
  mkdirSync(work, { recursive: true });
  const r = spawnSync('ffmpeg', ['-v', 'error', ...input, '-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_time', '2', '-segment_format', 'mpegts', '-reset_timestamps', '1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv', path.join(work, '%03d.ts')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((line) => {
    const [name, start, end] = line.split(',') as [string, string, string];
    const startTime = t0 + Math.round(Number(start) * 1000);
    const rel = segmentPath(cameraId, startTime);
    mkdirSync(path.dirname(path.join(DATA, rel)), { recursive: true });
    copyFileSync(path.join(work, name), path.join(DATA, rel));
    const bytes = statSync(path.join(DATA, rel)).size;
    return index.add({ cameraId, path: rel, startTime, endTime: t0 + Math.round(Number(end) * 1000), bytes });
  });
}

function probe(file: string): { duration: number; format: string; frames: number } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'format=duration,format_name:stream=nb_read_packets', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { format: { duration: string; format_name: string }; streams: Array<{ nb_read_packets: string }> };
  return { duration: Number(j.format.duration), format: j.format.format_name, frames: Number(j.streams[0]?.nb_read_packets) };
}

async function rejectsCode(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SightlineError, String(e));
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  store = new SqliteEventStore(openDatabase(path.join(DATA, 'sightline.db')));
  for (const id of ['cam', 'gop1', 'bad']) await store.addCamera({ id, name: id, url: `rtsp://cam/${id}` });
  index = new SqliteSegmentIndex(store.db);
  service = new LocalRecordingService({ dataDir: DATA, index, limits: LIMITS });
  demo = record(['-i', DEMO, '-t', '10'], 'cam', T0);
});
after(async () => {
  await store.close();
  rmSync(TMP, { recursive: true, force: true });
});

test('the demo clip was cut into 2-s segments that start on key frames', () => {
  assert.ok(demo.length >= 4, `${demo.length} segments`);
  for (const [i, s] of demo.entries()) if (i > 0) assert.equal(s.startTime, demo[i - 1]!.endTime);
});

test('exportRange over several segments gives one MP4 as long as the range, give or take a segment', async () => {
  const cases: Array<[number, number]> = [
    [1000, 7000], // from inside the first segment to inside the fourth
    [demo[1]!.startTime - T0, demo[3]!.endTime - T0], // exactly three segments
    [2500, 3500], // inside one segment
    [-20_000, 3000], // from before the recording
  ];
  for (const [fromOff, toOff] of cases) {
    const from = T0 + fromOff;
    const to = T0 + toOff;
    const { file, bytes } = await service.exportRange('cam', from, to);
    try {
      assert.equal(path.dirname(file), path.join(DATA, 'exports'));
      assert.equal(statSync(file).size, bytes);
      const info = probe(file);
      assert.match(info.format, /mp4/);
      const covered = (Math.min(to, demo.at(-1)!.endTime) - Math.max(from, T0)) / 1000;
      // It starts on the key frame at or before `from` (the demo has one per 2-s segment) and ends at `to`.
      assert.ok(info.duration >= covered - 0.25 && info.duration <= covered + 2.25, `[${fromOff}, ${toOff}): ${info.duration} s for ${covered} s`);
      assert.ok(info.frames >= covered * 10 - 3 && info.frames <= (covered + 2.25) * 10, `${info.frames} frames at 10 fps for ${covered} s`);
      const decoded = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
      assert.equal(decoded.status, 0, decoded.stderr);
    } finally {
      rmSync(file, { force: true });
    }
  }
  assert.deepEqual(readdirSync(path.join(DATA, 'exports')), [], 'no concat script is left behind');
});

test('with a key frame every second, the export starts at the one before `from`', async (t) => {
  const encoders = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).stdout;
  if (!/libx264/.test(encoders)) return t.skip('ffmpeg has no libx264 to make the clip');
  const clip = path.join(TMP, 'gop1.mp4');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '8', '-c:v', 'libx264', '-g', '10', '-bf', '2', '-pix_fmt', 'yuv420p', '-y', clip], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const segments = record(['-i', clip], 'gop1', T0);
  const first = segments[0]!;
  // From 1.5 s into the first segment: the export starts at the key frame 1 s into it (about 3.5 s long, plus the
  // 0.2 s of B-frame delay), not at the one at 0 s (4.5 s) nor at 2 s (2.5 s).
  const from = first.startTime + 1500;
  const to = from + 3000;
  const { file } = await service.exportRange('gop1', from, to);
  t.after(() => rmSync(file, { force: true }));
  const info = probe(file);
  assert.ok(info.duration >= 3.3 && info.duration <= 4.0, `${info.duration} s`);
});

test('bad ranges give the right codes', async (t) => {
  const cases: Array<[string, string, number, number, ErrorCode, RegExp?]> = [
    ['empty range', 'cam', T0 + 5000, T0 + 5000, 'STORE_INPUT_INVALID'],
    ['reversed range', 'cam', T0 + 5000, T0 + 1000, 'STORE_INPUT_INVALID'],
    ['fractional time', 'cam', T0 + 0.5, T0 + 1000, 'STORE_INPUT_INVALID'],
    ['negative time', 'cam', -1, T0, 'STORE_INPUT_INVALID'],
    ['longer than maxExportHours (36 s)', 'cam', T0, T0 + 36_001, 'EXPORT_TOO_LONG', /0\.01 hours/],
    ['before the recording', 'cam', T0 - 20_000, T0, 'RECORDING_NOT_FOUND'],
    ['after the recording', 'cam', T0 + 20_000, T0 + 30_000, 'RECORDING_NOT_FOUND'],
    ['unknown camera', 'nope', T0, T0 + 5000, 'RECORDING_NOT_FOUND'],
  ];
  for (const [name, camera, from, to, code, message] of cases) {
    await t.test(name, async () => {
      await rejectsCode(service.exportRange(camera, from, to), code, message).catch((e: unknown) => assert.fail(`${name}: ${String(e)}`));
    });
  }
  await service.exportRange('cam', T0, T0 + 36_000).then(({ file }) => rmSync(file));
});

test('a segment ffmpeg cannot read, or no ffmpeg, gives EXPORT_FAILED with its last lines and leaves no file', async () => {
  const rel = segmentPath('bad', T0);
  mkdirSync(path.dirname(path.join(DATA, rel)), { recursive: true });
  writeFileSync(path.join(DATA, rel), Buffer.alloc(10_000, 0x42));
  index.add({ cameraId: 'bad', path: rel, startTime: T0, endTime: T0 + 2000, bytes: 10_000 });
  await rejectsCode(service.exportRange('bad', T0, T0 + 1000), 'EXPORT_FAILED', /could not join 1 segment.*exit code/);
  const noFfmpeg = new LocalRecordingService({ dataDir: DATA, index, limits: LIMITS, ffmpegPath: path.join(TMP, 'no-ffmpeg') });
  await rejectsCode(noFfmpeg.exportRange('cam', T0, T0 + 3000), 'EXPORT_FAILED', /not found/);
  assert.deepEqual(readdirSync(path.join(DATA, 'exports')), []);
});

test('listSegments, segmentFile and usage', async () => {
  const listed = await service.listSegments('cam', T0 + 1000, T0 + 3000);
  assert.deepEqual(listed, demo.slice(0, 2).map(({ path: _p, ...info }) => info));
  assert.deepEqual(await service.segmentFile('cam', demo[0]!.id), { file: path.join(DATA, demo[0]!.path), startTime: demo[0]!.startTime });
  assert.equal(await service.segmentFile('gop1', demo[0]!.id), null, 'another camera');
  assert.equal(await service.segmentFile('cam', 987_654), null, 'no such segment');
  const outside = index.add({ cameraId: 'cam', path: '../outside.ts', startTime: T0 + 100_000, endTime: T0 + 102_000, bytes: 1 });
  writeFileSync(path.join(DATA, '..', 'outside.ts'), 'x');
  assert.equal(await service.segmentFile('cam', outside.id), null, 'outside the data directory');
  const gone = index.add({ cameraId: 'cam', path: segmentPath('cam', T0 + 200_000), startTime: T0 + 200_000, endTime: T0 + 202_000, bytes: 1 });
  assert.equal(await service.segmentFile('cam', gone.id), null, 'file missing');
  assert.equal(existsSync(path.join(DATA, gone.path)), false);
  const totals = index.totals();
  assert.deepEqual(await service.usage(), { bytes: totals.bytes, segments: totals.segments, quotaBytes: 2e9 });
  index.delete(outside.id);
  index.delete(gone.id);
});

test('concat scripts quote paths and key frames are read from ffprobe packets', () => {
  assert.equal(concatScript(['/a/b.ts', "/it's/c.ts"]), "ffconcat version 1.0\nfile '/a/b.ts'\nfile '/it'\\''s/c.ts'\n");
  const json = JSON.stringify({
    packets: [{ pts_time: '1.6', flags: 'K_' }, { pts_time: '1.8', flags: '__' }, { pts_time: '2.6', flags: 'K_' }, { pts_time: '3.6', flags: 'K_' }],
    format: { start_time: '1.6' },
  });
  assert.deepEqual([0, 0.5, 1, 1.5, 2.5, 9].map((t) => latestKey(json, t)), [0, 0, 1, 1, 2, 2]);
  assert.equal(latestKey('not json', 3), 0);
});
