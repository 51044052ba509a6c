import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DetectOptions, Detector } from '../src/detect/detector.ts';
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
