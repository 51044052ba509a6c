import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordedSpans } from './spans.ts';

const seg = (startTime: number, endTime: number): { startTime: number; endTime: number } => ({ startTime, endTime });

test('segments that follow each other within the gap join; a longer gap splits', () => {
  assert.deepEqual(recordedSpans([seg(0, 10), seg(10.5, 20), seg(25, 30)], 0, 100, 1), [
    { start: 0, end: 20 },
    { start: 25, end: 30 },
  ]);
});

test('spans are clipped to the range, and segments outside it or empty are left out', () => {
  assert.deepEqual(recordedSpans([seg(-10, 5), seg(5, 5), seg(6, 50), seg(60, 70)], 0, 40, 2), [{ start: 0, end: 40 }]);
  assert.deepEqual(recordedSpans([], 0, 40, 2), []);
});

test('an overlapping segment does not shorten the span it joins', () => {
  assert.deepEqual(recordedSpans([seg(0, 30), seg(10, 20)], 0, 100, 0), [{ start: 0, end: 30 }]);
});
