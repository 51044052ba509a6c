// Privacy masks are burned in at ingest: a camera with a mask has its stream re-encoded once in its
// media hub, and everything downstream reads only that. The test decodes what the server stores and
// sends (recorded segments, the live MP4 viewers get, an event snapshot, an export joined from the
// segments) and finds the masked area uniform, where the same area of the camera's own picture is
// full of people and detail.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { maskSvg } from '../src/media/mask-burner.ts';
import { exportParts } from '../src/record/export-range.ts';
import { DEMO_CLIP, DEMO_DIR } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { filesUnder } from './fixtures/https.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-masks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The mask, as fractions of the picture: a band on the left where people walk in the demo clip. */
const MASK = { x0: 0.05, y0: 0.35, x1: 0.4, y1: 0.8 };
/** What is checked: the mask shrunk by 3 % of the picture on each side (codec blocks at the edge). */
const INNER = { x0: MASK.x0 + 0.03, y0: MASK.y0 + 0.03, x1: MASK.x1 - 0.03, y1: MASK.y1 - 0.03 };

/** Decodes up to `frames` frames of `file` and returns, over them, the largest spread (max - min) of grey levels inside `area` (fractions), and the frames read. */
function spreadIn(file: string, area: typeof INNER, frames = 40): Promise<{ frames: number; spread: number }> {
  const crop = `crop=iw*${(area.x1 - area.x0).toFixed(3)}:ih*${(area.y1 - area.y0).toFixed(3)}:iw*${area.x0}:ih*${area.y0}`;
  const args = ['-v', 'error', '-i', file, '-vf', `${crop},scale=64:64:flags=neighbor,format=gray`, '-frames:v', String(frames), '-f', 'rawvideo', 'pipe:1'];
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const n = Math.floor(stdout.length / 4096);
      let spread = 0;
      for (let f = 0; f < n; f++) {
        let lo = 255;
        let hi = 0;
        for (let i = f * 4096; i < (f + 1) * 4096; i++) {
          lo = Math.min(lo, stdout[i]!);
          hi = Math.max(hi, stdout[i]!);
        }
        spread = Math.max(spread, hi - lo);
      }
      resolve({ frames: n, spread });
    });
  });
}

test('maskSvg scales the polygons from the picture they were drawn on to the stream, filled black', () => {
  const svg = maskSvg([{ polygon: [[10, 10], [20, 10], [20, 20]] }], { width: 100, height: 50 }, { width: 200, height: 100 });
  assert.match(svg, /width="200" height="100"/);
  assert.match(svg, /points="20\.00,20\.00 40\.00,20\.00 40\.00,40\.00"/);
  assert.match(svg, /fill="#000"/);
});

test('a masked camera: recorded segments, live MP4, snapshots and exports are uniform inside the mask', { timeout: 180_000 }, async () => {
  const control = await spreadIn(DEMO_CLIP, INNER);
  assert.ok(control.spread > 40, `the area to be masked holds detail in the camera's own picture (spread ${control.spread})`);

  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  assert.ok(analytics.ok);
  const cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'masked' });
  const [w, h] = [768, 576];
  const polygon: [number, number][] = [[MASK.x0 * w, MASK.y0 * h], [MASK.x1 * w, MASK.y0 * h], [MASK.x1 * w, MASK.y1 * h], [MASK.x0 * w, MASK.y1 * h]];
  const config = serverConfigSchema.parse({
    server: { port: 0 },
    detect: { workers: 1 },
    recording: { segmentSeconds: 2 },
    cameras: [{ name: 'masked', url: cam.url, record: { mode: 'continuous' }, analytics: analytics.value, privacyMasks: [{ name: 'neighbour', polygon }] }],
  });
  const dataDir = path.join(dir, 'data');
  const server = await startServer({ config, dataDir, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
  try {
    const [view] = await server.cameras.list();
    assert.ok(view);
    assert.equal(view.privacyMasks.length, 1, 'the camera shows its mask');
    const live = await server.cameras.liveStream(view.id);
    assert.ok(live);
    const parts: Buffer[] = [];
    let fragments = 0;
    const session = live.open({
      onInit: (_mime, init) => void parts.push(init),
      onMedia: (fragment) => {
        parts.push(fragment);
        fragments++;
      },
      onEnd: () => undefined,
    });
    await waitFor(() => fragments >= 20 && filesUnder(path.join(dataDir, 'recordings'), '.ts').length >= 3 && filesUnder(path.join(dataDir, 'snapshots'), '.jpg').length >= 1, 120_000, 'live fragments, three recorded segments and an event snapshot');
    await session.close();
    assert.equal(cam.relay.stats().paths.find((p) => p.path === 'masked')?.readers, 1, 'the camera is still read once');

    const liveFile = path.join(dir, 'live.mp4');
    writeFileSync(liveFile, Buffer.concat(parts));
    const segments = filesUnder(path.join(dataDir, 'recordings'), '.ts');
    const snapshot = filesUnder(path.join(dataDir, 'snapshots'), '.jpg')[0]!;
    const exported = path.join(dir, 'export.mp4');
    const closed = segments.slice(0, -1);
    await exportParts(closed.map((file, i) => ({ file, startTime: i * 2000, endTime: (i + 1) * 2000 })), 0, closed.length * 2000, exported);

    for (const [what, file] of [['live MP4', liveFile], ['recorded segment', segments[0]!], ['event snapshot', snapshot], ['export', exported]] as const) {
      const r = await spreadIn(file, INNER);
      assert.ok(r.frames >= 1, `${what} decodes`);
      assert.ok(r.spread <= 8, `${what}: the masked area is uniform (grey levels spread ${r.spread} over ${r.frames} frames)`);
    }
  } finally {
    await server.close();
    await cam.stop();
  }
});
