import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityMetrics, type IdentityResult } from './identity.ts';
import { parseMot, type MotSequence } from './mot-format.ts';

/** `frame id x y w h` per entry, confidence 1. */
function seq(rows: readonly (readonly number[])[]): MotSequence {
  const result = parseMot(rows.map((r) => `${r.join(',')},1`).join('\n'));
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

const A = [0, 0, 10, 10];
const B = [100, 100, 10, 10];

const cases: readonly { name: string; gt: number[][]; tracks: number[][]; want: IdentityResult }[] = [
  {
    name: 'a perfect tracker (other ids) scores IDF1 1',
    gt: [[1, 1, ...A], [1, 2, ...B], [2, 1, ...A], [2, 2, ...B]],
    tracks: [[1, 9, ...A], [1, 8, ...B], [2, 9, ...A], [2, 8, ...B]],
    want: { idtp: 4, idfn: 0, idfp: 0, idp: 1, idr: 1, idf1: 1 },
  },
  {
    name: 'an id switch halfway: only one tracker id is credited',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A], [4, 1, ...A]],
    tracks: [[1, 5, ...A], [2, 5, ...A], [3, 6, ...A], [4, 6, ...A]],
    want: { idtp: 2, idfn: 2, idfp: 2, idp: 0.5, idr: 0.5, idf1: 0.5 },
  },
  {
    name: 'a miss',
    gt: [[1, 1, ...A], [2, 1, ...A], [3, 1, ...A]],
    tracks: [[1, 1, ...A], [3, 1, ...A]],
    want: { idtp: 2, idfn: 1, idfp: 0, idp: 1, idr: 2 / 3, idf1: 0.8 },
  },
  {
    name: 'a false positive',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [[1, 1, ...A], [2, 1, ...A], [2, 2, ...B]],
    want: { idtp: 2, idfn: 0, idfp: 1, idp: 2 / 3, idr: 1, idf1: 0.8 },
  },
  {
    name: 'the global pairing beats the greedy one (gt 1 ↔ track 6, gt 2 ↔ track 5)',
    // gt 1 overlaps track 5 for 3 frames and track 6 for 2; gt 2 overlaps track 5 for 2 frames.
    gt: [1, 2, 3, 4, 5].map((f) => [f, 1, ...A]).concat([6, 7].map((f) => [f, 2, ...B])),
    tracks: [1, 2, 3].map((f) => [f, 5, ...A]).concat([4, 5].map((f) => [f, 6, ...A]), [6, 7].map((f) => [f, 5, ...B])),
    want: { idtp: 4, idfn: 3, idfp: 3, idp: 4 / 7, idr: 4 / 7, idf1: 8 / 14 },
  },
  {
    name: 'boxes overlapping with IoU below 0.5 are not the same object',
    gt: [[1, 1, ...A]],
    tracks: [[1, 1, 0, 0, 10, 4]],
    want: { idtp: 0, idfn: 1, idfp: 1, idp: 0, idr: 0, idf1: 0 },
  },
  {
    name: 'both inputs empty: ratios NaN, as py-motmetrics',
    gt: [],
    tracks: [],
    want: { idtp: 0, idfn: 0, idfp: 0, idp: NaN, idr: NaN, idf1: NaN },
  },
  {
    name: 'no ground truth',
    gt: [],
    tracks: [[1, 1, ...A], [2, 1, ...A]],
    want: { idtp: 0, idfn: 0, idfp: 2, idp: 0, idr: NaN, idf1: 0 },
  },
  {
    name: 'no tracker output',
    gt: [[1, 1, ...A], [2, 1, ...A]],
    tracks: [],
    want: { idtp: 0, idfn: 2, idfp: 0, idp: NaN, idr: 0, idf1: 0 },
  },
];

for (const { name, gt, tracks, want } of cases) {
  test(name, () => {
    const got = identityMetrics(seq(gt), seq(tracks));
    for (const key of Object.keys(want) as (keyof IdentityResult)[]) {
      if (Number.isNaN(want[key])) assert.equal(got[key], NaN, key);
      else assert.ok(Math.abs(got[key] - want[key]) < 1e-12, `${key}: got ${got[key]}, want ${want[key]}`);
    }
  });
}
