import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CENTERNET_CLASSES, cocoClass, createCenterNetTfjs, decodeCenterNet, loadCenterNetGraph } from '../src/detect/centernet-tfjs.ts';
import type { DetectOptions } from '../src/detect/detector.ts';
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

test('decodeCenterNetMaps searches only the given channels, so other classes do not fill the top-k', () => {
  // 8x8 map, 3 channels: 12 strong isolated peaks of channel 1 and 2 weaker ones of channel 0.
  const W = 8;
  const C = 3;
  const kp = new Float32Array(W * W * C);
  const at = (x: number, y: number, c: number): number => (y * W + x) * C + c;
  for (let i = 0; i < 12; i++) kp[at((i % 4) * 2, Math.floor(i / 4) * 2, 1)] = 0.9 - i * 0.01;
  kp[at(7, 7, 0)] = 0.5;
  kp[at(1, 7, 0)] = 0.4;
  const maps = { keypoints: kp, wh: new Float32Array(W * W * 4).fill(2), width: W, height: W, classes: C, stride: 4 };
  const classesOf = (rows: Float32Array): number[] => Array.from({ length: rows.length / 6 }, (_, i) => rows[i * 6 + 5]!);
  assert.deepEqual(classesOf(decodeCenterNetMaps(maps, 0.3, 10)), new Array(10).fill(1), 'all channels: the top 10 are channel 1');
  assert.deepEqual(classesOf(decodeCenterNetMaps(maps, 0.3, 10, [0])), [0, 0], 'channel 0 alone: its two peaks');
  assert.deepEqual(classesOf(decodeCenterNetMaps(maps, 0.3, 20, [0, 2])), [0, 0]);
  assert.equal(decodeCenterNetMaps(maps, 0.3, 20, []).length, 0);
  assert.deepEqual(Array.from(decodeCenterNetMaps(maps, 0.3, 1, [0])), [26, 26, 30, 30, Math.fround(0.5), 0]);
});

test('decodeCenterNet maps class indices through the frame and clamps boxes to its size', () => {
  const options: DetectOptions = { minScore: 0.3, classes: ['person', 'car', 'truck'], nmsIou: 0.5, maxDetections: 10 };
  // Rows: x1, y1, x2, y2, score, class index.
  const rows = Float32Array.from([
    480, 300, 700, 420, 0.9, 0, // runs off the right and bottom of 640x384
    -5, 10, 40, 60, 0.8, 5, // channel 5 of the pruned map: truck
    100, 100, 150, 150, 0.7, 1, // bicycle: not wanted
    200, 100, 250, 150, 0.2, 2, // car below minScore
  ]);
  const pruned = { width: 640, height: 384, classOf: (i: number) => CENTERNET_CLASSES[i] };
  assert.deepEqual(decodeCenterNet(rows, 4, options, pruned), [
    { box: { x: 480, y: 300, w: 160, h: 84 }, score: Math.fround(0.9), class: 'person' },
    { box: { x: 0, y: 10, w: 40, h: 50 }, score: Math.fround(0.8), class: 'truck' },
  ]);
  // By default: the graph's own rows, 512x512 and COCO indices (5 is bus, not wanted here).
  assert.deepEqual(decodeCenterNet(rows, 4, options), [{ box: { x: 480, y: 300, w: 32, h: 120 }, score: Math.fround(0.9), class: 'person' }]);
  assert.deepEqual(decodeCenterNet(rows, 4, { ...options, classes: ['bus'] }, { width: 512, height: 512, classOf: cocoClass }), [
    { box: { x: 0, y: 10, w: 40, h: 50 }, score: Math.fround(0.8), class: 'bus' },
  ]);
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
