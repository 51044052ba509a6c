import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyticsConfigSchema } from '../config/schema/index.ts';
import { analysisSize, inputSize, resolveDetectOptions } from './detect-options.ts';

const FIXED = { inputWidth: 512, inputHeight: 512 };
const FLEXIBLE = { inputWidth: 512, inputHeight: 512, sizeMultiple: 32 };
const detect = (input: Record<string, unknown> = {}) => analyticsConfigSchema.parse({ detect: input }).detect;

test('a model of one size gets that size, whatever the camera', () => {
  assert.deepEqual(inputSize(FIXED, detect(), { width: 1920, height: 1080 }), { width: 512, height: 512 });
  assert.deepEqual(inputSize(FIXED, detect({ inputSize: 640 }), { width: 768, height: 576 }), { width: 512, height: 512 });
});

test('a model of any size sees the camera at its own aspect ratio, the short side a multiple of 32', () => {
  assert.deepEqual(inputSize(FLEXIBLE, detect(), { width: 768, height: 576 }), { width: 512, height: 384 });
  assert.deepEqual(inputSize(FLEXIBLE, detect(), { width: 1920, height: 1080 }), { width: 512, height: 288 });
  assert.deepEqual(inputSize(FLEXIBLE, detect(), { width: 1080, height: 1920 }), { width: 288, height: 512 });
  assert.deepEqual(inputSize(FLEXIBLE, detect({ inputSize: 640 }), { width: 640, height: 480 }), { width: 640, height: 480 });
  // A very wide picture keeps at least two multiples on its short side.
  assert.deepEqual(inputSize(FLEXIBLE, detect(), { width: 4000, height: 100 }), { width: 512, height: 64 });
});

test('with tiles, frames are decoded at the size the grid of inputs covers, and the options carry the tile size', () => {
  const config = analyticsConfigSchema.parse({ preset: 'dense' });
  const source = { width: 640, height: 480 };
  const tile = inputSize(FLEXIBLE, config.detect, source);
  // One tile covers 246x267 of the picture: 480x512 keeps that shape, and the grid the camera's (1248x922 for 640x480).
  assert.deepEqual(tile, { width: 480, height: 512 });
  assert.deepEqual(analysisSize(FLEXIBLE, config.detect, source), { width: 1248, height: 922 });
  assert.deepEqual(resolveDetectOptions(config, tile).tiles, { columns: 3, rows: 2, overlap: 0.2, width: 480, height: 512 });
  // A model of one size tiles at its size.
  assert.deepEqual(analysisSize(FIXED, config.detect, source), { width: 1331, height: 922 });
  assert.throws(() => resolveDetectOptions(config), /needs the size of a tile/);
  assert.equal(resolveDetectOptions(analyticsConfigSchema.parse({})).tiles, undefined);
});

test('an input size that is not a multiple of 32 is refused by the configuration', () => {
  assert.equal(analyticsConfigSchema.safeParse({ detect: { inputSize: 500 } }).success, false);
});
