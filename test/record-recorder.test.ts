import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { Recorder, type RecorderState } from '../src/record/recorder.ts';
import { recoverSegments, TS_PACKET_BYTES } from '../src/record/recover-segments.ts';
import type { SegmentIndex, StoredSegment } from '../src/store/segment-index.ts';
import { SqliteSegmentIndex } from '../src/store/sqlite-segment-index.ts';
import { incomingFolder, segmentPath } from '../src/record/segment-paths.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';
import { processExists } from './fixtures/process.ts';

const DEMO = path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-record-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const FAST_BACKOFF = { baseMs: 100, maxMs: 400, jitter: 0.5 };

let n = 0;
/** A fresh data directory with a database holding camera `cam`. */
async function fixture(): Promise<{ dataDir: string; db: Database; index: SegmentIndex }> {
  const dataDir = path.join(TMP, `data-${++n}`);
  const db = openDatabase(path.join(dataDir, 'sightline.db'));
  await new SqliteEventStore(db).addCamera({ id: 'cam', name: `Cam ${n}`, url: DEMO });
  return { dataDir, db, index: new SqliteSegmentIndex(db) };
}

/** Polls `check` every 50 ms until it returns true or `ms` pass. */
async function waitFor(what: string, ms: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** ffprobe's duration of a file in seconds, or null when it cannot read it. */
function probeSeconds(file: string): number | null {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const d = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(d) ? d : null;
}

/** How many frames ffmpeg decodes from the file (it must exit 0; a frame cut off at the end may be reported as damaged). */
function decodedFrames(file: string): number {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framecrc', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ffmpeg decodes ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}

function checkFiles(dataDir: string, segments: readonly StoredSegment[]): void {
  for (const s of segments) {
    const file = path.join(dataDir, s.path);
    assert.equal(statSync(file).size, s.bytes, `${s.path}: indexed size`);
    assert.equal(s.bytes % TS_PACKET_BYTES, 0, `${s.path}: whole TS packets`);
    const seconds = probeSeconds(file);
    assert.ok(seconds !== null, `ffprobe reads ${s.path}`);
    assert.ok(Math.abs(seconds * 1000 - (s.endTime - s.startTime)) < 300, `${s.path}: ffprobe ${seconds} s vs indexed ${s.endTime - s.startTime} ms`);
  }
}

test('records the looped demo clip into contiguous, indexed 2-s segments and finishes the last one on stop', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  const states: RecorderState[] = [];
  const errors: string[] = [];
  const began = Date.now();
  const recorder = new Recorder({ dataDir, cameraId: 'cam', url: DEMO, index, segmentSeconds: 2, onState: (s) => states.push(s), onError: (e) => errors.push(e) });
  t.after(() => recorder.stop());
  recorder.start();
  await waitFor('two segments', 12_000, () => index.totals().segments >= 2);
  const pid = recorder.pid;
  assert.ok(pid !== undefined);
  await recorder.stop();
  const ended = Date.now();
  assert.equal(processExists(pid), false, 'ffmpeg is gone');

  const segments = index.ofCamera('cam');
  assert.ok(segments.length >= 3, `the last, shorter segment is indexed on stop too (${segments.length})`);
  assert.deepEqual(states.map((s) => s.kind), ['starting', 'recording', 'stopped']);
  assert.deepEqual(errors, []);
  const first = segments[0]!;
  // The clock follows when segments are reported finished (recorder.ts), and ffmpeg reads a file at its native rate a little ahead: a few hundred ms early at most.
  assert.ok(first.startTime >= began - 600 && first.startTime <= began + 2000, `first start ${first.startTime - began} ms after start()`);
  // ffmpeg -re reads the first half second or so of a file at once, so a file's times run a little ahead of the clock.
  assert.ok(segments.at(-1)!.endTime <= ended + 1000, `the last segment ends ${segments.at(-1)!.endTime - ended} ms after stop`);
  for (const [i, s] of segments.entries()) {
    assert.equal(s.path, segmentPath('cam', s.startTime));
    if (i > 0) assert.ok(Math.abs(s.startTime - segments[i - 1]!.endTime) <= 500, `segment ${i} follows the previous one`);
    if (i < segments.length - 1) assert.ok(Math.abs(s.endTime - s.startTime - 2000) <= 400, `segment ${i} lasts ${s.endTime - s.startTime} ms`);
  }
  checkFiles(dataDir, segments);
  assert.deepEqual(readdirSync(path.join(dataDir, incomingFolder('cam'))), [], 'nothing is left in incoming');
});

test('a killed ffmpeg is restarted on its own and its unfinished segment is indexed and plays', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  const states: RecorderState[] = [];
  const recorder = new Recorder({ dataDir, cameraId: 'cam', url: DEMO, index, segmentSeconds: 2, backoff: FAST_BACKOFF, onState: (s) => states.push(s) });
  t.after(() => recorder.stop());
  recorder.start();
  await waitFor('a first segment', 8000, () => index.totals().segments >= 1);
  await new Promise((r) => setTimeout(r, 900));
  const killed = recorder.pid!;
  process.kill(killed, 'SIGKILL');
  await waitFor('a new ffmpeg', 8000, () => recorder.pid !== undefined && recorder.pid !== killed && states.at(-1)?.kind === 'recording');
  const afterKill = index.ofCamera('cam');
  assert.equal(afterKill.length, 2, 'the finished segment and the killed one');
  const [whole, partial] = afterKill as [StoredSegment, StoredSegment];
  assert.equal(partial.startTime, whole.endTime, 'the partial segment starts where the finished one ended');
  assert.ok(partial.endTime - partial.startTime > 300 && partial.endTime - partial.startTime < 2100, `partial lasts ${partial.endTime - partial.startTime} ms`);
  checkFiles(dataDir, afterKill);
  const frames = decodedFrames(path.join(dataDir, partial.path));
  assert.ok(Math.abs(frames - (partial.endTime - partial.startTime) / 100) <= 3, `the partial file plays: ${frames} frames at 10 fps`);
  const retry = states.find((s) => s.kind === 'retrying');
  assert.ok(retry?.kind === 'retrying' && /SIGKILL/.test(retry.reason), JSON.stringify(retry));

  await waitFor('a segment of the new run', 8000, () => index.totals().segments >= 3);
  await recorder.stop();
  const segments = index.ofCamera('cam');
  for (const [i, s] of segments.entries()) if (i > 0) assert.ok(s.startTime >= segments[i - 1]!.endTime - 100, `segment ${i} does not overlap the previous`);
  checkFiles(dataDir, segments);
});

test('a stream that sends nothing is restarted after the stall time, and credentials never reach a state or error', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  const sockets = new Set<Socket>();
  const server: Server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    res.write(Buffer.alloc(0));
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const states: RecorderState[] = [];
  const errors: string[] = [];
  const url = `http://viewer:hunter2secret@127.0.0.1:${port}/live.ts?token=tok3nvalue`;
  const recorder = new Recorder({ dataDir, cameraId: 'cam', url, index, segmentSeconds: 2, stallMs: 1200, killGraceMs: 1000, backoff: FAST_BACKOFF, onState: (s) => states.push(s), onError: (e) => errors.push(e) });
  t.after(() => recorder.stop());
  recorder.start();
  await waitFor('a restart after the stall', 8000, () => states.some((s) => s.kind === 'retrying'));
  await recorder.stop();
  const retry = states.find((s) => s.kind === 'retrying');
  assert.ok(retry?.kind === 'retrying' && /stalled/.test(retry.reason), JSON.stringify(retry));
  const shown = JSON.stringify({ states, errors });
  for (const secret of ['hunter2secret', 'viewer', 'tok3nvalue']) assert.ok(!shown.includes(secret), `${secret} leaked: ${shown}`);
  assert.equal(index.totals().segments, 0);
});

test('a refused camera is retried with backoff and its reason is redacted', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  // A port that was free a moment ago: connections to it are refused.
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  const states: RecorderState[] = [];
  const url = `rtsp://admin:s3cr3t-pass@127.0.0.1:${port}/stream1`;
  const recorder = new Recorder({ dataDir, cameraId: 'cam', url, index, segmentSeconds: 2, backoff: FAST_BACKOFF, timeoutMs: 2000, onState: (s) => states.push(s) });
  t.after(() => recorder.stop());
  recorder.start();
  await waitFor('two retries', 8000, () => states.filter((s) => s.kind === 'retrying').length >= 2);
  await recorder.stop();
  const retries = states.filter((s) => s.kind === 'retrying');
  assert.deepEqual(retries.map((s) => s.kind === 'retrying' && s.attempt).slice(0, 2), [1, 2]);
  for (const r of retries) assert.ok(r.kind === 'retrying' && r.delayMs <= FAST_BACKOFF.maxMs);
  const shown = JSON.stringify(states);
  assert.ok(!shown.includes('s3cr3t-pass') && !shown.includes('admin'), shown);
  assert.equal(states.at(-1)?.kind, 'stopped');
});

test('recoverSegments indexes readable left-overs (cut to whole packets) and deletes unreadable ones', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  const incoming = path.join(dataDir, incomingFolder('cam'));
  mkdirSync(incoming, { recursive: true });
  const source = path.join(TMP, `clip-${n}.ts`);
  const made = spawnSync('ffmpeg', ['-v', 'error', '-i', DEMO, '-t', '4', '-c', 'copy', '-f', 'mpegts', '-y', source]);
  assert.equal(made.status, 0, made.stderr?.toString());
  const clip = readFileSync(source);
  const T0 = Date.UTC(2024, 4, 1, 12);
  // A finished file whose row was lost, named by its start.
  const named = path.join(dataDir, segmentPath('cam', T0));
  mkdirSync(path.dirname(named), { recursive: true });
  writeFileSync(named, clip);
  // Run T0 + 10 s: segment 0 whole, segment 1 cut mid-packet (ffmpeg killed), an empty segment 2 and garbage.
  const run = T0 + 10_000;
  writeFileSync(path.join(incoming, `${run}-00000.ts`), clip);
  const cut = path.join(incoming, `${run}-00001.ts`);
  writeFileSync(cut, clip.subarray(0, Math.floor(clip.length / 2) + 77));
  writeFileSync(path.join(incoming, `${run}-00002.ts`), '');
  writeFileSync(path.join(incoming, `${run + 1}-00000.ts`), Buffer.alloc(4096, 0x5a));
  writeFileSync(path.join(incoming, 'notes.txt'), 'not a segment');
  // seq 0 of a run has no predecessor: it ends at its last write
  utimesSync(path.join(incoming, `${run}-00000.ts`), new Date(run + 6000), new Date(run + 6000));

  const report = await recoverSegments(dataDir, 'cam', index);
  assert.deepEqual(report.failed, []);
  assert.deepEqual([...report.deleted].sort(), [`${incomingFolder('cam')}/${run}-00002.ts`, `${incomingFolder('cam')}/${run + 1}-00000.ts`]);
  const segments = index.ofCamera('cam');
  assert.equal(segments.length, 3);
  const [a, b, c] = segments as [StoredSegment, StoredSegment, StoredSegment];
  assert.equal(a.startTime, T0);
  assert.equal(a.path, segmentPath('cam', T0));
  assert.ok(Math.abs(a.endTime - a.startTime - 4000) < 300, `${a.endTime - a.startTime}`);
  assert.equal(b.startTime, run + 6000 - (b.endTime - b.startTime), 'seq 0 ends at its last write');
  assert.equal(c.startTime, b.endTime, 'seq 1 follows seq 0');
  assert.ok(c.endTime - c.startTime > 500 && c.endTime - c.startTime < 3500, `${c.endTime - c.startTime}`);
  checkFiles(dataDir, segments);
  const frames = decodedFrames(path.join(dataDir, c.path));
  assert.ok(Math.abs(frames - (c.endTime - c.startTime) / 100) <= 3, `the cut file plays: ${frames} frames at 10 fps`);
  assert.deepEqual(readdirSync(incoming), ['notes.txt']);
  assert.ok(existsSync(path.join(dataDir, c.path)));
  // Running it again finds nothing to do.
  assert.deepEqual(await recoverSegments(dataDir, 'cam', index), { indexed: [], deleted: [], failed: [] });
});

test('a missing ffmpeg is reported and retried; stop() before start() and twice is fine', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  const states: RecorderState[] = [];
  const recorder = new Recorder({ dataDir, cameraId: 'cam', url: DEMO, index, segmentSeconds: 2, ffmpegPath: path.join(TMP, 'no-such-ffmpeg'), backoff: FAST_BACKOFF, onState: (s) => states.push(s) });
  t.after(() => recorder.stop());
  recorder.start();
  recorder.start();
  await waitFor('a retry', 5000, () => states.some((s) => s.kind === 'retrying'));
  await Promise.all([recorder.stop(), recorder.stop()]);
  const retry = states.find((s) => s.kind === 'retrying');
  assert.ok(retry?.kind === 'retrying' && /ffmpeg not found or not executable/.test(retry.reason), JSON.stringify(retry));
  assert.equal(states.filter((s) => s.kind === 'stopped').length, 1);
  const idle = new Recorder({ dataDir, cameraId: 'cam', url: DEMO, index, segmentSeconds: 2 });
  await idle.stop();
  idle.start();
  assert.equal(idle.pid, undefined);
  assert.deepEqual(idle.state, { kind: 'stopped' });
  assert.throws(() => new Recorder({ dataDir, cameraId: '../x', url: DEMO, index, segmentSeconds: 2 }), /cannot name a recordings folder/);
});

test('a segment ffmpeg lists but could not write (0 bytes) is deleted, not indexed', async (t) => {
  const { dataDir, db, index } = await fixture();
  t.after(() => db.close());
  // A stand-in for ffmpeg cut off as it opened a segment: it creates the file, lists it, and exits.
  const fake = path.join(TMP, 'ffmpeg-empty-segment.sh');
  writeFileSync(fake, '#!/bin/sh\nfor a; do last=$a; done\nf=$(printf "$last" 0)\n: > "$f"\necho "$(basename "$f"),0.000000,2.000000"\nexit 1\n', { mode: 0o755 });
  const states: RecorderState[] = [];
  const recorder = new Recorder({ dataDir, cameraId: 'cam', url: DEMO, index, segmentSeconds: 2, ffmpegPath: fake, backoff: FAST_BACKOFF, onState: (s) => states.push(s) });
  t.after(() => recorder.stop());
  recorder.start();
  await waitFor('the run to end', 10_000, () => states.some((s) => s.kind === 'retrying'));
  await recorder.stop();
  assert.equal(index.latest('cam'), null, 'no segment indexed');
  const left = readdirSync(path.join(dataDir, 'recordings', 'cam'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  assert.deepEqual(left, [], 'the empty file is gone');
});
