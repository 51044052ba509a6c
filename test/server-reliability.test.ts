/**
 * Reliability of the running server with real parts on 127.0.0.1: an RTSP camera (our relay fed by
 * ffmpeg) that drops and returns, decoder and recorder ffmpeg processes killed mid-stream, and a
 * disk quota reached while recording. Recovery must need no human, and nothing may be lost or
 * corrupted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera, type LoopingCamera } from '../src/media/looping-camera.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { startServer, type RunningServer } from '../src/server/server.ts';
import { databasePath } from '../src/store/database.ts';
import { waitFor } from './fixtures/wait.ts';

const CHEAP_HASH = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** Pids of this process's ffmpeg children whose command line contains `needle`. */
function ffmpegChildren(needle: string): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('ffmpeg') && l.includes(needle))
    .map((l) => Number(l.split(/\s+/)[0]));
}

function segmentRows(dataDir: string): { path: string; bytes: number; start_time: number; end_time: number }[] {
  const db = new BetterSqlite3(databasePath(dataDir), { readonly: true });
  try {
    return db.prepare<[], { path: string; bytes: number; start_time: number; end_time: number }>('SELECT path, bytes, start_time, end_time FROM segments ORDER BY start_time').all();
  } finally {
    db.close();
  }
}

function playable(file: string): boolean {
  try {
    const out = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    return Number(out.trim().split(/\s+/)[0]) > 0;
  } catch {
    return false;
  }
}

function probeError(file: string): string {
  try {
    return execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
}

describe('server reliability with a real RTSP camera', () => {
  let dir: string;
  let relay: RtspRelay;
  let camera: LoopingCamera;
  let server: RunningServer;
  let cameraId: string;
  const problems: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-rel-'));
    relay = new RtspRelay();
    await relay.listen(0, '127.0.0.1');
    camera = await startLoopingCamera({ file: DEMO_CLIP, path: 'yard', relay });
    const config = serverConfigSchema.parse({
      server: { port: 0 },
      detect: { workers: 1 },
      recording: { segmentSeconds: 2, maxDiskGb: 0.001, minFreeGb: 0 },
      cameras: [{ name: 'yard', url: camera.url, fps: 4, record: { mode: 'continuous' }, analytics: { lines: [{ name: 'h', points: [[0, 300], [768, 300]], inside: [384, 500] }] } }],
    });
    server = await startServer({ config, dataDir: path.join(dir, 'data'), hashParams: CHEAP_HASH, log: (level, m) => void (level !== 'info' && problems.push(m)) });
    const [view] = await server.cameras.list();
    cameraId = view!.id;
    await waitFor(async () => (await server.cameras.get(cameraId))!.health.state === 'connected' && (await server.cameras.get(cameraId))!.health.analysedFps > 1, 30_000, 'the camera to connect and analyse');
  });

  after(async () => {
    await server?.close();
    await camera?.stop();
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the camera drops and returns: the server reconnects on its own and analyses and records again', { timeout: 60_000 }, async () => {
    camera.killPublisher();
    await waitFor(async () => (await server.cameras.get(cameraId))!.health.state === 'reconnecting', 20_000, 'the drop to be noticed');
    const segmentsAtDrop = segmentRows(path.join(dir, 'data')).length;
    await camera.restartPublisher();
    await waitFor(async () => {
      const h = (await server.cameras.get(cameraId))!.health;
      return h.state === 'connected' && h.lastFrameAt !== null && Date.now() - h.lastFrameAt < 2000;
    }, 40_000, 'frames to flow again');
    await waitFor(() => segmentRows(path.join(dir, 'data')).length > segmentsAtDrop, 40_000, 'recording to resume');
    assert.ok((await server.cameras.get(cameraId))!.health.reconnects >= 1);
  });

  test('ffmpeg decoder and recorder killed mid-stream: both come back, and the cut segment is kept and playable', { timeout: 60_000 }, async () => {
    const dataDir = path.join(dir, 'data');
    await waitFor(() => ffmpegChildren('-f segment').length === 1 && ffmpegChildren('rawvideo').length === 1, 30_000, 'one decoder and one recorder');
    const before = segmentRows(dataDir).length;
    const [recorder] = ffmpegChildren('-f segment');
    const [decoder] = ffmpegChildren('rawvideo');
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(recorder!, 'SIGKILL');
    process.kill(decoder!, 'SIGKILL');
    await waitFor(() => {
      const rec = ffmpegChildren('-f segment');
      const dec = ffmpegChildren('rawvideo');
      return rec.length === 1 && rec[0] !== recorder && dec.length === 1 && dec[0] !== decoder;
    }, 30_000, 'new ffmpeg processes');
    await waitFor(async () => {
      const h = (await server.cameras.get(cameraId))!.health;
      return h.lastFrameAt !== null && Date.now() - h.lastFrameAt < 2000;
    }, 30_000, 'frames after the decoder was killed');
    await waitFor(() => segmentRows(dataDir).length > before + 1, 30_000, 'segments after the recorder was killed');
    for (const s of segmentRows(dataDir)) {
      const file = path.join(dataDir, s.path);
      assert.ok(existsSync(file), `${s.path} exists`);
      assert.ok(playable(file), `${s.path} plays (${s.bytes} bytes, ${s.end_time - s.start_time} ms): ${probeError(file)}`);
    }
  });

  test('the disk quota is reached: the oldest segments go first and the total stays under the quota', { timeout: 60_000 }, async () => {
    const dataDir = path.join(dir, 'data');
    const quota = 0.001e9;
    await waitFor(() => segmentRows(dataDir).length >= 3, 30_000, 'a few segments');
    const first = segmentRows(dataDir)[0]!;
    await waitFor(() => {
      const rows = segmentRows(dataDir);
      return rows.reduce((s, r) => s + r.bytes, 0) > quota * 0.5 && rows[0]!.path !== first.path;
    }, 40_000, 'the quota to push out the oldest segment');
    const rows = segmentRows(dataDir);
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    assert.ok(total <= quota, `total ${total} bytes within the quota ${quota}`);
    assert.ok(!existsSync(path.join(dataDir, first.path)), 'the oldest file is deleted with its row');
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.start_time >= rows[i - 1]!.start_time);
    const h = (await server.cameras.get(cameraId))!.health;
    assert.equal(h.recording, true, 'still recording');
    assert.ok(!problems.some((p) => /SQLITE|corrupt/i.test(p)), problems.join('\n'));
  });
});
