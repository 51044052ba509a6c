import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createCenterNetTfjs, loadCenterNetGraph } from '../src/detect/centernet-tfjs.ts';
import { decodeCenterNetMaps } from '../src/detect/centernet-decode.ts';
import { decodeFrame, NO_SHARED_DATA, PETS } from './fixtures/data.ts';

test('decodeCenterNetMaps: a table of tiny maps', () => {
  // 3x3 map, 2 classes, stride 4: one peak of class 1 at (1, 1), a non-peak neighbour, a peak of class 0 at (0, 0).
  const kp = new Float32Array(3 * 3 * 2);
  const at = (x: number, y: number, c: number): number => (y * 3 + x) * 2 + c;
  kp[at(1, 1, 1)] = 0.9;
  kp[at(2, 1, 1)] = 0.5;
  kp[at(0, 0, 0)] = 0.6;
  const wh = new Float32Array(3 * 3 * 4).fill(1);
  const rows = decodeCenterNetMaps({ keypoints: kp, wh, width: 3, height: 3, classes: 2, stride: 4 }, 0.3);
  assert.deepEqual(Array.from(rows), [3, 3, 5, 5, Math.fround(0.9), 1, -1, -1, 1, 1, Math.fround(0.6), 0]);
  assert.equal(decodeCenterNetMaps({ keypoints: kp, wh, width: 3, height: 3, classes: 2, stride: 4 }, 0.95).length, 0);
  assert.equal(decodeCenterNetMaps({ keypoints: kp, wh, width: 3, height: 3, classes: 2, stride: 4 }, 0.3, 1).length, 6);
});

test('decodeCenterNetMaps reproduces the graph tail of the shipped CenterNet on real frames', { skip: NO_SHARED_DATA }, async () => {
  await createCenterNetTfjs();
  const model = await loadCenterNetGraph();
  for (const index of [100, 500]) {
    const data = decodeFrame(path.join(PETS, 'vtest.avi'), index, 512, 512);
    const input = tf.tensor4d(Float32Array.from(data), [1, 512, 512, 3]);
    const [kp, wh, det] = model.execute(input, ['tower_0/keypoints', 'tower_0/wh', 'tower_0/detections']) as tf.Tensor[];
    const graph = await det!.data();
    const minScore = 0.05;
    const ours = decodeCenterNetMaps({ keypoints: await kp!.data(), wh: await wh!.data(), width: 128, height: 128, classes: 80, stride: 4 }, minScore);
    const expected = Array.from(graph).filter((_, i) => graph[i - (i % 6) + 4]! >= minScore);
    assert.ok(ours.length >= 6 * 5, 'too few detections to compare');
    assert.equal(ours.length, expected.length);
    for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i]! - expected[i]!) < 1e-4, `frame ${index}, value ${i}: ${ours[i]} vs ${expected[i]}`);
    tf.dispose([input, kp!, wh!, det!]);
  }
});
