/** The zone and line editor's model: geometry helpers, names, the checks it shows, and moving handles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LineRule, Point, ZoneRule } from '../web/src/api/types.ts';
import { clampPoint, freeName, handlePoint, movePoint, problemsOf, sideOf, type HandleRef } from '../web/src/components/EditorModel.ts';

const line = (over: Partial<LineRule> = {}): LineRule => ({ name: 'line-1', points: [[0, 0], [10, 0]], inside: [5, 5], classes: ['person'], ...over });
const zone = (over: Partial<ZoneRule> = {}): ZoneRule => ({ name: 'zone-1', polygon: [[0, 0], [10, 0], [10, 10]], classes: ['person'], ...over });

test('clampPoint keeps a point inside the frame in whole pixels', () => {
  const size = { width: 640, height: 480 };
  const cases: [Point, Point][] = [
    [[10.4, 20.6], [10, 21]],
    [[-5, 500], [0, 480]],
    [[700, -1], [640, 0]],
    [[640, 480], [640, 480]],
  ];
  for (const [p, want] of cases) assert.deepEqual(clampPoint(p, size), want, JSON.stringify(p));
});

test('sideOf tells the side of a segment a point is on', () => {
  const seg: [Point, Point] = [[0, 0], [10, 0]];
  const cases: [Point, number][] = [
    [[5, 5], 1],
    [[5, -5], -1],
    [[20, 0], 0],
    [[5, 0], 0],
  ];
  for (const [p, sign] of cases) assert.equal(Math.sign(sideOf(seg, p)), sign, JSON.stringify(p));
});

test('freeName picks the first unused prefix-N', () => {
  const cases: [string, string[], string][] = [
    ['line', [], 'line-1'],
    ['line', ['line-1', 'line-2'], 'line-3'],
    ['zone', ['zone-2', 'line-1'], 'zone-1'],
    ['zone', ['zone-1', 'zone-3'], 'zone-2'],
  ];
  for (const [prefix, taken, want] of cases) assert.equal(freeName(prefix, taken), want);
});

test('problemsOf lists what the server would refuse, and nothing for valid rules', () => {
  const cases: [string, LineRule[], ZoneRule[], RegExp[]][] = [
    ['valid', [line()], [zone()], []],
    ['bad name', [line({ name: '-x' })], [], [/not a valid name/]],
    ['long name', [line({ name: 'a'.repeat(65) })], [], [/not a valid name/]],
    ['name twice', [line({ name: 'door' })], [zone({ name: 'door' })], [/used twice/]],
    ['no class', [line({ classes: [] })], [zone({ classes: [] })], [/counts no class/, /watches no class/]],
    ['same points', [line({ points: [[3, 3], [3, 3]] })], [], [/are the same/]],
    ['inside on the line', [line({ inside: [20, 0] })], [], [/lies on the line/]],
    ['two-point zone', [], [zone({ polygon: [[0, 0], [1, 1]] })], [/at least three points/]],
    ['crowd of one', [], [zone({ crowd: { count: 1, seconds: 5 } })], [/count of at least 2/]],
  ];
  for (const [name, lines, zones, want] of cases) {
    const got = problemsOf(lines, zones);
    assert.equal(got.length, want.length, `${name}: ${got.join(' | ')}`);
    want.forEach((re, i) => assert.match(got[i] ?? '', re, name));
  }
});

test('handlePoint and movePoint address a line’s two points, its inside point and a zone’s vertices', () => {
  const lines = [line()];
  const zones = [zone()];
  const cases: [HandleRef, Point | undefined][] = [
    [{ kind: 'line', index: 0, point: 0 }, [0, 0]],
    [{ kind: 'line', index: 0, point: 1 }, [10, 0]],
    [{ kind: 'line', index: 0, point: 2 }, [5, 5]],
    [{ kind: 'zone', index: 0, point: 2 }, [10, 10]],
    [{ kind: 'zone', index: 0, point: 7 }, undefined],
    [{ kind: 'line', index: 3, point: 0 }, undefined],
  ];
  for (const [h, want] of cases) assert.deepEqual(handlePoint(lines, zones, h), want, JSON.stringify(h));

  const p: Point = [7, 8];
  for (const [h] of cases.slice(0, 4)) {
    const moved = movePoint(lines, zones, h, p);
    assert.deepEqual(handlePoint(moved.lines, moved.zones, h), p, JSON.stringify(h));
    assert.deepEqual(lines, [line()], 'the input lines are not changed');
    assert.deepEqual(zones, [zone()], 'the input zones are not changed');
  }
  const moved = movePoint(lines, zones, { kind: 'line', index: 0, point: 1 }, p);
  assert.deepEqual(moved.lines[0]?.points, [[0, 0], [7, 8]]);
  assert.equal(moved.zones[0], zones[0], 'the other shapes are kept as they were');
});
