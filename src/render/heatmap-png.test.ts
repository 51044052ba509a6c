import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { addHeat, createHeatGrid } from '../core/rules/heat-grid.ts';
import { composeHeatmap, formatSeconds, renderHeatmapPng, smoothHeat, turbo, type RgbFrame } from './heatmap-png.ts';

const W = 240;
const H = 160;

/** A frame with a different colour at every pixel, so that "kept" is a strong claim. */
function frame(): RgbFrame {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      data[i] = (x * 7 + y * 3) % 256;
      data[i + 1] = (x * 3 + y * 11) % 256;
      data[i + 2] = (x + y * 5 + 90) % 256;
    }
  }
  return { data, width: W, height: H };
}

function rgbAt(png: PNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
}

function frameAt(f: RgbFrame, x: number, y: number): number[] {
  const i = (y * f.width + x) * 3;
  return [f.data[i]!, f.data[i + 1]!, f.data[i + 2]!];
}

/** A 12 x 8 grid of 20-pixel cells: a hot block of 2 x 2 cells (pixels 40..79 each way) and a warm cell (col 8, row 2). */
function grid() {
  const g = createHeatGrid({ width: W, height: H }, 20);
  return addHeat(addHeat(g, [[50, 50], [70, 50], [50, 70], [70, 70]], 10), [[170, 50]], 2.5);
}

test('turbo runs from dark through blue and green to dark red', () => {
  assert.ok(Math.max(...turbo(0)) < 64, `turbo(0) = ${turbo(0)} is dark`);
  const [r0, g0, b0] = turbo(0.1);
  assert.ok(b0 > r0 && b0 > g0, `turbo(0.1) = ${turbo(0.1)} is blue`);
  const [r5, g5, b5] = turbo(0.5);
  assert.ok(g5 > r5 && g5 > b5, `turbo(0.5) = ${turbo(0.5)}`);
  const [r1, g1, b1] = turbo(1);
  assert.ok(r1 > g1 && r1 > b1 && r1 < 200, `turbo(1) = ${turbo(1)}`);
  assert.deepEqual(turbo(-1), turbo(0));
  assert.deepEqual(turbo(2), turbo(1));
});

test('formatSeconds: one decimal under 10 s, whole seconds above', () => {
  assert.deepEqual([0, 2.25, 9.94, 10, 12.6, 3600].map(formatSeconds), ['0.0s', '2.3s', '9.9s', '10s', '13s', '3600s']);
});

test('smoothHeat: peaks at the hot cell centre, falls off bilinearly, zero far away', () => {
  const s = smoothHeat(grid(), W, H);
  assert.equal(s[60 * W + 60]!, 1, 'between the hot cell centres');
  assert.ok(s[60 * W + 80]! > 0.4 && s[60 * W + 80]! < 0.6, 'half a cell beyond the last hot centre');
  assert.equal(s[60 * W + 95]!, 0, 'beyond the next cell centre');
  assert.equal(s[140 * W + 20]!, 0, 'far away');
  assert.ok(Math.abs(s[50 * W + 170]! - 0.25) < 0.02, 'the warm cell is a quarter of the hottest');
});

test('renderHeatmapPng: a PNG of the frame size, hot cells coloured, cold cells keep the frame', () => {
  const f = frame();
  const png = PNG.sync.read(renderHeatmapPng(f, grid()));
  assert.equal(png.width, W);
  assert.equal(png.height, H);

  // The hottest pixel is the frame blended 70% with turbo(1).
  const hot = rgbAt(png, 60, 60);
  const want = frameAt(f, 60, 60).map((v, c) => Math.round(v * 0.3 + turbo(1)[c]! * 0.7));
  hot.forEach((v, c) => assert.ok(Math.abs(v - want[c]!) <= 2, `hot pixel channel ${c}: ${v} vs ${want[c]}`));
  assert.notDeepEqual(rgbAt(png, 170, 50), frameAt(f, 170, 50), 'warm cell coloured too');

  // Every pixel away from the heat and the legend is the frame's own.
  let kept = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const nearHeat = y < 100 && ((x >= 20 && x < 100) || (x >= 140 && x < 200));
      const legend = y >= H - 30 && x >= W - 120;
      if (nearHeat || legend) continue;
      assert.deepEqual(rgbAt(png, x, y), frameAt(f, x, y), `pixel ${x},${y}`);
      kept++;
    }
  }
  assert.ok(kept > W * H * 0.5);
});

test('the legend darkens the bottom-right corner and draws its bar; it can be turned off', () => {
  const f = frame();
  const empty = createHeatGrid({ width: W, height: H }, 20);
  const withLegend = composeHeatmap(f, grid());
  const changed: number[] = [];
  for (let p = 0; p < W * H; p++) {
    const x = p % W;
    const y = Math.floor(p / W);
    if (y < H - 30 || x < W - 120) continue;
    if (withLegend.data[p * 3] !== f.data[p * 3] || withLegend.data[p * 3 + 1] !== f.data[p * 3 + 1]) changed.push(p);
  }
  assert.ok(changed.length > 500, `legend pixels changed: ${changed.length}`);
  const plain = composeHeatmap(f, empty, { legend: false });
  assert.deepEqual(plain.data, f.data, 'no heat, no legend: the frame itself');
  assert.deepEqual(f.data, frame().data, 'the input frame is not modified');
});

test('composeHeatmap refuses a frame whose bytes do not match its size', () => {
  assert.throws(() => composeHeatmap({ data: new Uint8Array(10), width: W, height: H }, grid()), RangeError);
});

test('a grid of another resolution than the frame is stretched over it', () => {
  const g = addHeat(createHeatGrid({ width: 768, height: 576 }), [[384, 288]], 5);
  const png = PNG.sync.read(renderHeatmapPng(frame(), g, { legend: false }));
  assert.equal(png.width, W);
  assert.notDeepEqual(rgbAt(png, 120, 80), frameAt(frame(), 120, 80));
  assert.deepEqual(rgbAt(png, 10, 10), frameAt(frame(), 10, 10));
});
