import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from './geometry.ts';
import {
  pointInPolygon,
  pointOnSegment,
  segmentContact,
  segmentsCross,
  segmentsIntersect,
  sideOfLine,
  signedDistanceToLine,
  type SegmentContact,
} from './polygon.ts';

test('sideOfLine and signedDistanceToLine: right of a → b on screen is positive (y down)', () => {
  const a: Point = [0, 0];
  const b: Point = [10, 0];
  const cases: { p: Point; side: -1 | 0 | 1; dist: number }[] = [
    { p: [5, 3], side: 1, dist: 3 },
    { p: [5, -4], side: -1, dist: -4 },
    { p: [50, 0], side: 0, dist: 0 },
    { p: [-7, 0], side: 0, dist: 0 },
  ];
  for (const { p, side, dist } of cases) {
    assert.equal(sideOfLine(a, b, p), side, `side of ${p}`);
    assert.equal(signedDistanceToLine(a, b, p), dist, `distance of ${p}`);
  }
  assert.equal(sideOfLine(a, a, [3, 4]), 0, 'a degenerate line has no sides');
  assert.equal(signedDistanceToLine(a, a, [3, 4]), 5, 'a degenerate line measures to its point');
});

test('segmentContact: crossing, touching, overlapping and disjoint segments', async (t) => {
  const cases: { name: string; s: [Point, Point, Point, Point]; want: SegmentContact }[] = [
    { name: 'X crossing', s: [[0, 0], [10, 10], [0, 10], [10, 0]], want: 'cross' },
    { name: 'disjoint, parallel', s: [[0, 0], [10, 0], [0, 1], [10, 1]], want: 'none' },
    { name: 'disjoint, lines cross outside', s: [[0, 0], [1, 1], [0, 10], [10, 0]], want: 'none' },
    { name: 'T: end point on the other interior', s: [[5, 0], [5, 5], [0, 5], [10, 5]], want: 'touch' },
    { name: 'L: shared end point', s: [[0, 0], [5, 5], [5, 5], [10, 0]], want: 'touch' },
    { name: 'end point on the other line but outside it', s: [[20, 0], [20, 5], [0, 5], [10, 5]], want: 'none' },
    { name: 'collinear overlap', s: [[0, 0], [10, 0], [5, 0], [15, 0]], want: 'overlap' },
    { name: 'collinear, one contains the other', s: [[0, 0], [10, 10], [2, 2], [3, 3]], want: 'overlap' },
    { name: 'collinear, end to end', s: [[0, 0], [5, 0], [5, 0], [9, 0]], want: 'touch' },
    { name: 'collinear, apart', s: [[0, 0], [4, 0], [5, 0], [9, 0]], want: 'none' },
    { name: 'vertical collinear apart', s: [[3, 0], [3, 4], [3, 5], [3, 9]], want: 'none' },
    { name: 'a point on a segment', s: [[5, 0], [5, 0], [0, 0], [10, 0]], want: 'touch' },
    { name: 'a point off a segment', s: [[5, 1], [5, 1], [0, 0], [10, 0]], want: 'none' },
    { name: 'two equal points', s: [[2, 2], [2, 2], [2, 2], [2, 2]], want: 'touch' },
    { name: 'two different points', s: [[2, 2], [2, 2], [3, 2], [3, 2]], want: 'none' },
    { name: 'fractional crossing', s: [[0.5, 0.25], [0.75, 3.5], [0, 2], [3, 1.75]], want: 'cross' },
  ];
  for (const { name, s, want } of cases) {
    await t.test(name, () => {
      assert.equal(segmentContact(...s), want, name);
      assert.equal(segmentContact(s[2], s[3], s[0], s[1]), want, `${name} (swapped)`);
      assert.equal(segmentContact(s[1], s[0], s[3], s[2]), want, `${name} (reversed)`);
      assert.equal(segmentsIntersect(...s), want !== 'none', `${name} intersects`);
      assert.equal(segmentsCross(...s), want === 'cross', `${name} crosses`);
    });
  }
});

test('pointOnSegment: end points included, collinear points beyond excluded', () => {
  assert.equal(pointOnSegment([0, 0], [10, 10], [0, 0]), true);
  assert.equal(pointOnSegment([0, 0], [10, 10], [4, 4]), true);
  assert.equal(pointOnSegment([0, 0], [10, 10], [11, 11]), false);
  assert.equal(pointOnSegment([0, 0], [10, 10], [4, 5]), false);
});

test('pointInPolygon: interior, exterior, boundary (inside), concave and self-intersecting shapes', async (t) => {
  const square: Point[] = [[0, 0], [10, 0], [10, 10], [0, 10]];
  const concave: Point[] = [[0, 0], [10, 0], [10, 10], [5, 5], [0, 10]]; // a V notch cut up from the y = 10 edge
  const bowtie: Point[] = [[0, 0], [10, 10], [10, 0], [0, 10]];
  const cases: { name: string; poly: Point[]; p: Point; want: boolean }[] = [
    { name: 'centre', poly: square, p: [5, 5], want: true },
    { name: 'outside right', poly: square, p: [11, 5], want: false },
    { name: 'outside left at a vertex height', poly: square, p: [-1, 0], want: false },
    { name: 'on an edge', poly: square, p: [10, 5], want: true },
    { name: 'on a vertex', poly: square, p: [0, 10], want: true },
    { name: 'in the notch of a concave polygon', poly: concave, p: [5, 8], want: false },
    { name: 'beside the notch', poly: concave, p: [2, 8], want: true },
    { name: 'ray through a reflex vertex', poly: concave, p: [1, 5], want: true },
    { name: 'bowtie lobe', poly: bowtie, p: [2, 5], want: true },
    { name: 'bowtie empty side', poly: bowtie, p: [5, 2], want: false },
    { name: 'empty polygon', poly: [], p: [0, 0], want: false },
    { name: 'two points: only the segment', poly: [[0, 0], [4, 0]], p: [2, 0], want: true },
  ];
  for (const { name, poly, p, want } of cases) {
    await t.test(name, () => {
      assert.equal(pointInPolygon(p, poly), want, name);
    });
  }
});
