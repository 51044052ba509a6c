import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from './geometry.ts';
import { boxHasMotion, boxMotionFraction, detectMotion, hasMotion, type MotionOptions, type MotionResult, type MotionState, type RgbImage } from './motion.ts';

/** A textured synthetic scene (8x8 blocks of gray 40..199), optionally with a bright square and a global brightness map. */
function scene(width: number, height: number, opts: { square?: Box; gain?: number; offset?: number } = {}): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const { square, gain = 1, offset = 0 } = opts;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = square !== undefined && x >= square.x && x < square.x + square.w && y >= square.y && y < square.y + square.h;
      const v = inSquare ? 230 : (((x >> 3) * 37 + (y >> 3) * 91) % 160) + 40;
      const p = (y * width + x) * 3;
      data[p] = Math.round(v * gain + offset);
      data[p + 1] = Math.round(v * gain + offset);
      data[p + 2] = Math.round(v * 0.9 * gain + offset);
    }
  }
  return { width, height, data };
}

/** Runs motion detection over a sequence of frames and returns every result. */
function run(frames: readonly RgbImage[], options: Partial<MotionOptions> = {}): MotionResult[] {
  let state: MotionState | null = null;
  return frames.map((frame) => {
    const out = detectMotion(state, frame, options);
    state = out.state;
    return out.result;
  });
}

const squareAt = (i: number): Box => ({ x: 40 + 8 * i, y: 100, w: 30, h: 30 });
const FAR: Box = { x: 250, y: 10, w: 40, h: 40 };

test('a static scene shows no motion, first frame included', () => {
  const frame = scene(320, 240);
  for (const result of run(Array.from({ length: 10 }, () => frame))) {
    assert.equal(result.changedCells, 0);
    assert.equal(result.boxes.length, 0);
    assert.equal(hasMotion(result, 0), false);
  }
});

test('a moving square is found where it is, and nowhere else', () => {
  const frames = Array.from({ length: 12 }, (_, i) => scene(320, 240, { square: squareAt(i) }));
  const results = run(frames);
  assert.equal(results[0]!.changedCells, 0);
  for (let i = 1; i < results.length; i++) {
    const r = results[i]!;
    const sq = squareAt(i);
    assert.ok(hasMotion(r, 0.001), `frame ${i}`);
    assert.ok(boxHasMotion(r, sq), `square at frame ${i}`);
    assert.equal(boxHasMotion(r, FAR), false);
    assert.ok(r.boxes.some((b) => b.x < sq.x + sq.w && b.x + b.w > sq.x && b.y < sq.y + sq.h && b.y + b.h > sq.y));
    for (let c = 0; c < r.mask.length; c++) {
      if (r.mask[c] === 0) continue;
      const cx = ((c % r.gridWidth) + 0.5) * r.cellWidth;
      const cy = (Math.floor(c / r.gridWidth) + 0.5) * r.cellHeight;
      assert.ok(cx > 35 && cx < sq.x + sq.w + 5 && cy > 95 && cy < 135, `changed cell at ${cx},${cy} in frame ${i}`);
    }
  }
});

test('global brightness flicker is discounted, a moving square still shows through it', () => {
  const maps = [{ gain: 1, offset: 0 }, { gain: 1.2, offset: 0 }, { gain: 0.85, offset: 0 }, { gain: 1, offset: 25 }, { gain: 1, offset: -20 }, { gain: 1.1, offset: 10 }];
  const flicker = maps.map((m) => scene(320, 240, m));
  for (const r of run(flicker)) assert.equal(r.changedCells, 0, `gain ${r.gain} offset ${r.offset}`);
  const uncompensated = run(flicker, { compensateBrightness: false });
  assert.ok(uncompensated.slice(1).every((r) => r.changedFraction > 0.5), 'without compensation flicker is motion');
  const both = run(maps.map((m, i) => scene(320, 240, { ...m, square: squareAt(i) })));
  for (let i = 1; i < both.length; i++) {
    assert.ok(boxHasMotion(both[i]!, squareAt(i)), `square at frame ${i}`);
    assert.equal(boxHasMotion(both[i]!, FAR), false, `far box at frame ${i}`);
    assert.ok(both[i]!.changedFraction < 0.05);
  }
});

test('sourceScale reports boxes and answers box queries in source pixels', () => {
  const frames = [scene(320, 240), scene(320, 240, { square: squareAt(3) })];
  const [, frameScale] = run(frames);
  const [, sourceScale] = run(frames, { sourceScale: { x: 2.5, y: 2.5 } });
  assert.ok(frameScale !== undefined && sourceScale !== undefined);
  assert.equal(sourceScale.cellWidth, frameScale.cellWidth * 2.5);
  assert.deepEqual(sourceScale.boxes, frameScale.boxes.map((b) => ({ x: b.x * 2.5, y: b.y * 2.5, w: b.w * 2.5, h: b.h * 2.5 })));
  const sq = squareAt(3);
  assert.ok(boxHasMotion(sourceScale, { x: sq.x * 2.5, y: sq.y * 2.5, w: sq.w * 2.5, h: sq.h * 2.5 }));
  assert.equal(boxMotionFraction(sourceScale, { x: 10_000, y: 0, w: 10, h: 10 }), 0);
});

test('box queries measure the share of changed cells and honour minFraction', () => {
  const [, r] = run([scene(320, 240), scene(320, 240, { square: { x: 100, y: 100, w: 50, h: 50 } })]);
  assert.ok(r !== undefined);
  assert.equal(boxMotionFraction(r, { x: 100, y: 100, w: 50, h: 50 }), 1);
  const half = boxMotionFraction(r, { x: 50, y: 100, w: 100, h: 50 });
  assert.ok(half > 0.4 && half < 0.6, String(half));
  assert.ok(boxHasMotion(r, { x: 50, y: 100, w: 100, h: 50 }, 0.4));
  assert.equal(boxHasMotion(r, { x: 50, y: 100, w: 100, h: 50 }, 0.7), false);
  assert.equal(hasMotion(r, 0.5), false);
});

test('the background learns a change that stays: a parked object stops being motion', () => {
  const frames = [scene(320, 240), ...Array.from({ length: 80 }, () => scene(320, 240, { square: { x: 100, y: 100, w: 40, h: 40 } }))];
  const results = run(frames, { alpha: 0.1 });
  assert.ok(results[1]!.changedCells > 0);
  assert.equal(results.at(-1)!.changedCells, 0);
});

test('detectMotion is pure, and a new frame size starts a new background', () => {
  const first = detectMotion(null, scene(320, 240));
  const before = Float32Array.from(first.state.background);
  detectMotion(first.state, scene(320, 240, { square: squareAt(0), gain: 1.3 }));
  assert.deepEqual(first.state.background, before);
  const resized = detectMotion(first.state, scene(160, 90));
  assert.equal(resized.result.changedCells, 0);
  assert.deepEqual([resized.state.gridWidth, resized.state.gridHeight], [64, 36]);
  assert.throws(() => detectMotion(null, { width: 10, height: 10, data: new Uint8Array(10) }), RangeError);
});

test('100 calls on 512x512 frames keep one state; their cost is reported, not asserted (a loaded machine must not fail a unit test on time)', (t) => {
  const frames = [scene(512, 512), scene(512, 512, { square: { x: 200, y: 200, w: 60, h: 60 } })];
  let state: MotionState | null = null;
  for (let i = 0; i < 30; i++) state = detectMotion(state, frames[i % 2]!).state;
  const calls = 100;
  // eslint-disable-next-line no-restricted-globals -- the test measures the cost of the function; the function itself never reads a clock
  const start = performance.now();
  for (let i = 0; i < calls; i++) state = detectMotion(state, frames[i % 2]!).state;
  // eslint-disable-next-line no-restricted-globals -- as above
  const perCall = (performance.now() - start) / calls;
  t.diagnostic(`detectMotion 512x512: ${perCall.toFixed(3)} ms per call`);
  assert.ok(state !== null && state.gridWidth > 0 && state.gridHeight > 0);
});
