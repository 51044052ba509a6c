import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DetectOptions, Detector, RawDetection } from '../src/detect/detector.ts';
import { createCenterNetOnnx } from '../src/detect/centernet-onnx.ts';
import { prepareCenterNetOnnx } from '../src/detect/centernet-onnx-model.ts';
import { createCenterNetTfjs } from '../src/detect/centernet-tfjs.ts';
import { poolAsDetector } from '../src/detect/pool-detector.ts';
import { createDetectorPool } from '../src/detect/worker-pool.ts';
import { detectorContract } from './contracts/detector-contract.ts';
import { decodeFrame, NO_SHARED_DATA, PETS } from './fixtures/data.ts';

const cache = mkdtempSync(path.join(os.tmpdir(), 'sightline-onnx-'));
after(() => rmSync(cache, { recursive: true, force: true }));
const modelPath = (): Promise<string> => prepareCenterNetOnnx(cache);

detectorContract('CenterNet on onnxruntime, in this thread', async () => createCenterNetOnnx({ modelPath: await modelPath(), threads: 1 }));
detectorContract('CenterNet on onnxruntime, pool of 2 workers', async () =>
  poolAsDetector(await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await modelPath(), threads: 1 }, workers: 2 })),
);

describe('CenterNet: onnxruntime gives the detections of the tfjs reference', { skip: NO_SHARED_DATA }, () => {
  let onnx: Detector;
  let tfjs: Detector;
  before(async () => {
    onnx = await createCenterNetOnnx({ modelPath: await modelPath(), threads: 1 });
    tfjs = await createCenterNetTfjs();
  });
  after(async () => {
    await onnx.dispose();
    await tfjs.dispose();
  });

  // Tolerance: scores and box corners agree to 1e-3 (float32 rounding of two runtimes through ~100 layers).
  const TOLERANCE = 1e-3;
  const options: DetectOptions = { minScore: 0.3, classes: ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'], nmsIou: 0.8, maxDetections: 100 };

  for (const index of [0, 150, 400, 700]) {
    test(`PETS frame ${index}: same boxes, classes and scores`, async () => {
      const image = { width: 512, height: 512, data: decodeFrame(path.join(PETS, 'vtest.avi'), index, 512, 512) };
      const a = await onnx.detect(image, options);
      const b = await tfjs.detect(image, options);
      // Boxes scoring right at the threshold may fall on either side of it; compare those that clear it by the tolerance.
      const clear = (d: { score: number }): boolean => Math.abs(d.score - options.minScore) > TOLERANCE;
      const aa = a.filter(clear);
      const bb = b.filter(clear);
      assert.ok(bb.length >= 3, `only ${bb.length} detections to compare`);
      assert.equal(aa.length, bb.length, `onnx found ${aa.length}, tfjs ${bb.length}`);
      aa.forEach((d, i) => {
        const r = bb[i]!;
        assert.equal(d.class, r.class);
        assert.ok(Math.abs(d.score - r.score) < TOLERANCE, `score ${d.score} vs ${r.score}`);
        for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(d.box[k] - r.box[k]) < TOLERANCE * 512, `${k} ${d.box[k]} vs ${r.box[k]}`);
      });
    });
  }
});

describe('CenterNet on onnxruntime at sizes other than 512x512', () => {
  let onnx: Detector;
  before(async () => {
    onnx = await createCenterNetOnnx({ modelPath: await modelPath(), threads: 1 });
  });
  after(() => onnx.dispose());
  const options: DetectOptions = { minScore: 0.3, classes: ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'], nmsIou: 0.6, maxDetections: 100 };

  test('declares 512x512, its default size', () => {
    assert.deepEqual([onnx.traits.inputWidth, onnx.traits.inputHeight], [512, 512]);
  });

  for (const [width, height] of [[512, 384], [640, 480], [384, 512]] as const) {
    test(`${width}x${height}: finds the people of a PETS frame, boxes within the image`, { skip: NO_SHARED_DATA }, async () => {
      const image = { width, height, data: decodeFrame(path.join(PETS, 'vtest.avi'), 100, width, height) };
      const found = await onnx.detect(image, options);
      const people = found.filter((d) => d.class === 'person' && d.score >= 0.4);
      assert.ok(people.length >= 4, `expected at least 4 people, got ${people.length}`);
      for (const d of found) {
        assert.ok(d.box.x >= 0 && d.box.y >= 0 && d.box.w > 0 && d.box.h > 0, JSON.stringify(d.box));
        assert.ok(d.box.x + d.box.w <= width && d.box.y + d.box.h <= height, `${JSON.stringify(d.box)} leaves ${width}x${height}`);
      }
      for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.score >= found[i]!.score, 'not sorted best first');
    });
  }

  test('sizes that are not multiples of 32, or under 64, are refused with a clear RangeError', async () => {
    for (const [width, height] of [[500, 375], [512, 500], [513, 512], [32, 64], [64, 32], [0, 512]] as const) {
      await assert.rejects(
        onnx.detect({ width, height, data: new Uint8Array(width * height * 3) }, options),
        (err: unknown) => err instanceof RangeError && /multiples of 32 and at least 64/.test(err.message) && err.message.includes(`got ${width}x${height}`),
        `${width}x${height}`,
      );
    }
    await assert.rejects(onnx.detect({ width: 64, height: 64, data: new Uint8Array(10) }, options), /width\*height\*3/);
    const tiny = await onnx.detect({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) }, options);
    assert.ok(Array.isArray(tiny), '64x64, the smallest size, runs');
  });

  test('alternating sizes give the same detections as each size alone', { skip: NO_SHARED_DATA }, async () => {
    const frame = (w: number, h: number) => ({ width: w, height: h, data: decodeFrame(path.join(PETS, 'vtest.avi'), 300, w, h) });
    const a = frame(512, 384);
    const b = frame(640, 480);
    const first: RawDetection[][] = [await onnx.detect(a, options), await onnx.detect(b, options)];
    assert.deepEqual([await onnx.detect(a, options), await onnx.detect(b, options)], first);
  });
});

test('the worker pool hands each frame\'s bytes back with its answer, unchanged: moved there and back, or a copy when not moved', async () => {
  const pool = await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await modelPath(), threads: 1 }, workers: 1 });
  try {
    const options: DetectOptions = { minScore: 0.3, classes: ['person'], nmsIou: 0.5, maxDetections: 50 };
    const make = (): Uint8Array => Uint8Array.from({ length: 512 * 384 * 3 }, (_, i) => (i * 7) % 251);
    const moved = make();
    const own = moved.buffer;
    const r = await pool.detect({ width: 512, height: 384, data: moved }, options, { transfer: true });
    assert.equal(moved.length, 0, 'the caller\'s view was emptied by the move');
    assert.ok(r.buffer instanceof ArrayBuffer && r.buffer.byteLength === 512 * 384 * 3);
    assert.notEqual(r.buffer, own, 'a new ArrayBuffer object on this side of the move, over the same bytes');
    assert.deepEqual(new Uint8Array(r.buffer), make(), 'the bytes as they went');
    const kept = make();
    const c = await pool.detect({ width: 512, height: 384, data: kept }, options);
    assert.equal(kept.length, 512 * 384 * 3, 'not moved: the caller keeps its bytes');
    assert.notEqual(c.buffer, kept.buffer);
    assert.deepEqual(new Uint8Array(c.buffer!), kept);
  } finally {
    await pool.close();
  }
});
