import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOTA_ALPHAS, hotaMetrics, type HotaResult } from './hota.ts';
import { parseMot, type MotSequence } from './mot-format.ts';

/** `frame id x y w h` per entry, confidence 1. */
function seq(rows: readonly (readonly number[])[]): MotSequence {
  const result = parseMot(rows.map((r) => `${r.join(',')},1`).join('\n'));
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

type Summary = Pick<HotaResult, 'hota' | 'detA' | 'assA' | 'locA'> & Partial<Pick<HotaResult, 'detRe' | 'detPr' | 'assRe' | 'assPr'>>;

const A = [0, 0, 10, 10];
const B = [100, 100, 10, 10];

const cases: readonly { name: string; gt: number[][]; tracks: number[][]; want: Summary }[] = [
  {
    name: 'a perfect tracker (other ids) scores HOTA 1',
    gt: [[1, 1, ...A], [1, 2, ...B], [2, 1, ...A], [2, 2, ...B]],
    tracks: [[1, 9, ...A], [1, 8, ...B], [2, 9, ...A], [2, 8, ...B]],
    want: { hota: 1, detA: 1, assA: 1, locA: 1, detRe: 1, detPr: 1, assRe: 1, assPr: 1 },
  },
  {
    // Pairs (1,5) and (1,6) each match 2 frames: association Jaccard 2 / (4 + 2 − 2) = 0.5.
    name: 'an id switch halfway halves AssA',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A], [4, 1, ...A]],
    tracks: [[1, 5, ...A], [2, 5, ...A], [3, 6, ...A], [4, 6, ...A]],
    want: { hota: Math.SQRT1_2, detA: 1, assA: 0.5, locA: 1, assRe: 0.5, assPr: 1 },
  },
  {
    // TP 2, FN 1: DetA 2/3; association Jaccard 2 / (3 + 2 − 2) = 2/3.
    name: 'a miss lowers DetA and AssA',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A]],
    tracks: [[1, 1, ...A], [3, 1, ...A]],
    want: { hota: 2 / 3, detA: 2 / 3, assA: 2 / 3, locA: 1, detRe: 2 / 3, detPr: 1 },
  },
  {
    // TP 2, FP 1: DetA 2/3; the matched pair is perfect, AssA 1.
    name: 'a false positive lowers DetA only',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [[1, 1, ...A], [2, 1, ...A], [2, 2, ...B]],
    want: { hota: Math.sqrt(2 / 3), detA: 2 / 3, assA: 1, locA: 1, detRe: 1, detPr: 2 / 3 },
  },
  {
    // IoU 0.63 matches at the 12 alphas 0.05 … 0.60 and not at the 7 above; LocA is 1 where nothing matched.
    name: 'a loose box scores across the alpha thresholds',
    gt: [[1, 1, ...A]],
    tracks: [[1, 1, 0, 0, 10, 6.3]],
    want: { hota: 12 / 19, detA: 12 / 19, assA: 12 / 19, locA: (12 * 0.63 + 7) / 19 },
  },
  {
    name: 'both inputs empty',
    gt: [],
    tracks: [],
    want: { hota: 0, detA: 0, assA: 0, locA: 1 },
  },
  {
    name: 'no ground truth',
    gt: [],
    tracks: [[1, 1, ...A]],
    want: { hota: 0, detA: 0, assA: 0, locA: 1, detPr: 0 },
  },
  {
    name: 'no tracker output',
    gt: [[1, 1, ...A]],
    tracks: [],
    want: { hota: 0, detA: 0, assA: 0, locA: 1, detRe: 0 },
  },
];

for (const { name, gt, tracks, want } of cases) {
  test(name, () => {
    const got = hotaMetrics(seq(gt), seq(tracks));
    for (const key of Object.keys(want) as (keyof Summary)[]) {
      const value = want[key]!;
      assert.ok(Math.abs(got[key] - value) < 1e-12, `${key}: got ${got[key]}, want ${value}`);
    }
  });
}

test('the alignment score steers the per-frame assignment towards the consistent id', () => {
  // Frame 3: track 7 (a steady partner of gt 1) and track 8 (new) both overlap gt 1 perfectly;
  // the global alignment score favours 7, so association stays whole.
  const gt = seq([[1, 1, ...A], [2, 1, ...A], [3, 1, ...A]]);
  const tracks = seq([[1, 7, ...A], [2, 7, ...A], [3, 8, ...A], [3, 7, ...A]]);
  const got = hotaMetrics(gt, tracks);
  assert.equal(got.perAlpha[0]!.tp, 3);
  assert.equal(got.perAlpha[0]!.fp, 1);
  assert.equal(got.assA, 1); // choosing track 8 would give (2·2/4 + 1·1/3) / 3 ≈ 0.44
});

test('reports the 19 TrackEval alphas with counts', () => {
  assert.equal(HOTA_ALPHAS.length, 19);
  assert.ok(Math.abs(HOTA_ALPHAS[0]! - 0.05) < 1e-12 && Math.abs(HOTA_ALPHAS[18]! - 0.95) < 1e-12);
  const got = hotaMetrics(seq([[1, 1, ...A]]), seq([[1, 1, 0, 0, 10, 6.3]]));
  assert.deepEqual(got.perAlpha.map((s) => s.tp), HOTA_ALPHAS.map((a) => (a <= 0.63 ? 1 : 0)));
});
