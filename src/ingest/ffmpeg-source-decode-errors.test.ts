// FfmpegSource.decodeErrors: ffmpeg's error lines while decoding a file, which ends with exit 0
// even when the file is cut short. Real ffmpeg on generated clips.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FfmpegSource, MAX_DECODE_ERROR_LINES } from './ffmpeg-source.ts';

const exec = promisify(execFile);
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sightline-decode-errors-'));
  // Noise compresses badly, so frames are large and a cut lands inside one; +faststart puts the index first, as cameras' MP4s have it.
  await exec('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'nullsrc=size=320x240:rate=10,geq=random(1)*255:128:128', '-t', '3',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', join(dir, 'clip.mp4'),
  ]);
  const whole = await readFile(join(dir, 'clip.mp4'));
  await writeFile(join(dir, 'cut.mp4'), whole.subarray(0, Math.floor(whole.length / 3) + 777));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Decodes every frame of `file`, then returns how many came and the source's decode errors. */
async function decodeAll(file: string): Promise<{ frames: number; errors: FfmpegSource['decodeErrors'] }> {
  const source = new FfmpegSource({ url: file, live: false, size: { width: 32, height: 24 } });
  let frames = 0;
  for await (const frame of source) if (frame.width === 32) frames++;
  return { frames, errors: source.decodeErrors };
}

describe('FfmpegSource.decodeErrors', () => {
  test('a complete file: none', async () => {
    const r = await decodeAll(join(dir, 'clip.mp4'));
    assert.equal(r.frames, 30);
    assert.deepEqual(r.errors, { count: 0, last: [] });
  });

  test('a file cut short: the iterable still ends normally, with fewer frames and the errors counted', async () => {
    const r = await decodeAll(join(dir, 'cut.mp4'));
    assert.ok(r.frames > 0 && r.frames < 30, `part of the frames (${r.frames})`);
    assert.ok(r.errors.count > 0, 'errors counted');
    assert.ok(r.errors.last.length > 0 && r.errors.last.length <= Math.min(r.errors.count, MAX_DECODE_ERROR_LINES), JSON.stringify(r.errors));
    assert.ok(r.errors.last.every((l) => l !== '' && !l.includes('[error]')), `lines without the level tag: ${JSON.stringify(r.errors.last)}`);
  });

  test('before the first frame: none', () => {
    assert.deepEqual(new FfmpegSource({ url: join(dir, 'clip.mp4'), live: false }).decodeErrors, { count: 0, last: [] });
  });
});
