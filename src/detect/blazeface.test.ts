import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLAZEFACE_INPUT, blazeFaceAnchors, decodeBlazeFace } from './blazeface.ts';

const anchors = blazeFaceAnchors();
const count = anchors.length / 2;

/** A model answer with every anchor far below any threshold, and `faces` set at the anchors given. */
function answer(faces: readonly { anchor: number; logit: number; dx?: number; dy?: number; w: number; h: number }[]): { scores: Float32Array; boxes: Float32Array } {
  const scores = new Float32Array(count).fill(-20);
  const boxes = new Float32Array(count * 16);
  for (const f of faces) {
    scores[f.anchor] = f.logit;
    boxes.set([f.dx ?? 0, f.dy ?? 0, f.w, f.h], f.anchor * 16);
  }
  return { scores, boxes };
}

test('the anchors are the 16x16 grid with 2 per cell, then the 8x8 grid with 6, at cell centres', () => {
  assert.equal(count, 16 * 16 * 2 + 8 * 8 * 6);
  assert.deepEqual([anchors[0], anchors[1], anchors[2], anchors[3], anchors[4]], [8, 8, 8, 8, 24]);
  const firstCoarse = 16 * 16 * 2;
  assert.deepEqual([anchors[2 * firstCoarse], anchors[2 * firstCoarse + 1]], [16, 16]);
  assert.deepEqual([anchors.at(-2), anchors.at(-1)], [BLAZEFACE_INPUT - 16, BLAZEFACE_INPUT - 16]);
});

test('a face is its anchor plus the offset, sized by the answer, scored by the sigmoid of its logit', () => {
  const faces = decodeBlazeFace(answer([{ anchor: 3, logit: 2, dx: 4, dy: -2, w: 40, h: 50 }]));
  assert.equal(faces.length, 1);
  const [f] = faces;
  // Anchor 3 is cell (1, 0) of the fine grid: centre (24, 8).
  assert.deepEqual(f!.box, { x: 24 + 4 - 20, y: 8 - 2 - 25, w: 40, h: 50 });
  assert.ok(Math.abs(f!.score - 1 / (1 + Math.exp(-2))) < 1e-6);
});

test('faces below the confidence floor, with no size, or overlapping a better one are dropped, best first', () => {
  const coarse = 16 * 16 * 2;
  const faces = decodeBlazeFace(
    answer([
      { anchor: 100, logit: -3, w: 30, h: 30 }, // score 0.047: below 0.2
      { anchor: 200, logit: 3, w: 0, h: 30 }, // no width
      { anchor: coarse + 10, logit: 1, w: 60, h: 60 },
      { anchor: coarse + 11, logit: 2, w: 62, h: 62 }, // same cell, overlaps: the better one is kept
      { anchor: 0, logit: 0.5, w: 10, h: 10 },
    ]),
  );
  assert.equal(faces.length, 2);
  assert.equal(faces[0]!.box.w, 62);
  assert.equal(faces[1]!.box.w, 10);
  assert.ok(faces[0]!.score > faces[1]!.score);
});

test('an answer of the wrong size is refused with a clear error', () => {
  assert.throws(() => decodeBlazeFace({ scores: new Float32Array(10), boxes: new Float32Array(160) }), /BlazeFace answered 10 scores/);
});
