import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectClass, Track } from '../detection.ts';
import type { Point } from '../geometry.ts';
import {
  addHeat,
  createHeatGrid,
  createHeatState,
  heatCellIndex,
  heatMax,
  mergeHeatGrids,
  heatScale,
  normalizeHeatGrid,
  stepHeat,
  type HeatOptions,
  type HeatState,
} from './heat-grid.ts';
import type { TrackFrame } from './types.ts';

const SIZE = { width: 100, height: 50 };
const ALL: HeatOptions = { classes: null, maxDtSeconds: 1 };

function track(id: number, at: Point, opts: { coast?: boolean; cls?: ObjectClass } = {}): Track {
  return { id, class: opts.cls ?? 'person', box: { x: at[0] - 2, y: at[1] - 8, w: 4, h: 8 }, score: 0.9, observed: !opts.coast };
}

/** Paints frames at the given times (frame i + 1), each with the given tracks, and returns the state. */
function paint(times: readonly number[], tracks: (i: number) => Track[], options: HeatOptions = ALL, cell = 10): HeatState {
  let state = createHeatState(SIZE, cell);
  times.forEach((time, i) => {
    const frame: TrackFrame = { frame: i + 1, time, tracks: tracks(i) };
    state = stepHeat(state, frame, options);
  });
  return state;
}

/** Seconds of the cell under a point. */
function at(state: HeatState, p: Point): number {
  return state.grid.seconds[heatCellIndex(state.grid, p)]!;
}

test('createHeatGrid: cells tile the frame exactly', () => {
  const g = createHeatGrid({ width: 768, height: 576 });
  assert.deepEqual([g.cols, g.rows, g.cellWidth, g.cellHeight, g.seconds.length], [48, 36, 16, 16, 48 * 36]);
  const odd = createHeatGrid({ width: 100, height: 30 }, 16);
  assert.equal(odd.cols * odd.cellWidth, 100);
  assert.equal(odd.rows * odd.cellHeight, 30);
  const tiny = createHeatGrid({ width: 5, height: 5 }, 64);
  assert.deepEqual([tiny.cols, tiny.rows], [1, 1]);
  assert.throws(() => createHeatGrid({ width: 0, height: 10 }), RangeError);
});

test('heatCellIndex: points map to their cell, outside points to the nearest edge cell', () => {
  const g = createHeatGrid(SIZE, 10); // 10 x 5 cells
  const cases: { p: Point; want: number }[] = [
    { p: [0, 0], want: 0 },
    { p: [15, 5], want: 1 },
    { p: [15, 25], want: 21 },
    { p: [100, 50], want: 49 },
    { p: [-20, 60], want: 40 },
    { p: [Number.NaN, 5], want: -1 },
  ];
  for (const { p, want } of cases) assert.equal(heatCellIndex(g, p), want, `${p}`);
});

test('stepHeat: accumulation of dwell from frame timestamps', async (t) => {
  const cases: { name: string; times: number[]; tracks: (i: number) => Track[]; options?: HeatOptions; cells: [Point, number][]; total: number }[] = [
    { name: 'no frames', times: [], tracks: () => [], cells: [], total: 0 },
    { name: 'the first frame adds nothing', times: [5], tracks: () => [track(1, [15, 25])], cells: [[[15, 25], 0]], total: 0 },
    {
      name: 'a still track gathers the elapsed time',
      times: [0, 0.25, 0.5, 0.75, 1],
      tracks: () => [track(1, [15, 25])],
      cells: [[[15, 25], 1]],
      total: 1,
    },
    {
      name: 'a gap is capped at maxDtSeconds',
      times: [0, 0.5, 30, 30.5],
      tracks: () => [track(1, [15, 25])],
      cells: [[[15, 25], 2]],
      total: 2,
    },
    {
      name: 'a custom cap',
      times: [0, 10],
      tracks: () => [track(1, [15, 25])],
      options: { classes: null, maxDtSeconds: 4 },
      cells: [[[15, 25], 4]],
      total: 4,
    },
    { name: 'time going backwards adds nothing', times: [10, 9, 9.5], tracks: () => [track(1, [15, 25])], cells: [[[15, 25], 0.5]], total: 0.5 },
    {
      name: 'a moving track paints each cell it stands in at each frame',
      times: [0, 1, 2, 3],
      tracks: (i) => [track(1, [5 + 10 * i, 5])],
      cells: [[[5, 5], 0], [[15, 5], 1], [[25, 5], 1], [[35, 5], 1]],
      total: 3,
    },
    {
      name: 'two tracks in one cell add up',
      times: [0, 1],
      tracks: () => [track(1, [12, 12]), track(2, [18, 18])],
      cells: [[[15, 15], 2]],
      total: 2,
    },
    { name: 'coasting tracks add nothing', times: [0, 1, 2], tracks: () => [track(1, [15, 25], { coast: true })], cells: [], total: 0 },
    {
      name: 'classes filter',
      times: [0, 1],
      tracks: () => [track(1, [15, 25]), track(2, [55, 25], { cls: 'car' })],
      options: { classes: ['car'], maxDtSeconds: 1 },
      cells: [[[15, 25], 0], [[55, 25], 1]],
      total: 1,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const state = paint(c.times, c.tracks, c.options);
      for (const [p, want] of c.cells) assert.equal(at(state, p), want, `${c.name}: cell at ${p}`);
      assert.equal(
        state.grid.seconds.reduce((s, v) => s + v, 0),
        c.total,
        `${c.name}: total`,
      );
    });
  }
});

test('heat grids are not modified by stepping, adding or merging', () => {
  const s0 = createHeatState(SIZE, 10);
  const s1 = stepHeat(s0, { frame: 1, time: 0, tracks: [track(1, [15, 25])] }, ALL);
  const s2 = stepHeat(s1, { frame: 2, time: 1, tracks: [track(1, [15, 25])] }, ALL);
  assert.equal(heatMax(s0.grid), 0);
  assert.equal(heatMax(s1.grid), 0);
  assert.equal(heatMax(s2.grid), 1);
  const added = addHeat(s2.grid, [[15, 25]], 2);
  assert.equal(heatMax(s2.grid), 1);
  assert.equal(heatMax(added), 3);
});

test('mergeHeatGrids sums cells of grids of one shape and refuses others', () => {
  const g = createHeatGrid(SIZE, 10);
  const a = addHeat(g, [[5, 5], [15, 5]], 1);
  const b = addHeat(g, [[15, 5], [95, 45]], 2);
  const m = mergeHeatGrids(a, b);
  assert.deepEqual([m.seconds[0], m.seconds[1], m.seconds[49], m.seconds[2]], [1, 3, 2, 0]);
  assert.equal(a.seconds[1], 1, 'inputs untouched');
  assert.throws(() => mergeHeatGrids(a, createHeatGrid(SIZE, 5)), RangeError);
});

test('normalizeHeatGrid scales to 0..1 by the hottest cell', () => {
  const g = addHeat(addHeat(createHeatGrid(SIZE, 10), [[5, 5]], 4), [[15, 5]], 1);
  const n = normalizeHeatGrid(g);
  assert.deepEqual([n[0], n[1], n[2]], [1, 0.25, 0]);
  assert.ok(normalizeHeatGrid(createHeatGrid(SIZE, 10)).every((v) => v === 0), 'an empty grid normalises to zeros');
});

test('heatScale ignores a few extreme cells, normalizeHeatGrid caps at the scale', () => {
  const g = createHeatGrid({ width: 400, height: 200 }, 10);
  assert.ok(g.seconds.length > 100);
  for (let i = 0; i < 100; i++) g.seconds[i] = 1 + (i % 5);
  g.seconds[100] = 500;
  assert.equal(heatMax(g), 500);
  assert.equal(heatScale(g), 5, 'the 98th percentile of warm cells, not the outlier');
  const n = normalizeHeatGrid(g, heatScale(g));
  assert.equal(n[100], 1, 'hotter than the scale is capped at 1');
  assert.equal(n[0], 0.2);
  const few = createHeatGrid(SIZE, 10);
  few.seconds[3] = 2;
  few.seconds[7] = 8;
  assert.equal(heatScale(few), 8, 'with few warm cells the scale is the largest');
  assert.equal(heatScale(createHeatGrid(SIZE, 10)), 0);
});
