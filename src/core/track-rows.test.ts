import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolateGaps, type TrackRow } from './track-rows.ts';

const row = (frame: number, id: number, x: number, score = 0.9): TrackRow => ({ frame, id, class: 'person', box: { x, y: 10, w: 20, h: 40 }, score });

test('interpolateGaps: table', async (t) => {
  const cases: { name: string; rows: TrackRow[]; max: number; want: [number, number, number][] }[] = [
    { name: 'empty', rows: [], max: 5, want: [] },
    { name: 'no gap', rows: [row(1, 1, 0), row(2, 1, 10)], max: 5, want: [[1, 1, 0], [2, 1, 10]] },
    { name: 'gap filled linearly', rows: [row(1, 1, 0), row(4, 1, 30)], max: 5, want: [[1, 1, 0], [2, 1, 10], [3, 1, 20], [4, 1, 30]] },
    { name: 'gap too long stays', rows: [row(1, 1, 0), row(10, 1, 90)], max: 5, want: [[1, 1, 0], [10, 1, 90]] },
    { name: 'ids never mixed', rows: [row(1, 1, 0), row(3, 2, 100), row(3, 1, 20)], max: 5, want: [[1, 1, 0], [2, 1, 10], [3, 1, 20], [3, 2, 100]] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = interpolateGaps(c.rows, c.max).map((r) => [r.frame, r.id, r.box.x]);
      assert.deepEqual(got, c.want, c.name);
    });
  }
});

test('interpolateGaps: filled rows take the lower neighbouring score', () => {
  const got = interpolateGaps([row(1, 1, 0, 0.9), row(3, 1, 20, 0.4)], 3);
  assert.equal(got[1]?.score, 0.4);
});
