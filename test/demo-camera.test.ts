// Looping cameras on the RTSP relay, published and read by real ffmpeg processes: several readers at
// once, late joiners, camera drops and restarts, Digest auth, several cameras on one relay, clean stop.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startLoopingCamera, type LoopingCamera, type LoopingCameraOptions } from '../src/media/looping-camera.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { ROOT } from './fixtures/data.ts';
import { processExists } from './fixtures/process.ts';

const CLIP = path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4');

interface ReaderResult {
  readonly code: number | null;
  /** Frames ffmpeg decoded (lines of its framecrc output). */
  readonly frames: number;
  readonly stderr: string;
}

/** Runs an ffmpeg reader of `url` (TCP) that decodes `frames` frames (all it gets when null); killed at the deadline. */
function readFrames(t: TestContext, url: string, frames: number | null, timeoutMs = 15_000): { pid: number; done: Promise<ReaderResult> } {
  const limit = frames === null ? [] : ['-frames:v', String(frames)];
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-rtsp_transport', 'tcp', '-i', url, ...limit, '-f', 'framecrc', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  t.after(() => {
    clearTimeout(timer);
    child.kill('SIGKILL');
  });
  const done = new Promise<ReaderResult>((resolve) => child.once('close', (code) => {
    clearTimeout(timer);
    resolve({ code, frames: stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length, stderr });
  }));
  return { pid: child.pid ?? -1, done };
}

async function camera(t: TestContext, options: Partial<LoopingCameraOptions> = {}): Promise<LoopingCamera> {
  const cam = await startLoopingCamera({ file: CLIP, path: 'demo', ...options });
  t.after(() => cam.stop());
  return cam;
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('two readers at once and a reader joining later each decode 20 frames; stop() leaves nothing behind', async (t) => {
  const logs: string[] = [];
  const cam = await camera(t, { onLog: (line) => logs.push(line) });
  assert.match(cam.url, /^rtsp:\/\/127\.0\.0\.1:\d+\/demo$/);
  const publisher = cam.publisherPid;
  assert.ok(publisher !== null && processExists(publisher));
  const first = readFrames(t, cam.url, 20);
  const second = readFrames(t, cam.url, 20);
  await waitFor(() => cam.relay.stats().paths[0]?.readers === 2, 'both readers to play');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const late = readFrames(t, cam.url, 20);
  for (const [name, reader] of [['first', first], ['second', second], ['late', late]] as const) {
    const result = await reader.done;
    assert.equal(result.code, 0, `${name} reader: ${result.stderr}`);
    assert.equal(result.frames, 20, `${name} reader decoded 20 frames`);
  }
  assert.ok(cam.relay.stats().bytesForwarded > 100_000);
  const port = cam.relay.port;
  await cam.stop();
  assert.equal(cam.publisherPid, null);
  assert.equal(processExists(publisher), false, 'the publisher process is gone');
  assert.equal(cam.relay.stats().connections, 0);
  assert.equal(await portRefuses(port), true, 'the relay no longer listens');
  assert.deepEqual(logs.filter((l) => /error/i.test(l)), [], 'ffmpeg reported no error');
});

test('a camera drop disconnects its readers; the restarted publisher serves a new reader', async (t) => {
  const cam = await camera(t);
  const watching = readFrames(t, cam.url, null);
  await waitFor(() => cam.relay.stats().paths[0]?.readers === 1, 'the reader to play');
  const old = cam.publisherPid!;
  await cam.killPublisher();
  assert.equal(processExists(old), false);
  assert.equal(cam.publisherPid, null);
  const dropped = await watching.done;
  assert.ok(dropped.frames < 200, 'the reader ended with the publisher, not at its deadline');
  assert.equal(cam.relay.hasPublisher('demo'), false);
  assert.equal(await new Promise((resolve) => setTimeout(() => resolve(cam.publisherPid), 600)), null, 'a killed publisher stays down');
  await cam.restartPublisher();
  assert.notEqual(cam.publisherPid, null);
  const fresh = await readFrames(t, cam.url, 20).done;
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.equal(fresh.frames, 20);
});

test('a publisher that dies on its own is restarted with backoff', async (t) => {
  const cam = await camera(t, { backoff: { baseMs: 50, maxMs: 200, jitter: 0 } });
  const old = cam.publisherPid!;
  process.kill(old, 'SIGKILL');
  await waitFor(() => cam.restarts === 1 && cam.relay.isLive('demo'), 'the publisher to come back');
  assert.notEqual(cam.publisherPid, old);
});

test('with credentials: readers without them get 401, readers with them decode; cameras share one relay', async (t) => {
  const credentials = { username: 'viewer', password: 'p@ss:w/rd' };
  const relay = new RtspRelay({ credentials });
  const { port } = await relay.listen();
  t.after(() => relay.close());
  const logs: string[] = [];
  const cams = await Promise.all(['cam/1', 'cam/2'].map((p) => camera(t, { relay, path: p, credentials, onLog: (l) => logs.push(l) })));
  const withAuth = (url: string): string => url.replace('://', `://viewer:${encodeURIComponent(credentials.password)}@`);
  const readers = [
    { name: 'no credentials', run: readFrames(t, cams[0]!.url, 20), ok: false },
    { name: 'wrong password', run: readFrames(t, cams[0]!.url.replace('://', '://viewer:guess@'), 20), ok: false },
    { name: 'camera 1', run: readFrames(t, withAuth(cams[0]!.url), 20), ok: true },
    { name: 'camera 2', run: readFrames(t, withAuth(cams[1]!.url), 20), ok: true },
  ];
  for (const reader of readers) {
    const result = await reader.run.done;
    if (reader.ok) {
      assert.equal(result.code, 0, `${reader.name}: ${result.stderr}`);
      assert.equal(result.frames, 20, reader.name);
    } else {
      assert.notEqual(result.code, 0, reader.name);
      assert.match(result.stderr, /401 Unauthorized/, reader.name);
    }
  }
  assert.deepEqual(relay.stats().paths.map((p) => p.path).sort(), ['cam/1', 'cam/2']);
  for (const cam of cams) await cam.stop();
  assert.equal(relay.stats().paths.length, 0, 'stopping a camera frees its path');
  assert.equal(await portRefuses(port), false, 'a shared relay outlives its cameras');
  assert.ok(logs.every((l) => !l.includes('p@ss') && !l.includes('p%40ss')), 'no password in the log');
});

test('a missing file or ffmpeg binary fails with a clear error and leaves nothing running', async (t) => {
  await assert.rejects(startLoopingCamera({ file: path.join(ROOT, 'demo', 'no-such.mp4'), path: 'x' }), { code: 'SOURCE_NOT_FOUND' });
  const relay = new RtspRelay();
  await relay.listen();
  t.after(() => relay.close());
  await assert.rejects(startLoopingCamera({ file: CLIP, path: 'x', relay, ffmpegPath: '/nonexistent/ffmpeg' }), { code: 'FFMPEG_NOT_FOUND' });
  assert.equal(relay.hasPublisher('x'), false);
});
