import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countingAccuracy, evaluateTracking, type CountingAccuracy, type LineCounts } from './evaluate.ts';
import { parseMot, sequenceFromTracks, type MotSequence } from './mot-format.ts';

function parsed(text: string): MotSequence {
  const result = parseMot(text);
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

test('a perfect tracker scores 1 everywhere', () => {
  const gt = parsed('1,1,0,0,10,10,1\n1,2,50,0,10,10,1\n2,1,1,0,10,10,1\n2,2,51,0,10,10,1');
  const tracks = parsed('1,4,0,0,10,10,0.9\n1,3,50,0,10,10,0.8\n2,4,1,0,10,10,0.9\n2,3,51,0,10,10,0.7');
  const got = evaluateTracking(gt, tracks);
  assert.deepEqual(
    [got.mota, got.motp, got.motpIou, got.idf1, got.hota, got.detA, got.assA, got.locA, got.numSwitches, got.mostlyTracked],
    [1, 0, 1, 1, 1, 1, 1, 1, 0, 2],
  );
});

test('ground-truth rows marked 0 are not evaluated: no miss for an unmatched ignored box', () => {
  const gt = parsed('1,1,0,0,10,10,1\n1,2,50,0,10,10,0');
  const tracks = parsed('1,1,0,0,10,10,1');
  const got = evaluateTracking(gt, tracks);
  assert.equal(got.numObjects, 1);
  assert.equal(got.numMisses, 0);
  assert.equal(got.mota, 1);
  assert.equal(got.idf1, 1);
  assert.equal(got.hota, 1);
});

test('in-memory tracks score like their MOTChallenge text', () => {
  const gt = parsed('1,1,0,0,10,10,1\n2,1,2,0,10,10,1\n3,1,4,0,10,10,1');
  const box = { x: 0, y: 0, w: 10, h: 10 };
  const tracks = sequenceFromTracks([
    { frame: 1, tracks: [{ id: 1, box, score: 0.9 }] },
    { frame: 3, tracks: [{ id: 2, box: { ...box, x: 4 }, score: 0.9 }] },
  ]);
  const got = evaluateTracking(gt, tracks);
  assert.equal(got.numMisses, 1);
  assert.equal(got.numSwitches, 1);
  assert.ok(Math.abs(got.mota - (1 - 2 / 3)) < 1e-12);
});

const truth: LineCounts = { vertical: { in: 12, out: 15 }, horizontal: { in: 14, out: 20 } };

const counting: readonly { name: string; got: LineCounts; want: Omit<CountingAccuracy, 'comparisons'> }[] = [
  { name: 'exact counts', got: truth, want: { totalTruth: 61, totalAbsoluteError: 0, accuracy: 1 } },
  {
    name: 'errors in both directions add up',
    got: { vertical: { in: 11, out: 15 }, horizontal: { in: 16, out: 20 } },
    want: { totalTruth: 61, totalAbsoluteError: 3, accuracy: 1 - 3 / 61 },
  },
  { name: 'a line not measured counts as zero', got: { vertical: { in: 12, out: 15 } }, want: { totalTruth: 61, totalAbsoluteError: 34, accuracy: 1 - 34 / 61 } },
  {
    name: 'a line only measured is all error',
    got: { ...truth, extra: { in: 2, out: 1 } },
    want: { totalTruth: 61, totalAbsoluteError: 3, accuracy: 1 - 3 / 61 },
  },
  {
    name: 'accuracy is clamped at 0',
    got: { vertical: { in: 100, out: 100 }, horizontal: { in: 0, out: 0 } },
    want: { totalTruth: 61, totalAbsoluteError: 88 + 85 + 34, accuracy: 0 },
  },
];

for (const { name, got, want } of counting) {
  test(`counting accuracy: ${name}`, () => {
    const result = countingAccuracy(truth, got);
    assert.equal(result.totalTruth, want.totalTruth);
    assert.equal(result.totalAbsoluteError, want.totalAbsoluteError);
    assert.ok(Math.abs(result.accuracy - want.accuracy) < 1e-12, `accuracy ${result.accuracy}`);
  });
}

test('counting accuracy lists every line and direction with truth, measured value and error', () => {
  const result = countingAccuracy({ a: { in: 3, out: 0 } }, { a: { in: 1, out: 2 }, b: { in: 0, out: 4 } });
  assert.deepEqual(result.comparisons, [
    { line: 'a', direction: 'in', truth: 3, measured: 1, absoluteError: 2 },
    { line: 'a', direction: 'out', truth: 0, measured: 2, absoluteError: 2 },
    { line: 'b', direction: 'in', truth: 0, measured: 0, absoluteError: 0 },
    { line: 'b', direction: 'out', truth: 0, measured: 4, absoluteError: 4 },
  ]);
  assert.equal(result.accuracy, 0);
});

test('counting accuracy with no true crossings: 1 only when nothing was counted', () => {
  assert.equal(countingAccuracy({ a: { in: 0, out: 0 } }, { a: { in: 0, out: 0 } }).accuracy, 1);
  assert.equal(countingAccuracy({}, {}).accuracy, 1);
  assert.equal(countingAccuracy({ a: { in: 0, out: 0 } }, { a: { in: 1, out: 0 } }).accuracy, 0);
});

test('counting accuracy ignores extra fields such as events on each line', () => {
  const withEvents = { v: { in: 2, out: 1, events: [{ frame: 3 }] } };
  assert.equal(countingAccuracy(withEvents, { v: { in: 2, out: 1 } }).accuracy, 1);
});
