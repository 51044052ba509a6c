import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DetectOptions, Detector, RawDetection, RgbImage } from './detector.ts';
import { cutTile, tileLayout, withTiles } from './tiles.ts';

const OPTIONS: DetectOptions = { minScore: 0.1, classes: ['person'], nmsIou: 0.3, maxDetections: 100 };

/** An image whose pixel (x, y) holds x in R, y in G (both modulo 256). */
function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x & 255, y & 255, 7], (y * width + x) * 3);
  return { width, height, data };
}

/**
 * A detector of 64x48 inputs that "sees" a person wherever the picture it is given has a pixel with
 * B = 200: a 10x10 box there, scoring 0.9 (or what G says, for boxes on a seam).
 */
function markerDetector(calls: RgbImage[]): Detector {
  return {
    traits: { name: 'markers', inputWidth: 64, inputHeight: 48, classes: ['person'] },
    detect(image) {
      calls.push(image);
      assert.equal(image.width, 64);
      assert.equal(image.height, 48);
      const out: RawDetection[] = [];
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          if (image.data[(y * image.width + x) * 3 + 2] === 200) out.push({ box: { x, y, w: 10, h: 10 }, score: 0.9, class: 'person' });
        }
      }
      return Promise.resolve(out);
    },
    dispose: () => Promise.resolve(),
  };
}

describe('tileLayout', () => {
  test('without a grid, one tile: the model input itself', () => {
    assert.deepEqual(tileLayout({ width: 512, height: 512 }, undefined), { width: 512, height: 512, tiles: [{ x: 0, y: 0, w: 512, h: 512 }] });
    assert.equal(tileLayout({ width: 512, height: 512 }, { columns: 1, rows: 1, overlap: 0.2 }).tiles.length, 1);
  });

  test('3x2 tiles of 512 with a fifth shared cover 1331x922, spread evenly, the last flush with the edges', () => {
    const l = tileLayout({ width: 512, height: 512 }, { columns: 3, rows: 2, overlap: 0.2 });
    assert.equal(l.width, 1331);
    assert.equal(l.height, 922);
    assert.deepEqual(
      l.tiles.map((t) => [t.x, t.y]),
      [
        [0, 0],
        [410, 0],
        [819, 0],
        [0, 410],
        [410, 410],
        [819, 410],
      ],
    );
    for (const t of l.tiles) {
      assert.ok(t.x + t.w <= l.width && t.y + t.h <= l.height);
      assert.equal(t.w, 512);
    }
    // Neighbours share about a fifth of a tile.
    assert.ok(Math.abs(l.tiles[0]!.x + 512 - l.tiles[1]!.x - 0.2 * 512) <= 1);
  });

  test('refuses grids that cannot be', () => {
    assert.throws(() => tileLayout({ width: 512, height: 512 }, { columns: 0, rows: 2, overlap: 0.2 }), /whole numbers/);
    assert.throws(() => tileLayout({ width: 512, height: 512 }, { columns: 2.5, rows: 2, overlap: 0.2 }), /whole numbers/);
    assert.throws(() => tileLayout({ width: 512, height: 512 }, { columns: 2, rows: 2, overlap: 0.6 }), /overlap/);
  });
});

describe('cutTile', () => {
  test('copies exactly the rectangle, row by row, into a reused buffer', () => {
    const image = gradient(100, 80);
    const into = new Uint8Array(30 * 20 * 3);
    const tile = cutTile(image, { x: 40, y: 50, w: 30, h: 20 }, into);
    assert.equal(tile.data, into);
    assert.deepEqual([tile.width, tile.height], [30, 20]);
    for (const [tx, ty] of [[0, 0], [29, 0], [0, 19], [29, 19], [13, 7]] as const) {
      const o = (ty * 30 + tx) * 3;
      assert.deepEqual([...tile.data.subarray(o, o + 3)], [40 + tx, 50 + ty, 7]);
    }
  });

  test('refuses a rectangle outside the image', () => {
    assert.throws(() => cutTile(gradient(100, 80), { x: 80, y: 0, w: 30, h: 20 }), /outside the 100x80 image/);
  });
});

describe('withTiles', () => {
  test('without tiles in the options the call goes to the model as it is', async () => {
    const calls: RgbImage[] = [];
    const d = withTiles(markerDetector(calls));
    const image = gradient(64, 48);
    await d.detect(image, OPTIONS);
    assert.equal(calls.length, 1);
    assert.equal(calls[0], image);
  });

  test('detects in every tile and puts each box back where it lies in the frame, a person on a seam once', async () => {
    const calls: RgbImage[] = [];
    const d = withTiles(markerDetector(calls));
    const grid = { columns: 3, rows: 2, overlap: 0.25, width: 64, height: 48 };
    const l = tileLayout({ width: 64, height: 48 }, grid);
    const image = gradient(l.width, l.height);
    const mark = (x: number, y: number): void => void image.data.set([0, 0, 200], (y * l.width + x) * 3);
    mark(5, 5); // only in the first tile
    mark(l.width - 12, l.height - 12); // only in the last tile
    const seam = l.tiles[1]!.x + 2; // in the first and second tiles' shared strip
    mark(seam, 20);
    const found = await d.detect(image, { ...OPTIONS, tiles: grid });
    assert.equal(calls.length, 6);
    const at = found.map((f) => [f.box.x, f.box.y]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    assert.deepEqual(at, [
      [5, 5],
      [seam, 20],
      [l.width - 12, l.height - 12],
    ]);
  });

  test('a frame of another size than the grid covers is refused, saying the size it needs', async () => {
    const d = withTiles(markerDetector([]));
    await assert.rejects(d.detect(gradient(64, 48), { ...OPTIONS, tiles: { columns: 2, rows: 2, overlap: 0, width: 64, height: 48 } }), /a 2x2 tile grid needs 128x96 frames, got 64x48/);
  });
});
