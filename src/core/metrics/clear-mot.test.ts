import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearMot, type ClearMotResult } from './clear-mot.ts';
import { parseMot, type MotSequence } from './mot-format.ts';

/** `frame id x y w h` per entry, confidence 1. */
function seq(rows: readonly (readonly number[])[]): MotSequence {
  const result = parseMot(rows.map((r) => `${r.join(',')},1`).join('\n'));
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

function expectScores(got: ClearMotResult, want: Partial<ClearMotResult>): void {
  for (const [key, value] of Object.entries(want) as [keyof ClearMotResult, number][]) {
    if (Number.isNaN(value) || !Number.isFinite(value)) assert.equal(got[key], value, key);
    else assert.ok(Math.abs(got[key] - value) < 1e-9, `${key}: got ${got[key]}, want ${value}`);
  }
}

const A = [0, 0, 10, 10];
const FAR = [100, 100, 10, 10];

const cases: readonly { name: string; gt: number[][]; tracks: number[][]; want: Partial<ClearMotResult> }[] = [
  {
    name: 'a perfect tracker (other ids) scores MOTA 1 and MOTP 0',
    gt: [[1, 1, ...A], [1, 2, ...FAR], [2, 1, ...A], [2, 2, ...FAR], [3, 1, ...A], [3, 2, ...FAR]],
    tracks: [[1, 7, ...A], [1, 8, ...FAR], [2, 7, ...A], [2, 8, ...FAR], [3, 7, ...A], [3, 8, ...FAR]],
    want: { numFrames: 3, numMatches: 6, numSwitches: 0, numDetections: 6, numFalsePositives: 0, numMisses: 0, numObjects: 6, numPredictions: 6,
      numUniqueObjects: 2, mostlyTracked: 2, partiallyTracked: 0, mostlyLost: 0, numFragmentations: 0, mota: 1, motp: 0, motpIou: 1, recall: 1, precision: 1 },
  },
  {
    name: 'an id switch costs one in MOTA',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A], [4, 1, ...A]],
    tracks: [[1, 5, ...A], [2, 5, ...A], [3, 6, ...A], [4, 6, ...A]],
    want: { numMatches: 3, numSwitches: 1, numDetections: 4, numMisses: 0, numFalsePositives: 0, mota: 0.75, mostlyTracked: 1, numFragmentations: 0 },
  },
  {
    name: 'a switch is counted when the old partner is present but out of reach',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [[1, 5, ...A], [2, 5, ...FAR], [2, 6, ...A]],
    want: { numMatches: 1, numSwitches: 1, numFalsePositives: 1, numMisses: 0, mota: 0 },
  },
  {
    name: 'a switch is counted across frames in which the object is absent',
    gt: [[1, 1, ...A], [5, 1, ...A]],
    tracks: [[1, 5, ...A], [5, 6, ...A]],
    want: { numFrames: 2, numMatches: 1, numSwitches: 1, numFragmentations: 0, mota: 0.5 },
  },
  {
    name: 'a miss in the middle is a fragmentation',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A]],
    tracks: [[1, 1, ...A], [3, 1, ...A]],
    want: { numMatches: 2, numMisses: 1, numFalsePositives: 0, mota: 1 - 1 / 3, recall: 2 / 3, precision: 1, numFragmentations: 1,
      mostlyTracked: 0, partiallyTracked: 1, mostlyLost: 0 },
  },
  {
    name: 'misses before the first and after the last tracked frame are not fragmentations; two gaps are two',
    gt: [1, 2, 3, 4, 5, 6, 7, 8].map((f) => [f, 1, ...A]),
    tracks: [2, 4, 5, 7].map((f) => [f, 1, ...A]),
    want: { numMisses: 4, numFragmentations: 2, partiallyTracked: 1 },
  },
  {
    name: 'a false positive costs one in MOTA and precision',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [[1, 1, ...A], [2, 1, ...A], [2, 2, ...FAR]],
    want: { numMatches: 2, numFalsePositives: 1, numMisses: 0, mota: 0.5, recall: 1, precision: 2 / 3 },
  },
  {
    name: 'IoU exactly 0.5 matches (distance 0.5); IoU 0.4 does not',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [[1, 1, 0, 0, 10, 5], [2, 1, 0, 0, 10, 4]],
    want: { numMatches: 1, numMisses: 1, numFalsePositives: 1, motp: 0.5, motpIou: 0.5, mota: 0 },
  },
  {
    name: 'MOTP is the mean of 1 − IoU over matches',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [[1, 1, 0, 0, 10, 6], [2, 1, 0, 0, 10, 8]],
    want: { numMatches: 2, motp: (0.4 + 0.2) / 2, motpIou: 0.7 },
  },
  {
    name: 'an established pairing is kept even when swapping would lower the distance',
    // Frame 2: gt 1 is closer to track b and gt 2 to track a, but both old pairs are still valid.
    gt: [[1, 1, 0, 0, 10, 10], [1, 2, 3, 0, 10, 10], [2, 1, 0, 0, 10, 10], [2, 2, 3, 0, 10, 10]],
    tracks: [[1, 1, 0, 0, 10, 10], [1, 2, 3, 0, 10, 10], [2, 1, 2, 0, 10, 10], [2, 2, 1, 0, 10, 10]],
    want: { numMatches: 4, numSwitches: 0, motp: (1 - 8 / 12) / 2 },
  },
  {
    name: 'the assignment minimises total distance for new pairs',
    gt: [[1, 1, 0, 0, 10, 10], [1, 2, 3, 0, 10, 10]],
    tracks: [[1, 1, 2, 0, 10, 10], [1, 2, 1, 0, 10, 10]],
    want: { numMatches: 2, motp: 1 - 9 / 11 },
  },
  {
    name: 'mostly tracked at exactly 80 %, mostly lost below 20 %',
    gt: [1, 2, 3, 4, 5].flatMap((f) => [[f, 1, ...A], [f, 2, ...FAR]]),
    tracks: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A], [4, 1, ...A]],
    want: { mostlyTracked: 1, partiallyTracked: 0, mostlyLost: 1, numUniqueObjects: 2 },
  },
  {
    name: 'both inputs empty: counts 0, ratios NaN',
    gt: [],
    tracks: [],
    want: { numFrames: 0, numObjects: 0, numMatches: 0, mota: NaN, motp: NaN, motpIou: 0, recall: NaN, precision: NaN, numUniqueObjects: 0 },
  },
  {
    name: 'no ground truth: every box a false positive, MOTA −∞ as in py-motmetrics',
    gt: [],
    tracks: [[1, 1, ...A], [2, 1, ...A]],
    want: { numFalsePositives: 2, numMisses: 0, mota: -Infinity, precision: 0, recall: NaN },
  },
  {
    name: 'no tracker output: every box a miss',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 2, ...FAR]],
    tracks: [],
    want: { numMisses: 3, numFalsePositives: 0, mota: 0, motp: NaN, recall: 0, precision: NaN, mostlyLost: 2, numFragmentations: 0 },
  },
];

for (const { name, gt, tracks, want } of cases) {
  test(name, () => {
    expectScores(clearMot(seq(gt), seq(tracks)), want);
  });
}

test('a stricter IoU threshold can be asked for', () => {
  const gt = seq([[1, 1, ...A]]);
  const tracks = seq([[1, 1, 0, 0, 10, 6]]);
  expectScores(clearMot(gt, tracks, { minIou: 0.7 }), { numMatches: 0, numMisses: 1, numFalsePositives: 1 });
  expectScores(clearMot(gt, tracks, { minIou: 0.6 }), { numMatches: 1 });
});
