import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IngestError } from './frame-source.ts';
import { probe } from './probe.ts';

const exec = promisify(execFile);
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sightline-probe-'));
  await exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
  await exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', join(dir, 'audio.wav')]);
  await writeFile(join(dir, 'random.mp4'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919 + 13) % 251)));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Asserts that `promise` rejects with an IngestError of `code` and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<IngestError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.ok(error instanceof IngestError, `expected IngestError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

test('probe describes a generated video', async () => {
  assert.deepEqual(await probe(join(dir, 'clip.mp4')), { width: 320, height: 240, frameRate: 10, frameCount: 20, duration: 2, codec: 'h264' });
});

test('probe describes the PETS09 sample when the shared data is present', { skip: !existsSync('../shared/data/pets09-s2l1/vtest.avi') }, async () => {
  const info = await probe('../shared/data/pets09-s2l1/vtest.avi');
  assert.equal(info.width, 768);
  assert.equal(info.height, 576);
  assert.equal(info.frameCount, 795);
  assert.equal(info.frameRate, 10);
});

test('probe fails with SOURCE_NOT_FOUND for a missing file', async () => {
  const error = await rejectsWith(probe(join(dir, 'missing.mp4')), 'SOURCE_NOT_FOUND');
  assert.match(error.message, /missing\.mp4/);
});

test('probe fails with INVALID_MEDIA for a file that is not a video', async () => {
  await rejectsWith(probe(join(dir, 'random.mp4')), 'INVALID_MEDIA');
});

test('probe fails with NO_VIDEO_STREAM for an audio-only file', async () => {
  await rejectsWith(probe(join(dir, 'audio.wav')), 'NO_VIDEO_STREAM');
});

test('probe fails with FFMPEG_NOT_FOUND and says how to install it when ffprobe is missing', async () => {
  const error = await rejectsWith(probe(join(dir, 'clip.mp4'), { ffprobePath: join(dir, 'no-such-ffprobe') }), 'FFMPEG_NOT_FOUND');
  assert.match(error.message, /apt-get install ffmpeg/);
  assert.match(error.message, /brew install ffmpeg/);
});

test('probe never puts credentials in its error message', async () => {
  const error = await rejectsWith(probe('rtsp://admin:hunter2@127.0.0.1:9/live', { timeoutMs: 2000 }), 'SOURCE_UNREACHABLE');
  assert.ok(!error.message.includes('hunter2'), error.message);
  assert.ok(!error.message.includes('admin'), error.message);
  assert.match(error.message, /rtsp:\/\/\*\*\*@127\.0\.0\.1:9\/live/);
});
