// Faces found by BlazeFace (converted to ONNX, on onnxruntime) are redacted beside the heads of
// tracked people: the detector finds the face of every group on a sample of the face crops of
// ../shared/data/faces, and `sightline redact` (the compiled CLI, real ffmpeg) pixelates a face
// close to the camera, found in each frame, while the background stays as it was.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Box } from '../src/core/geometry.ts';
import { analyticsConfigSchema } from '../src/config/schema/index.ts';
import { faceRect } from '../src/core/redaction.ts';
import { createFaceDetector, type FaceDetector } from '../src/detect/blazeface.ts';
import { prepareCenterNetOnnx } from '../src/detect/centernet-onnx-model.ts';
import { createDetectorPool } from '../src/detect/worker-pool.ts';
import { InProcessBus } from '../src/events/bus.ts';
import { CameraManager } from '../src/live/camera-manager.ts';
import { SecretBox } from '../src/security/secret-box.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { runCli } from './fixtures/cli.ts';
import { NO_SHARED_DATA, SHARED_DATA } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-faces-'));
let faces: FaceDetector;
before(async () => {
  faces = await createFaceDetector({ cacheDir: path.join(dir, 'models') });
});
after(async () => {
  await faces?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A picture's RGB pixels; `surround` adds that many grey pixels on every side (a face crop seen in a wider picture). */
async function rgb(file: string, surround = 0): Promise<{ width: number; height: number; data: Uint8Array }> {
  const grey = { r: 128, g: 128, b: 128 };
  const { data, info } = await sharp(file).removeAlpha().extend({ top: surround, bottom: surround, left: surround, right: surround, background: grey }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

test('the face of every crop of a sample of each group is found where the crop is, in a wider picture', { skip: NO_SHARED_DATA }, async () => {
  const root = path.join(SHARED_DATA, 'faces');
  for (const gender of ['females', 'males']) {
    for (const group of readdirSync(path.join(root, gender)).sort()) {
      for (const name of readdirSync(path.join(root, gender, group)).sort().slice(0, 3)) {
        const picture = await rgb(path.join(root, gender, group, name), 100);
        const [best] = await faces.detect(picture);
        assert.ok(best, `a face in ${gender}/${group}/${name}`);
        const cx = best.box.x + best.box.w / 2;
        const cy = best.box.y + best.box.h / 2;
        assert.ok(best.score >= 0.5 && Math.abs(cx - picture.width / 2) < 50 && Math.abs(cy - picture.height / 2) < 50, `the face of ${name} is at the crop's centre, not at ${cx},${cy} (score ${best.score})`);
      }
    }
  }
});

test('the face detector in its own thread finds what it finds in this one, and refuses work once closed', { skip: NO_SHARED_DATA }, async () => {
  const { createFaceDetectorWorker } = await import('../src/detect/face-pool.ts');
  const threaded = await createFaceDetectorWorker({ cacheDir: path.join(dir, 'models') });
  try {
    const root = path.join(SHARED_DATA, 'faces');
    const gender = readdirSync(root).sort()[0]!;
    const group = readdirSync(path.join(root, gender)).sort()[0]!;
    const name = readdirSync(path.join(root, gender, group)).sort()[0]!;
    const picture = await rgb(path.join(root, gender, group, name), 100);
    const before = picture.data.slice();
    const [here, there] = await Promise.all([faces.detect(picture), threaded.detect(picture)]);
    assert.ok(here.length > 0);
    assert.deepEqual(there, here);
    assert.deepEqual(picture.data, before, 'the caller keeps its picture');
  } finally {
    await threaded.dispose();
  }
  await assert.rejects(threaded.detect({ width: 2, height: 2, data: new Uint8Array(12) }), /closed/);
});

const W = 640;
const H = 480;

/** A doorbell's view, `frames` frames at 5 fps: a face of 300 px in a 640x480 picture, on a tiled background. */
async function doorClip(frames: number): Promise<{ still: string; clip: string }> {
  const still = path.join(dir, 'still.png');
  const photo = path.join(SHARED_DATA, 'faces-identity', 'neutral', '001_03.jpg');
  const face = await sharp(photo).resize(300, 300).toBuffer();
  const noise = Buffer.alloc(W * H * 3);
  // Tiles of 6 px in varied greys: detail an encoder keeps.
  for (let i = 0; i < W * H; i++) noise.fill(40 + ((Math.floor((i % W) / 6) * 37 + Math.floor(i / W / 6) * 91) % 180), 3 * i, 3 * i + 3);
  await sharp(noise, { raw: { width: W, height: H, channels: 3 } }).composite([{ input: face, left: 170, top: 90 }]).png().toFile(still);
  const clip = path.join(dir, `door-${frames}.mp4`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', still, '-frames:v', String(frames), '-r', '5', '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', clip]);
  return { still, clip };
}

/** Mean absolute difference of horizontally adjacent grey levels inside `box`: the picture's detail there. */
function detail(grey: Uint8Array, width: number, box: Box): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.h); y++) {
    for (let x = Math.ceil(box.x); x < Math.floor(box.x + box.w) - 1; x++) {
      sum += Math.abs(grey[y * width + x]! - grey[y * width + x + 1]!);
      n++;
    }
  }
  return sum / n;
}

test('sightline redact pixelates a face close to the camera in every frame and leaves the background', { skip: NO_SHARED_DATA, timeout: 300_000 }, async () => {
  const { still, clip } = await doorClip(10);
  const out = path.join(dir, 'door-redacted.mp4');
  const r = await runCli(['redact', clip, '--out', out, '--quiet', '--data-dir', path.join(dir, 'data')], 240_000);
  assert.equal(r.code, 0, r.stderr);
  const found = /(\d+) faces found/.exec(r.stdout);
  assert.ok(found && Number(found[1]) >= 10, `a face found in each of the 10 frames: ${r.stdout}`);
  const [onStill] = await faces.detect(await rgb(still));
  assert.ok(onStill, 'the face is found in the still');
  const grey = (file: string): Uint8Array[] => {
    const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
    return Array.from({ length: raw.length / (W * H) }, (_, i) => raw.subarray(i * W * H, (i + 1) * W * H));
  };
  const before = grey(clip);
  const after = grey(out);
  assert.equal(after.length, 10);
  const corner: Box = { x: 10, y: 410, w: 120, h: 60 };
  for (let i = 0; i < after.length; i++) {
    const was = detail(before[i]!, W, onStill.box);
    const now = detail(after[i]!, W, onStill.box);
    assert.ok(now < was * 0.35, `frame ${i + 1}: the face's detail ${now.toFixed(1)} is gone (it was ${was.toFixed(1)})`);
    const kept = detail(after[i]!, W, corner);
    const had = detail(before[i]!, W, corner);
    assert.ok(kept > had * 0.8, `frame ${i + 1}: the background keeps its detail (${kept.toFixed(1)}, was ${had.toFixed(1)})`);
  }
});

test('a live camera hides the face it finds in each analysed frame, kept with the recording', { skip: NO_SHARED_DATA, timeout: 120_000 }, async () => {
  const { still, clip } = await doorClip(50);
  const [face] = await faces.detect(await rgb(still));
  assert.ok(face, 'the face is found in the still');
  const want = faceRect(face.box);
  const pool = await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await prepareCenterNetOnnx(path.join(dir, 'models')), threads: 1 }, workers: 1 });
  const db = openDatabase(databasePath(dir));
  const manager = new CameraManager({ store: new SqliteEventStore(db), secrets: new SecretBox(Buffer.alloc(32, 7)), pool, bus: new InProcessBus(), dataDir: dir, faces });
  try {
    await manager.start([
      {
        name: 'door',
        url: clip,
        enabled: true,
        purpose: { statement: 'test' },
        fps: 5,
        record: { mode: 'off', preRollSeconds: 0, postRollSeconds: 0 },
        analytics: analyticsConfigSchema.parse({ detect: { motion: { enabled: false } } }),
        arming: {},
        snapshots: false,
        privacyMasks: [],
      },
    ]);
    const [cam] = await manager.list();
    assert.ok(cam);
    // The face's own rectangle (padded as faceRect pads it), as fractions of the picture, beside any head region.
    const close = (r: readonly number[]): boolean => Math.abs(r[0]! * W - want.x) < 12 && Math.abs(r[1]! * H - want.y) < 12 && Math.abs(r[2]! * W - want.w) < 24 && Math.abs(r[3]! * H - want.h) < 24;
    await waitFor(() => manager.latestRedaction(cam.id)?.rects.some(close) === true, 60_000, `a redaction rectangle near ${JSON.stringify(want)}`);
  } finally {
    await manager.stop();
    await pool.close();
    db.close();
  }
});
