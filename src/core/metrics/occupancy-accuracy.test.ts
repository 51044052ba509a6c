import assert from 'node:assert/strict';
import { test } from 'node:test';
import { occupancyAccuracy, parseCountsCsv } from './occupancy-accuracy.ts';

test('accuracy, mean and signed error over the frames of the truth; an unmeasured frame counts 0', () => {
  const truth = new Map([[1, 10], [2, 20], [3, 10]]);
  const a = occupancyAccuracy(truth, new Map([[1, 12], [2, 15], [4, 99]]));
  assert.deepEqual(a, { frames: 3, unmeasuredFrames: 1, totalTruth: 40, totalAbsoluteError: 17, accuracy: 1 - 17 / 40, meanAbsoluteError: 17 / 3, meanError: (2 - 5 - 10) / 3, maxAbsoluteError: 10, worstFrame: 3 });
  assert.equal(occupancyAccuracy(truth, truth).accuracy, 1);
  assert.ok(Number.isNaN(occupancyAccuracy(new Map([[1, 0]]), new Map()).accuracy));
});

test('counts CSV: frame numbers, or row order when the frame is a file name; zones; clear errors', () => {
  const a = parseCountsCsv('frame,count\nseq_000001.jpg,29\nseq_000002.jpg,30\n');
  assert.deepEqual(a.ok && [...a.value], [[1, 29], [2, 30]]);
  const b = parseCountsCsv('frame,time,zone,count\n3,0.300,mall,4\n3,0.300,door,1\n4,0.400,"mall",5\n', 'mall');
  assert.deepEqual(b.ok && [...b.value], [[3, 4], [4, 5]]);
  const twice = parseCountsCsv('frame,time,zone,count\n3,0.3,mall,4\n3,0.3,door,1\n');
  assert.deepEqual(!twice.ok && twice.error, { line: 3, message: 'frame 3 appears twice (several zones: choose one with --zone)' });
  const noCount = parseCountsCsv('frame,people\n1,2\n');
  assert.equal(!noCount.ok && noCount.error.line, 1);
  const bad = parseCountsCsv('count\n1\n-2\n');
  assert.deepEqual(!bad.ok && bad.error, { line: 3, message: 'count must be a number of at least 0, got "-2"' });
  const none = parseCountsCsv('frame,zone,count\n1,door,2\n', 'mall');
  assert.deepEqual(!none.ok && none.error.message, 'no counts of zone "mall"');
});
