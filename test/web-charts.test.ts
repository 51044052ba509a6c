/** The charts' arithmetic: bucket starts, round steps, the bar, line and dwell scales, and dwell in words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DWELL_BINS } from '../src/core/rules/dwell.ts';
import { barScale, bucketStarts, CHART, DWELL_CHART, dwellBinShort, dwellScale, formatDwell, lineScale, medianText, niceStep, polylinePoints, type Bucket } from '../web/src/components/chart-scales.ts';

const H = 3_600_000;

test('bucketStarts lists the UTC-aligned buckets overlapping [from, to)', () => {
  const cases: [number, number, Bucket, number[]][] = [
    [0, 3 * H, 'hour', [0, H, 2 * H]],
    [30 * 60_000, 2 * H, 'hour', [0, H]],
    [H, H, 'hour', []],
    [90_000, 200_000, 'minute', [60_000, 120_000, 180_000]],
    [12 * H, 36 * H, 'day', [0, 24 * H]],
  ];
  for (const [from, to, bucket, want] of cases) assert.deepEqual(bucketStarts(from, to, bucket), want, `${from}-${to} ${bucket}`);
});

test('niceStep is 1, 2 or 5 times a power of ten, at least 1', () => {
  const cases: [number, number, number][] = [
    [0, 4, 1],
    [1, 4, 1],
    [4, 4, 1],
    [7, 4, 2],
    [20, 4, 5],
    [37, 4, 10],
    [400, 4, 100],
    [1234, 4, 500],
    [9, 2, 5],
  ];
  for (const [max, parts, want] of cases) assert.equal(niceStep(max, parts), want, `${max}/${parts}`);
});

test('barScale: totals, a top that is whole steps, ticks, and bars that fill half the plot at the top', () => {
  const s = barScale([
    { in: 3, out: 1 },
    { in: 0, out: 7 },
    { in: 2, out: 0 },
  ]);
  assert.equal(s.totalIn, 5);
  assert.equal(s.totalOut, 8);
  assert.equal(s.top, 10);
  assert.deepEqual(s.ticks, [5, 10]);
  const half = (CHART.height - CHART.top - CHART.bottom) / 2;
  assert.equal(s.mid, CHART.top + half);
  assert.equal(s.h(10), half);
  assert.equal(s.h(0), 0);
  assert.equal(s.slot, (CHART.width - CHART.left - CHART.right) / 3);
  assert.equal(s.x(0), CHART.left + s.slot / 2);
  assert.equal(s.x(2), CHART.left + s.slot * 2.5);
});

test('barScale of no crossings still has a unit scale (no division by zero)', () => {
  for (const values of [[], [{ in: 0, out: 0 }]]) {
    const s = barScale(values);
    assert.equal(s.top, 1);
    assert.deepEqual(s.ticks, [1]);
    assert.ok(Number.isFinite(s.x(0)) && Number.isFinite(s.h(0)));
  }
});

test('lineScale puts zero at the bottom of the plot and the top value at its top', () => {
  const s = lineScale({ a: [0, 3, 9], b: [12, 0, 1] }, 3);
  assert.equal(s.top, 15);
  assert.deepEqual(s.ticks, [0, 5, 10, 15]);
  assert.equal(s.y(0), CHART.height - CHART.bottom);
  assert.equal(s.y(15), CHART.top);
  const empty = lineScale({}, 0);
  assert.equal(empty.top, 1);
  assert.deepEqual(empty.ticks, [0, 1]);
});

test('polylinePoints writes x,y pairs with one decimal', () => {
  assert.equal(polylinePoints([0, 2], { x: (i) => i * 10.25, y: (v) => 100 - v / 3 }), '0.0,100.0 10.3,99.3');
  assert.equal(polylinePoints([], { x: (i) => i, y: (v) => v }), '');
});

test('dwellScale: one slot per bin, the tallest bar reaching the top of the plot, zero at the bottom', () => {
  const s = dwellScale([2, 8, 0, 4, 0, 0, 0, 1]);
  const plotH = DWELL_CHART.height - DWELL_CHART.top - DWELL_CHART.bottom;
  assert.equal(s.base, DWELL_CHART.top + plotH);
  assert.equal(s.h(8), plotH);
  assert.equal(s.h(4), plotH / 2);
  assert.equal(s.slot, (DWELL_CHART.width - DWELL_CHART.left - DWELL_CHART.right) / 8);
  assert.equal(s.x(7), DWELL_CHART.width - DWELL_CHART.right - s.slot / 2);
  const none = dwellScale([0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(none.h(0), 0, 'no exits: no division by zero');
});

test('dwellBinShort labels every bar briefly', () => {
  assert.deepEqual(DWELL_BINS.map((b) => dwellBinShort(b.fromSeconds, b.toSeconds)), ['<5s', '5–15s', '15–30s', '30–60s', '1–2m', '2–5m', '5–15m', '≥15m']);
});

test('formatDwell and medianText put a dwell in words', () => {
  const cases: [number | null, string][] = [
    [null, '—'], [0, '0 s'], [4.25, '4.3 s'], [9.96, '10 s'], [38.4, '38 s'], [59.6, '1 min'], [60, '1 min'], [125, '2 min 5 s'], [3599.4, '59 min 59 s'], [3600, '1 h'], [3780, '1 h 3 min'], [Number.NaN, '—'],
  ];
  for (const [seconds, want] of cases) assert.equal(formatDwell(seconds), want, String(seconds));
  assert.equal(medianText(null, 900), '—');
  assert.equal(medianText(17.5, 900), 'about 18 s');
  assert.equal(medianText(900, 900), '15 min or more');
});
