import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { SightlineError } from '../../src/core/errors.ts';
import type { Frame, FrameSource } from '../../src/ingest/frame-source.ts';
import { processExists } from '../fixtures/process.ts';

/** How the contract asks an implementation to open a file: the output size, and optionally the analysed frame rate. */
export interface FrameSourceOpenOptions {
  readonly size: { readonly width: number; readonly height: number };
  readonly fps?: number;
}

const exec = promisify(execFile);

/** The clips the suite makes: 160x120 at 10 frames/s for 2 s. */
const WIDTH = 160;
const HEIGHT = 120;
const RATE = 10;
const FRAMES = 20;
/** The white square of the pixel clip: its side, and its top-left corner at 0-based frame n is (STEP_X * n, TOP + STEP_Y * n), placed from the frame's time (the overlay filter's own frame count starts at 1 in ffmpeg 5.1). */
const SQUARE = 16;
const STEP_X = 6;
const STEP_Y = 4;
const TOP = 10;
/** A guard so a source that hangs fails its test instead of the run. */
const TIMEOUT_MS = 15_000;

/** Yields to the event loop (and so to I/O) `turns` times, without waiting on the clock. */
async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Reads every frame of a source to its end. */
async function collect(source: FrameSource, slow = false): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of source) {
    frames.push(frame);
    if (slow) await yieldTurns(20);
  }
  return frames;
}

/** The process id an implementation exposes as a numeric `pid` property, if it does. */
function exposedPid(source: FrameSource): number | undefined {
  const pid: unknown = (source as FrameSource & { readonly pid?: unknown }).pid;
  return typeof pid === 'number' ? pid : undefined;
}

/** Asserts that `promise` rejects with a SightlineError whose code is one of `codes`. */
async function rejectsWithCode(promise: Promise<unknown>, codes: readonly string[], what: string): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.ok(error instanceof SightlineError, `${what}: expected a SightlineError, got ${String(error)}`);
  assert.ok(codes.includes(error.code), `${what}: expected code ${codes.join(' or ')}, got ${error.code} (${error.message})`);
}

/** Where the white square's centre is in a frame, or null when no pixel is white. */
function squareCentre(frame: Frame): { x: number; y: number } | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const p = (y * frame.width + x) * 3;
      if (frame.data[p]! > 128 && frame.data[p + 1]! > 128 && frame.data[p + 2]! > 128) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return minX === Infinity ? null : { x: (minX + maxX + 1) / 2, y: (minY + maxY + 1) / 2 };
}

/** Asserts that a frame of the square clip, decoded at `scale` times the source size, shows the square where source frame `frame.index` has it. */
function assertSquareMatchesIndex(frame: Frame, scale: number): void {
  const n = frame.index - 1;
  const expected = { x: (STEP_X * n + SQUARE / 2) * scale, y: (TOP + STEP_Y * n + SQUARE / 2) * scale };
  const seen = squareCentre(frame);
  assert.ok(seen !== null, `frame ${frame.index}: no white square`);
  const tolerance = 1.5;
  assert.ok(Math.abs(seen.x - expected.x) <= tolerance && Math.abs(seen.y - expected.y) <= tolerance,
    `frame ${frame.index}: square centred at (${seen.x}, ${seen.y}), source frame ${frame.index} has it at (${expected.x}, ${expected.y})`);
}

/** Asserts what every frame sequence read from one of the suite's clips holds: size, 1-based increasing source indices, times from them. */
function assertWellFormed(frames: readonly Frame[], size: FrameSourceOpenOptions['size']): void {
  assert.ok(frames.length > 0, 'no frame');
  frames.forEach((f, i) => {
    assert.equal(f.width, size.width, `frame ${f.index}: width`);
    assert.equal(f.height, size.height, `frame ${f.index}: height`);
    assert.ok(f.data instanceof Uint8Array, `frame ${f.index}: data is not a Uint8Array`);
    assert.equal(f.data.length, size.width * size.height * 3, `frame ${f.index}: byte length`);
    assert.ok(Number.isInteger(f.index) && f.index >= 1 && f.index <= FRAMES, `frame ${i + 1} has index ${f.index}, not a source frame number`);
    assert.ok(Number.isFinite(f.time), `frame ${f.index}: time ${f.time}`);
    assert.ok(Math.abs(f.time - (f.index - 1) / RATE) < 1e-3, `frame ${f.index} at ${f.time} s, expected ${(f.index - 1) / RATE} s`);
    const prev = frames[i - 1];
    if (prev !== undefined) {
      assert.ok(f.index > prev.index, `index ${f.index} follows ${prev.index}`);
      assert.ok(f.time >= prev.time, `time ${f.time} follows ${prev.time}`);
    }
  });
  assert.equal(frames[0]!.time, 0, 'the first frame is not at time 0');
}

/**
 * The contract every `FrameSource` implementation passes on files: frames of the requested size,
 * source frame numbers and times, subsampling, end of file, close, typed errors and backpressure.
 * `open` must start nothing that close() or the end of iteration does not release.
 */
export function frameSourceContract(name: string, open: (file: string, options: FrameSourceOpenOptions) => FrameSource): void {
  describe(`FrameSource contract: ${name}`, { timeout: 60_000 }, () => {
    let dir = '';
    let testsrc = '';
    let square = '';

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sightline-frame-source-contract-'));
      testsrc = join(dir, 'testsrc.mp4');
      square = join(dir, 'square.mp4');
      const gen = ['-nostdin', '-hide_banner', '-loglevel', 'error'];
      const out = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '18'];
      const clip = `size=${WIDTH}x${HEIGHT}:rate=${RATE}`;
      await Promise.all([
        exec('ffmpeg', [...gen, '-f', 'lavfi', '-i', `testsrc=${clip}`, '-t', '2', ...out, testsrc]),
        exec('ffmpeg', [...gen,
          '-f', 'lavfi', '-i', `color=c=black:${clip}:duration=2`,
          '-f', 'lavfi', '-i', `color=c=white:size=${SQUARE}x${SQUARE}:rate=${RATE}:duration=2`,
          '-filter_complex', `[0:v][1:v]overlay=x=round(t*${STEP_X * RATE}):y=${TOP}+round(t*${STEP_Y * RATE}):shortest=1`, ...out, square]),
      ]);
      const bytes = await readFile(testsrc);
      await writeFile(join(dir, 'truncated.mp4'), bytes.subarray(0, Math.floor(bytes.length / 2)));
      await writeFile(join(dir, 'noise.mp4'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919 + 13) % 251)));
      await writeFile(join(dir, 'empty.mp4'), Buffer.alloc(0));
    });

    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('yields every frame at the requested size, numbered from 1 with times from 0, then ends', { timeout: TIMEOUT_MS }, async () => {
      for (const size of [{ width: WIDTH, height: HEIGHT }, { width: 80, height: 60 }, { width: 320, height: 240 }, { width: 100, height: 100 }]) {
        const frames = await collect(open(testsrc, { size }));
        assertWellFormed(frames, size);
        assert.deepEqual(frames.map((f) => f.index), Array.from({ length: FRAMES }, (_, i) => i + 1), `${size.width}x${size.height}`);
        assert.ok(frames[0]!.data.some((v) => v > 0), 'the first frame is black');
        assert.notDeepEqual(frames[0]!.data, frames[1]!.data, 'frames 1 and 2 are the same');
      }
    });

    test('frames show the picture of their own source frame, and keep it after later frames arrive', { timeout: TIMEOUT_MS }, async () => {
      for (const scale of [1, 0.5]) {
        const size = { width: WIDTH * scale, height: HEIGHT * scale };
        const frames = await collect(open(square, { size }));
        assertWellFormed(frames, size);
        assert.equal(frames.length, FRAMES);
        for (const f of frames) assertSquareMatchesIndex(f, scale);
      }
    });

    test('the iterable stays ended once it has ended', { timeout: TIMEOUT_MS }, async () => {
      const source = open(testsrc, { size: { width: 80, height: 60 } });
      const iterator = source[Symbol.asyncIterator]();
      let count = 0;
      while (!(await iterator.next()).done) count++;
      assert.equal(count, FRAMES);
      assert.equal((await iterator.next()).done, true);
      await source.close();
    });

    test('fps keeps about that many frames per second, each a source frame with its own number and time', { timeout: TIMEOUT_MS }, async () => {
      for (const fps of [1, 2.5, 3, 5, 10, 30]) {
        const frames = await collect(open(square, { size: { width: WIDTH, height: HEIGHT }, fps }));
        assertWellFormed(frames, { width: WIDTH, height: HEIGHT });
        const expected = Math.min(fps, RATE) * (FRAMES / RATE);
        assert.ok(Math.abs(frames.length - expected) <= 1, `fps ${fps}: ${frames.length} frames, expected about ${expected}`);
        const gap = RATE / Math.min(fps, RATE);
        for (let i = 1; i < frames.length; i++) {
          const step = frames[i]!.index - frames[i - 1]!.index;
          assert.ok(Math.abs(step - gap) < 1 + 1e-9, `fps ${fps}: index ${frames[i - 1]!.index} then ${frames[i]!.index}, expected a step of about ${gap}`);
        }
        for (const f of frames) assertSquareMatchesIndex(f, 1);
      }
    });

    test('breaking out of for await and closing twice releases the source', { timeout: TIMEOUT_MS }, async (t) => {
      const source = open(testsrc, { size: { width: WIDTH, height: HEIGHT } });
      let pid: number | undefined;
      let seen = 0;
      for await (const frame of source) {
        pid ??= exposedPid(source);
        assert.equal(frame.index, ++seen);
        if (seen === 3) break;
      }
      await source.close();
      await source.close();
      if (pid === undefined) t.diagnostic('the implementation exposes no pid: process check skipped');
      else assert.equal(processExists(pid), false, `process ${pid} is still there after close()`);
      assert.equal((await source[Symbol.asyncIterator]().next()).done, true, 'a closed source still yields frames');
    });

    test('closing a source that was never read resolves and leaves nothing running', { timeout: TIMEOUT_MS }, async () => {
      const source = open(testsrc, { size: { width: WIDTH, height: HEIGHT } });
      await source.close();
      await source.close();
      assert.equal(exposedPid(source), undefined, 'a process runs for a source nobody read');
    });

    test('a missing file rejects with SOURCE_NOT_FOUND', { timeout: TIMEOUT_MS }, async () => {
      await rejectsWithCode(collect(open(join(dir, 'missing.mp4'), { size: { width: WIDTH, height: HEIGHT } })), ['SOURCE_NOT_FOUND'], 'missing file');
    });

    test('a corrupt file rejects with INVALID_MEDIA or DECODE_FAILED, and does not hang', { timeout: TIMEOUT_MS }, async () => {
      for (const file of ['noise.mp4', 'truncated.mp4', 'empty.mp4']) {
        await rejectsWithCode(collect(open(join(dir, file), { size: { width: WIDTH, height: HEIGHT } })), ['INVALID_MEDIA', 'DECODE_FAILED'], file);
      }
    });

    test('a slow consumer still gets every frame, in order, intact', { timeout: TIMEOUT_MS }, async () => {
      const frames = await collect(open(square, { size: { width: WIDTH, height: HEIGHT } }), true);
      assert.deepEqual(frames.map((f) => f.index), Array.from({ length: FRAMES }, (_, i) => i + 1));
      assertWellFormed(frames, { width: WIDTH, height: HEIGHT });
      for (const f of frames) assertSquareMatchesIndex(f, 1);
    });
  });
}
