import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { chmod, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BufferPool } from '../core/buffer-pool.ts';
import { fitGeometry } from './ffmpeg-args.ts';
import { backoffDelay, FfmpegSource, grabFrame, type Clock, type FfmpegSourceOptions } from './ffmpeg-source.ts';
import { IngestError, type Frame, type SourceState } from './frame-source.ts';
import { processExists } from '../../test/fixtures/process.ts';

const exec = promisify(execFile);
let dir = '';
let clip = '';
let tsBytes: Buffer = Buffer.alloc(0);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sightline-ffmpeg-source-'));
  clip = join(dir, 'clip.mp4');
  const gen = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i'];
  await exec('ffmpeg', [...gen, 'testsrc=size=320x240:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', clip]);
  await exec('ffmpeg', [...gen, 'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'mpeg2video', '-f', 'mpegts', join(dir, 'live.ts')]);
  tsBytes = await readFile(join(dir, 'live.ts'));
  await writeFile(join(dir, 'random.mp4'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919 + 13) % 251)));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Reads every frame of a source. */
async function collect(options: FfmpegSourceOptions): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of new FfmpegSource(options)) frames.push(frame);
  return frames;
}

/** Asserts that `promise` rejects with an IngestError of `code` and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<IngestError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.ok(error instanceof IngestError, `expected IngestError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

/** ffmpeg arguments for an endless synthetic source, for tests that need a source that never ends. */
function endlessArgs(): string[] {
  return ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
    '-vf', 'format=rgb24,showinfo@out=checksum=0', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'];
}

/** Records state changes and lets a test await the next one that matches. */
class StateLog {
  readonly states: SourceState[] = [];
  private waiters: Array<{ match: (s: SourceState) => boolean; resolve: () => void }> = [];
  readonly onState = (state: SourceState): void => {
    this.states.push(state);
    const ready = this.waiters.filter((w) => w.match(state));
    this.waiters = this.waiters.filter((w) => !w.match(state));
    for (const w of ready) w.resolve();
  };

  waitFor(match: (s: SourceState) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  count(kind: SourceState['kind']): number {
    return this.states.filter((s) => s.kind === kind).length;
  }
}

/** Starts an HTTP server on 127.0.0.1 that answers each request with `handle`. */
async function serve(handle: (res: ServerResponse, request: number) => void): Promise<{ server: Server; url: string }> {
  let requests = 0;
  const server = createServer((_req, res) => handle(res, ++requests));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/cam.ts` };
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

describe('files', () => {
  test('delivers every frame at the source size with 1-based indices and pts timestamps', async () => {
    const frames = await collect({ url: clip });
    assert.equal(frames.length, 20);
    frames.forEach((f, i) => {
      assert.equal(f.index, i + 1);
      assert.ok(Math.abs(f.time - i / 10) < 1e-6, `frame ${f.index} at ${f.time}`);
      assert.equal(f.width, 320);
      assert.equal(f.height, 240);
      assert.equal(f.data.length, 320 * 240 * 3);
    });
    assert.ok(frames[0]!.data.some((v) => v > 0));
    assert.notDeepEqual(frames[0]!.data, frames[1]!.data);
  });

  test('fps keeps source frames and their own numbers and times', async () => {
    const table: ReadonlyArray<readonly [fps: number, indices: number[]]> = [
      [5, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]],
      [3, [1, 5, 8, 11, 15, 18]],
      [1, [1, 11]],
      [30, Array.from({ length: 20 }, (_, i) => i + 1)],
    ];
    for (const [fps, indices] of table) {
      const frames = await collect({ url: clip, fps, size: { width: 80, height: 60 } });
      assert.deepEqual(frames.map((f) => f.index), indices, `fps ${fps}`);
      for (const f of frames) assert.ok(Math.abs(f.time - (f.index - 1) / 10) < 1e-6);
    }
  });

  test('fps equal to the source rate keeps every frame when timestamps are rounded down by their time base', async () => {
    // 7 fps in a 90 kHz time base, as an RTSP camera sends it: frame 2 is at 0.142856 s, just before 1/7 s.
    const rounded = join(dir, 'seven.mp4');
    await exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=7', '-t', '3', '-pix_fmt', 'yuv420p', '-video_track_timescale', '90000', rounded]);
    const all = await collect({ url: rounded, size: { width: 80, height: 60 } });
    assert.equal(all.length, 21);
    assert.ok(all.some((f) => f.time * 7 < f.index - 1), 'some timestamps fall short of k/7 s');
    const frames = await collect({ url: rounded, fps: 7, size: { width: 80, height: 60 } });
    assert.deepEqual(frames.map((f) => f.index), all.map((f) => f.index));
  });

  test('letterbox scales into the top-left and pads right and bottom with black, as fitGeometry says', async () => {
    for (const [width, height] of [[160, 160], [200, 100], [97, 131]] as const) {
      const [frame] = await collect({ url: clip, size: { width, height }, fit: 'letterbox' });
      assert.ok(frame !== undefined);
      assert.equal(frame.data.length, width * height * 3);
      const { content } = fitGeometry({ width: 320, height: 240 }, { width, height }, 'letterbox');
      const pixel = (x: number, y: number): number => frame.data[(y * width + x) * 3]! + frame.data[(y * width + x) * 3 + 1]! + frame.data[(y * width + x) * 3 + 2]!;
      const black = (x0: number, y0: number, x1: number, y1: number): boolean => {
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (pixel(x, y) !== 0) return false;
        return true;
      };
      assert.ok(black(0, content.height, width, height), `${width}x${height}: bottom padding`);
      assert.ok(black(content.width, 0, width, height), `${width}x${height}: right padding`);
      assert.ok(!black(0, content.height - 1, content.width, content.height), `${width}x${height}: last picture row`);
      assert.ok(!black(content.width - 1, 0, content.width, content.height), `${width}x${height}: last picture column`);
    }
  });

  test('stretch fills the whole output', async () => {
    const [frame] = await collect({ url: clip, size: { width: 100, height: 50 }, fit: 'stretch' });
    assert.equal(frame?.width, 100);
    assert.equal(frame?.height, 50);
  });

  test('grabFrame takes one frame at the source size', async () => {
    const frame = await grabFrame(clip, { atSeconds: 1 });
    assert.equal(frame.width, 320);
    assert.equal(frame.data.length, 320 * 240 * 3);
  });

  test('a missing file, a corrupt file and a missing ffmpeg fail with typed errors', async () => {
    const missing = await rejectsWith(collect({ url: join(dir, 'nope.mp4') }), 'SOURCE_NOT_FOUND');
    assert.match(missing.message, /nope\.mp4.*No such file/);
    const corrupt = await rejectsWith(collect({ url: join(dir, 'random.mp4') }), 'INVALID_MEDIA');
    assert.match(corrupt.message, /random\.mp4/);
    const noBinary = await rejectsWith(collect({ url: clip, ffmpegPath: join(dir, 'no-ffmpeg') }), 'FFMPEG_NOT_FOUND');
    assert.match(noBinary.message, /apt-get install ffmpeg/);
  });

  test('errors never hold credentials', async () => {
    const probe = await serve(() => undefined);
    const port = (probe.server.address() as AddressInfo).port;
    await stopServer(probe.server);
    const error = await rejectsWith(collect({ url: `rtsp://admin:hunter2@127.0.0.1:${port}/live`, live: false, timeoutMs: 2000 }), 'SOURCE_UNREACHABLE');
    assert.ok(!/hunter2|admin/.test(error.message), error.message);
    assert.match(error.message, /rtsp:\/\/\*\*\*@127\.0\.0\.1/);
  });
});

describe('backpressure and close', () => {
  test('a slow consumer pauses ffmpeg instead of queueing frames', async () => {
    const source = new FfmpegSource({ url: 'synthetic', live: false, args: endlessArgs(), highWaterMark: 2 });
    let maxQueued = 0;
    let seen = 0;
    for await (const frame of source) {
      for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      maxQueued = Math.max(maxQueued, source.queuedFrames);
      if (++seen === 40) {
        assert.equal(frame.index, 40);
        break;
      }
    }
    assert.ok(maxQueued <= 3, `queued up to ${maxQueued} frames`);
  });

  test('close() while running, and while ffmpeg is blocked on a full pipe, leaves no ffmpeg process', async () => {
    for (const readAll of [true, false]) {
      const source = new FfmpegSource({ url: 'synthetic', live: false, args: endlessArgs(), killGraceMs: 1000 });
      const iterator = source[Symbol.asyncIterator]();
      await iterator.next();
      if (readAll) await iterator.next();
      const pid = source.pid;
      assert.ok(pid !== undefined && processExists(pid));
      await source.close();
      assert.equal(processExists(pid), false, 'ffmpeg (or its zombie) is still there');
      assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    }
  });

  test('close() escalates to SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const stubborn = join(dir, 'stubborn-ffmpeg.sh');
    const info = '[showinfo@out @ 0x1] [info] n:   0 pts:      0 pts_time:0       pos: 0 fmt:rgb24 sar:1/1 s:1x1 i:P iskey:1 type:I ';
    await writeFile(stubborn, `#!/bin/sh\ntrap '' TERM\necho '${info}' >&2\nprintf 'abc'\nexec sleep 30\n`);
    await chmod(stubborn, 0o755);
    const graces: number[] = [];
    const clock: Clock = {
      now: () => 0,
      setTimer: (ms, fn) => {
        graces.push(ms);
        const handle = setImmediate(fn);
        return () => clearImmediate(handle);
      },
    };
    const source = new FfmpegSource({ url: clip, ffmpegPath: stubborn, killGraceMs: 1234, clock });
    const iterator = source[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.deepEqual(first.done === false && [...first.value.data], [97, 98, 99], 'the stub ignores SIGTERM from here on');
    const pending = iterator.next();
    const pid = source.pid;
    assert.ok(pid !== undefined && processExists(pid));
    await source.close();
    assert.deepEqual(graces, [1234]);
    assert.equal(processExists(pid), false);
    assert.deepEqual(await pending, { done: true, value: undefined });
  });
});

describe('live sources', () => {
  test('backoffDelay doubles from the base, caps at the max and jitters downwards', () => {
    const options = { baseMs: 100, maxMs: 1000, jitter: 0.5 };
    assert.deepEqual([0, 1, 2, 3, 4, 10, 1000].map((a) => backoffDelay(a, options, 0)), [100, 200, 400, 800, 1000, 1000, 1000]);
    assert.equal(backoffDelay(2, options, 0.5), 300);
    assert.equal(backoffDelay(2, options, 0.999999), 200);
    assert.equal(backoffDelay(0, { ...options, jitter: 0 }, 0.9), 100);
  });

  test('reconnects after the server ends the stream and keeps counting frames and time', async () => {
    const { server, url } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      res.end(tsBytes);
    });
    const log = new StateLog();
    const source = new FfmpegSource({ url, backoff: { baseMs: 20, maxMs: 100, jitter: 0.5 }, onState: log.onState, stallTimeoutMs: 5000 });
    const frames: Frame[] = [];
    for await (const frame of source) {
      frames.push(frame);
      if (frames.length === 25) break;
    }
    await stopServer(server);
    assert.deepEqual(frames.map((f) => f.index), Array.from({ length: 25 }, (_, i) => i + 1));
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i]!.time > frames[i - 1]!.time, `time goes back at frame ${i + 1}`);
    assert.ok(log.count('connected') >= 3, JSON.stringify(log.states));
    assert.deepEqual(log.states.slice(0, 5).map((s) => s.kind), ['connecting', 'connected', 'disconnected', 'retrying', 'connecting']);
    const retry = log.states.find((s) => s.kind === 'retrying');
    assert.ok(retry?.kind === 'retrying' && retry.delayMs >= 10 && retry.delayMs <= 20);
    assert.equal(log.states.at(-1)?.kind, 'closed');
  });

  test('a stalled stream is restarted after stallTimeoutMs', async () => {
    const { server, url } = await serve((res, request) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      if (request === 1) res.write(tsBytes.subarray(0, Math.floor(tsBytes.length / 2)));
      else res.end(tsBytes);
    });
    const log = new StateLog();
    const source = new FfmpegSource({ url, backoff: { baseMs: 10, maxMs: 10, jitter: 0 }, stallTimeoutMs: 400, timeoutMs: 20_000, onState: log.onState });
    const frames: Frame[] = [];
    for await (const frame of source) {
      frames.push(frame);
      if (frames.length === 12) break;
    }
    await stopServer(server);
    const disconnect = log.states.find((s) => s.kind === 'disconnected');
    assert.ok(disconnect?.kind === 'disconnected' && /stalled: no frame for 400 ms/.test(disconnect.reason), JSON.stringify(log.states));
  });

  test('latestOnly keeps the newest frame, counts the dropped ones, and decodes into their buffers again', async () => {
    const { server, url } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      res.end(tsBytes);
    });
    const log = new StateLog();
    const buffers = new BufferPool(2);
    const source = new FfmpegSource({ url, latestOnly: true, backoff: { baseMs: 60_000, maxMs: 60_000, jitter: 0 }, onState: log.onState, buffers });
    const iterator = source[Symbol.asyncIterator]();
    const disconnected = log.waitFor((s) => s.kind === 'disconnected');
    const first = await iterator.next();
    await disconnected;
    const latest = await iterator.next();
    await source.close();
    await stopServer(server);
    assert.equal(first.done === false && first.value.index, 1);
    assert.equal(latest.done === false && latest.value.index, 10);
    assert.equal(source.droppedFrames, 8);
    // The first frame is the consumer's, the newest waits in the queue, the next decodes into a third; after that the dropped frames' buffers serve.
    assert.equal(buffers.stats.allocated + buffers.stats.reused, 10);
    assert.ok(buffers.stats.allocated <= 3, JSON.stringify(buffers.stats));
  });

  test('latestOnly with latestCount 2 keeps the newest two frames and counts the dropped ones', async () => {
    const { server, url } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      res.end(tsBytes);
    });
    const log = new StateLog();
    const source = new FfmpegSource({ url, latestOnly: true, latestCount: 2, backoff: { baseMs: 60_000, maxMs: 60_000, jitter: 0 }, onState: log.onState });
    const iterator = source[Symbol.asyncIterator]();
    const disconnected = log.waitFor((s) => s.kind === 'disconnected');
    const first = await iterator.next();
    await disconnected;
    const a = await iterator.next();
    const b = await iterator.next();
    await source.close();
    await stopServer(server);
    assert.equal(first.done === false && first.value.index, 1);
    assert.deepEqual([a.done === false && a.value.index, b.done === false && b.value.index], [9, 10]);
    assert.equal(source.droppedFrames, 7);
  });

  test('retries run on the injected clock with backoff delays, and close() cancels them', async () => {
    const probe = await serve(() => undefined);
    const port = (probe.server.address() as AddressInfo).port;
    await stopServer(probe.server);
    const timers: Array<{ ms: number; fn: () => void; cancelled: boolean }> = [];
    const clock: Clock = {
      now: () => 0,
      setTimer: (ms, fn) => {
        const timer = { ms, fn, cancelled: false };
        timers.push(timer);
        return () => { timer.cancelled = true; };
      },
    };
    const log = new StateLog();
    const source = new FfmpegSource({ url: `http://viewer:secret@127.0.0.1:${port}/cam`, clock, random: () => 0, backoff: { baseMs: 1000, maxMs: 5000, jitter: 0.5 }, onState: log.onState });
    const pending = source[Symbol.asyncIterator]().next();
    for (const expected of [1000, 2000, 4000]) {
      const retrying = log.waitFor((s) => s.kind === 'retrying');
      if (expected > 1000) timers.filter((t) => t.ms === expected / 2 && !t.cancelled).forEach((t) => t.fn());
      await retrying;
      const state = log.states.at(-1);
      assert.deepEqual(state, { kind: 'retrying', attempt: expected === 1000 ? 1 : expected === 2000 ? 2 : 3, delayMs: expected });
    }
    const reasons = log.states.flatMap((s) => (s.kind === 'disconnected' ? [s.reason] : []));
    assert.ok(reasons.every((r) => /Connection refused/.test(r) && !r.includes('secret') && !r.includes('viewer')), reasons.join('\n'));
    await source.close();
    assert.ok(timers.filter((t) => t.ms === 4000).every((t) => t.cancelled));
    assert.deepEqual(await pending, { done: true, value: undefined });
  });
});
