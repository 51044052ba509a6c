/**
 * Redaction of a playback stream while it plays (src/media/redacted-playback.ts), with real ffmpeg
 * over a real segment: the redacted stream starts with the frame shown at the moment asked for
 * (the frames before it from the key frame on are decoded, not sent), says that frame's time, and
 * decodes; a moment past the stream's end shows its last frame; frames far from any analysed frame
 * are pixelated all over (fail-closed).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Readable } from 'node:stream';
import { redactPlayback } from '../src/media/redacted-playback.ts';
import { playParts } from '../src/record/playback.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-redacted-playback-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const segment = path.join(dir, 'seg.ts');
execFileSync('ffmpeg', ['-v', 'error', '-i', DEMO_CLIP, '-t', '4', '-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', segment]);
const T = 1_700_000_000_000;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const frames = (file: string): number => Number(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());

test('the redacted stream starts at the frame of the moment asked for, says its time, and decodes', { timeout: 60_000 }, async () => {
  const all = await playParts([{ file: segment, startTime: T, endTime: T + 4000 }], T, T + 4000, path.join(dir, 'a.ffconcat'));
  const whole = path.join(dir, 'whole.mp4');
  writeFileSync(whole, await bytesOf(all.stream));
  const total = frames(whole);

  const played = await playParts([{ file: segment, startTime: T, endTime: T + 4000 }], T + 2000, T + 4000, path.join(dir, 'b.ffconcat'));
  const asked: number[] = [];
  const red = await redactPlayback({ cameraId: 'A', stream: played.stream, time: played.startTime, from: T + 2000, frameSeconds: played.frameSeconds }, { boxes: (_c, from, to) => (asked.push(from, to), []) });
  assert.match(red.codec, /^avc1\./);
  assert.ok(red.time <= T + 2000 && red.time > T + 2000 - played.frameSeconds * 1000 - 1, `the first frame is the one shown at the moment (${red.time - T} ms in, a frame every ${played.frameSeconds} s)`);
  const file = path.join(dir, 'red.mp4');
  writeFileSync(file, await bytesOf(red.stream));
  const sent = frames(file);
  const expected = Math.round((T + 4000 - red.time) / 1000 / played.frameSeconds);
  assert.ok(Math.abs(sent - expected) <= 2, `${sent} frames from the moment on (${expected} expected, ${total} in the whole stream)`);
  assert.ok(asked.length > 0, 'the boxes around the moment were read');
  // No analysed frame near: every block is one flat colour, the picture pixelated all over.
  const grey = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', 'scale=64:48', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
  const orig = execFileSync('ffmpeg', ['-v', 'error', '-i', whole, '-frames:v', '1', '-vf', 'scale=64:48', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
  assert.notDeepEqual(grey, orig);
});

test('a moment past the end of the stream shows its last frame', { timeout: 60_000 }, async () => {
  const played = await playParts([{ file: segment, startTime: T, endTime: T + 4000 }], T, T + 1000, path.join(dir, 'c.ffconcat'));
  const red = await redactPlayback({ cameraId: 'A', stream: played.stream, time: played.startTime, from: T + 60_000, frameSeconds: played.frameSeconds }, { boxes: () => [] });
  const file = path.join(dir, 'last.mp4');
  writeFileSync(file, await bytesOf(red.stream));
  assert.equal(frames(file), 1);
  assert.ok(red.time > T + 500 && red.time <= T + 1500, `the last frame of the stream (${red.time - T} ms in)`);
});
