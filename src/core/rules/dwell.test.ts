import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDwellBins, DWELL_BIN_COUNT, DWELL_BIN_LABELS, DWELL_BINS, dwellBin, emptyDwellBins, meanDwellSeconds, medianDwellSeconds } from './dwell.ts';

test('dwell bins: eight fixed bins, each with its label, the last open', () => {
  assert.equal(DWELL_BIN_COUNT, 8);
  assert.equal(DWELL_BIN_LABELS.length, DWELL_BIN_COUNT);
  assert.deepEqual(DWELL_BINS[0], { fromSeconds: 0, toSeconds: 5 });
  assert.deepEqual(DWELL_BINS.at(-1), { fromSeconds: 900, toSeconds: null });
  for (let i = 1; i < DWELL_BINS.length; i++) assert.equal(DWELL_BINS[i]!.fromSeconds, DWELL_BINS[i - 1]!.toSeconds, 'the bins leave no gap');
  assert.deepEqual(emptyDwellBins(), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('dwellBin: a bin holds its lower edge, not its upper one', () => {
  const cases: [number, number][] = [
    [0, 0], [4.99, 0], [5, 1], [14.9, 1], [15, 2], [29, 2], [30, 3], [59.9, 3], [60, 4], [119, 4], [120, 5], [299, 5], [300, 6], [899, 6], [900, 7], [86_400, 7],
    [-1, 0], [Number.NaN, 0],
  ];
  for (const [seconds, bin] of cases) assert.equal(dwellBin(seconds), bin, `${seconds} s`);
});

test('meanDwellSeconds: the exact mean to 0.1 s, null without exits', () => {
  assert.equal(meanDwellSeconds(0, 0), null);
  assert.equal(meanDwellSeconds(3, 10_000), 3.3);
  assert.equal(meanDwellSeconds(1, 905_449), 905.4);
});

test('medianDwellSeconds: interpolated in the bin of the middle exit', () => {
  const bins = (...counts: number[]): number[] => addDwellBins(emptyDwellBins(), counts);
  const cases: [string, number[], number | null][] = [
    ['none', bins(), null],
    ['one exit under 5 s: the middle of its bin', bins(1), 2.5],
    ['two in the first bin, two in the second: the edge between', bins(2, 2), 5],
    ['four in 5–15 s: halfway across it', bins(0, 4), 10],
    ['one short, three in 15–30 s: a third of the way into it', bins(1, 0, 3), 20],
    ['skewed: nine under 5 s, one of 20 min', bins(9, 0, 0, 0, 0, 0, 0, 1), 2.8],
    ['the middle in the open last bin: its lower edge, a lower bound', bins(0, 0, 0, 0, 0, 0, 1, 3), 900],
  ];
  for (const [name, counts, want] of cases) assert.equal(medianDwellSeconds(counts), want, name);
});

test('addDwellBins adds bin by bin', () => {
  assert.deepEqual(addDwellBins([1, 2, 0, 0, 0, 0, 0, 1], [0, 1, 1, 0, 0, 0, 0, 2]), [1, 3, 1, 0, 0, 0, 0, 3]);
});
