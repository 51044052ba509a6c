/**
 * The recordings timeline's routes through the real app, the server's LocalRecordingService and
 * SQLite, over real MPEG-TS segments cut by ffmpeg from the demo clip: the timeline's recorded
 * stretches, gaps and event marks; playback from any moment as fragmented MP4 across segment
 * boundaries (from the key frame before the moment, its epoch start in a header); a scrubber
 * preview; the list of exports from the audit log; and clear 4xx for bad requests.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createHarness, T0 } from './fixtures/api-harness.ts';
import { seedSegments, SEGMENT_S } from './fixtures/segments.ts';

const SEG_S = SEGMENT_S;

/** Top-level MP4 boxes of a buffer, by type. */
function boxes(mp4: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at + 8 <= mp4.length; ) {
    const size = mp4.readUInt32BE(at);
    types.push(mp4.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return types;
}

test('the timeline shows recorded stretches, the gap between them and the events per bucket', async (t) => {
  const h = await createHarness({ localRecordings: true });
  t.after(() => h.close());
  const start = T0 - 3_600_000;
  const { gapStart, gapEnd, end } = seedSegments(h, start);
  const ev = (id: string, type: 'intrusion' | 'line_crossing', time: number) => ({ id, cameraId: 'A', type, rule: 'door', trackId: 1, class: 'person' as const, startTime: time, endTime: time + 1000, frame: 1, snapshotPath: null });
  await h.store.appendEvents([ev('a1', 'intrusion', start + 1000), { ...ev('d1', 'line_crossing', start + 1500), direction: 'in' as const }, { ...ev('d2', 'line_crossing', start + 9000), direction: 'out' as const }]);
  const viewer = await h.login('viewer');
  const from = start - 10_000;
  const to = end + 10_000;
  const res = await h.app.inject({ url: `/api/cameras/A/timeline?from=${from}&to=${to}&buckets=${(to - from) / 1000}`, headers: h.headers(viewer, false) });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<{ bucketMs: number; spans: { start: number; end: number }[]; marks: { bucket: number; alarms: number; detections: number }[] }>();
  assert.equal(body.bucketMs, 1000);
  assert.deepEqual(body.spans, [
    { start, end: gapStart },
    { start: gapEnd, end },
  ]);
  assert.deepEqual(body.marks, [
    { bucket: 11, alarms: 1, detections: 1 },
    { bucket: 19, alarms: 0, detections: 1 },
  ]);
  // The viewer may not see camera B; a week and more is refused; a range must be a range.
  assert.equal((await h.app.inject({ url: `/api/cameras/B/timeline?from=${from}&to=${to}`, headers: h.headers(viewer, false) })).statusCode, 404);
  const long = await h.app.inject({ url: `/api/cameras/A/timeline?from=${from}&to=${from + 9 * 86_400_000}`, headers: h.headers(viewer, false) });
  assert.equal(long.statusCode, 400);
  assert.match(long.json<{ error: { message: string } }>().error.message, /at most 8 days/);
  assert.equal((await h.app.inject({ url: `/api/cameras/A/timeline?from=${to}&to=${from}`, headers: h.headers(viewer, false) })).statusCode, 400);
  assert.equal((await h.app.inject({ url: `/api/cameras/A/timeline?from=${from}&to=${to}&buckets=0`, headers: h.headers(viewer, false) })).statusCode, 400);
});

test('playback streams fragmented MP4 from the key frame before a moment, across segment boundaries, audited', async (t) => {
  const h = await createHarness({ localRecordings: true });
  t.after(() => h.close());
  const start = T0 - 3_600_000;
  const { gapStart, end } = seedSegments(h, start);
  const viewer = await h.login('viewer');
  // From 2.5 s into the first segment to 2 s into the second: one stream over the boundary.
  const res = await h.app.inject({ url: `/api/cameras/A/playback.mp4?from=${start + 2500}&to=${start + SEG_S * 1000 + 2000}`, headers: h.headers(viewer, false) });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.match(String(res.headers['content-type']), /^video\/mp4/);
  assert.match(String(res.headers['x-sightline-codec']), /^avc1\.[0-9a-f]{6}$/i);
  const first = Number(res.headers['x-sightline-start']);
  assert.ok(first >= start && first <= start + 2500, `starts on a key frame at or before the moment (${first - start} ms in)`);
  const frameSeconds = Number(res.headers['x-sightline-frame-seconds']);
  assert.ok(frameSeconds > 0.01 && frameSeconds < 0.5, `frame spacing ${frameSeconds} s`);
  const mp4 = res.rawPayload;
  const types = boxes(mp4);
  assert.deepEqual(types.slice(0, 2), ['ftyp', 'moov']);
  assert.ok(types.filter((b) => b === 'moof').length >= 2, `fragments: ${types.join(',')}`);
  const file = path.join(h.dir, 'played.mp4');
  writeFileSync(file, mp4);
  const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
  const wanted = (start + SEG_S * 1000 + 2000 - first) / 1000;
  assert.ok(Math.abs(seconds - wanted) < 0.5, `plays ${seconds} s across the boundary (asked ${wanted.toFixed(2)} s from its key frame)`);
  const entry = h.audit.list({ action: 'playback' }).at(-1);
  assert.deepEqual([entry?.actor, entry?.target, entry?.details.startTime], ['viewer', 'A', first]);

  // From inside the gap, playback starts where the recording does again.
  const afterGap = await h.app.inject({ url: `/api/cameras/A/playback.mp4?from=${gapStart + 1000}&to=${end}`, headers: h.headers(viewer, false) });
  assert.equal(afterGap.statusCode, 200);
  assert.ok(Number(afterGap.headers['x-sightline-start']) >= gapStart + 1000, 'a moment in a gap plays from the next recorded one');

  // Bad requests: nothing recorded, too long, reversed, a camera the viewer may not see.
  const none = await h.app.inject({ url: `/api/cameras/A/playback.mp4?from=${T0}&to=${T0 + 60_000}`, headers: h.headers(viewer, false) });
  assert.equal(none.statusCode, 404);
  assert.equal(none.json<{ error: { code: string } }>().error.code, 'RECORDING_NOT_FOUND');
  const long = await h.app.inject({ url: `/api/cameras/A/playback.mp4?from=${start}&to=${start + 2 * 3_600_000}`, headers: h.headers(viewer, false) });
  assert.equal(long.statusCode, 400);
  assert.match(long.json<{ error: { message: string } }>().error.message, /at most 60 minutes/);
  assert.equal((await h.app.inject({ url: `/api/cameras/A/playback.mp4?from=${end}&to=${start}`, headers: h.headers(viewer, false) })).statusCode, 400);
  assert.equal((await h.app.inject({ url: `/api/cameras/B/playback.mp4?from=${start}&to=${end}`, headers: h.headers(viewer, false) })).statusCode, 404);
});

test('a preview is a small JPEG of the moment, audited once a minute per minute of video; exports are listed from the audit log', async (t) => {
  const h = await createHarness({ localRecordings: true });
  t.after(() => h.close());
  const start = T0 - 3_600_000;
  const { gapStart, end } = seedSegments(h, start);
  const viewer = await h.login('viewer');
  const at = start + 5000;
  const res = await h.app.inject({ url: `/api/cameras/A/preview.jpg?at=${at}&width=160`, headers: h.headers(viewer, false) });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.equal(res.headers['content-type'], 'image/jpeg');
  assert.equal(Number(res.headers['x-sightline-time']), at);
  assert.deepEqual([res.rawPayload[0], res.rawPayload[1]], [0xff, 0xd8]);
  const width = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width', '-of', 'csv=p=0', '-i', 'pipe:0'], { input: res.rawPayload, encoding: 'utf8' }).trim());
  assert.equal(width, 160);
  const again = await h.app.inject({ url: `/api/cameras/A/preview.jpg?at=${at + 300}&width=160`, headers: h.headers(viewer, false) });
  assert.equal(again.statusCode, 200, again.body.slice(0, 300));
  assert.equal(h.audit.list({ action: 'preview' }).length, 1, 'scrubbing within one minute of video is one audit entry');
  assert.equal((await h.app.inject({ url: `/api/cameras/A/preview.jpg?at=${gapStart + 2000}`, headers: h.headers(viewer, false) })).statusCode, 404, 'no picture in a gap');
  assert.equal((await h.app.inject({ url: `/api/cameras/A/preview.jpg?at=${at}&width=5000`, headers: h.headers(viewer, false) })).statusCode, 400);
  assert.deepEqual(readdirSync(path.join(h.dir, 'exports')), [], 'no preview file is left behind');

  // Exports: the operator's own, newest first; the viewer may not export, so has no list.
  const operator = await h.login('operator');
  for (const [from, to] of [[start, start + 3000], [start + 4000, end]] as const) {
    const exp = await h.app.inject({ url: `/api/cameras/A/export.mp4?from=${from}&to=${to}`, headers: h.headers(operator, false) });
    assert.equal(exp.statusCode, 200);
  }
  const list = await h.app.inject({ url: '/api/exports', headers: h.headers(operator, false) });
  assert.equal(list.statusCode, 200, list.body);
  const exports = list.json<{ exports: { actor: string; cameraId: string; details: { from: number; to: number }; hash: string }[] }>().exports;
  assert.deepEqual(exports.map((e) => [e.actor, e.cameraId, e.details.from]), [['operator', 'A', start + 4000], ['operator', 'A', start]]);
  assert.match(exports[0]!.hash, /^[0-9a-f]{64}$/);
  const admin = await h.login('admin');
  assert.equal((await h.app.inject({ url: '/api/exports', headers: h.headers(admin, false) })).json<{ exports: unknown[] }>().exports.length, 2);
  assert.equal((await h.app.inject({ url: '/api/exports', headers: h.headers(viewer, false) })).statusCode, 403);
});
