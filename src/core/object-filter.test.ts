import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from './detection.ts';
import { filterDetections, noFilters, passesFilter, strictestFilters, type ObjectFilters } from './object-filter.ts';

const AREA = 100 * 100;
const det = (cls: Detection['class'], score: number, w: number, h: number): Detection => ({ class: cls, score, box: { x: 0, y: 0, w, h } });

test('passesFilter: score and size per class, unlisted classes pass', () => {
  const filters: ObjectFilters = { person: { minScore: 0.5, minArea: 0.01 }, car: { minArea: 0.1 } };
  const table: [Detection, boolean, string][] = [
    [det('person', 0.6, 10, 10), true, 'person at the score and exactly 1% of the picture'],
    [det('person', 0.49, 50, 50), false, 'person below the score'],
    [det('person', 0.9, 9, 10), false, 'person below the size'],
    [det('car', 0.05, 40, 30), true, 'car: no score limit, 12% of the picture'],
    [det('car', 0.9, 30, 30), false, 'car: 9% of the picture'],
    [det('bus', 0.01, 1, 1), true, 'bus: no filter'],
  ];
  for (const [d, expected, what] of table) assert.equal(passesFilter(d, filters, AREA), expected, what);
});

test('passesFilter: an unknown picture size (0) applies the score only', () => {
  assert.equal(passesFilter(det('person', 0.9, 1, 1), { person: { minArea: 0.5 } }, 0), true);
  assert.equal(passesFilter(det('person', 0.1, 1, 1), { person: { minScore: 0.5 } }, 0), false);
});

test('filterDetections keeps input order and returns the same array when nothing is dropped', () => {
  const ds = [det('person', 0.9, 20, 20), det('car', 0.2, 20, 20), det('person', 0.3, 20, 20)];
  assert.deepEqual(filterDetections(ds, { person: { minScore: 0.5 } }, AREA), [ds[0], ds[1]]);
  assert.equal(filterDetections(ds, {}, AREA), ds);
});

test('strictestFilters: the larger value of each field wins, fields and classes of either side are kept', () => {
  const table: [ObjectFilters, ObjectFilters, ObjectFilters][] = [
    [{}, {}, {}],
    [{ person: { minScore: 0.3 } }, {}, { person: { minScore: 0.3 } }],
    [{ person: { minScore: 0.3 } }, { person: { minScore: 0.5, minArea: 0.01 } }, { person: { minScore: 0.5, minArea: 0.01 } }],
    [{ person: { minScore: 0.7, minArea: 0.02 } }, { person: { minScore: 0.5, minArea: 0.05 } }, { person: { minScore: 0.7, minArea: 0.05 } }],
    [{ car: { minArea: 0.1 } }, { person: { minScore: 0.4 } }, { car: { minArea: 0.1 }, person: { minScore: 0.4 } }],
  ];
  for (const [a, b, expected] of table) {
    assert.deepEqual(strictestFilters(a, b), expected);
    assert.deepEqual(strictestFilters(b, a), expected);
  }
});

test('noFilters: true only when no class sets a value', () => {
  assert.equal(noFilters({}), true);
  assert.equal(noFilters({ person: {} }), true);
  assert.equal(noFilters({ person: { minArea: 0 } }), false);
});
