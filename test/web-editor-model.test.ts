/** The zone, line and privacy mask editor's model: geometry helpers, names, the checks it shows, moving handles and removing shapes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cameraSchema } from '../src/config/schema/server.ts';
import type { LineRule, MaskRule, Point, ZoneRule } from '../web/src/api/types.ts';
import { clampPoint, freeName, handlePoint, isPolygonTool, maskLabel, movePoint, problemsOf, removeShape, sameMasks, sideOf, type HandleRef, type Shapes } from '../web/src/components/EditorModel.ts';

const line = (over: Partial<LineRule> = {}): LineRule => ({ name: 'line-1', points: [[0, 0], [10, 0]], inside: [5, 5], classes: ['person'], ...over });
const zone = (over: Partial<ZoneRule> = {}): ZoneRule => ({ name: 'zone-1', polygon: [[0, 0], [10, 0], [10, 10]], classes: ['person'], ...over });
const mask = (over: Partial<MaskRule> = {}): MaskRule => ({ name: 'mask-1', polygon: [[20, 20], [40, 20], [40, 40], [20, 40]], ...over });
/** A polygon of n corners. */
const ngon = (n: number): Point[] => Array.from({ length: n }, (_, k): Point => [Math.round(100 + 50 * Math.cos((2 * Math.PI * k) / n)), Math.round(100 + 50 * Math.sin((2 * Math.PI * k) / n))]);

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

test('problemsOf lists what the server would refuse, and nothing for valid rules and masks', () => {
  const cases: [string, LineRule[], ZoneRule[], MaskRule[], RegExp[]][] = [
    ['valid', [line()], [zone()], [mask()], []],
    ['bad name', [line({ name: '-x' })], [], [], [/not a valid name/]],
    ['long name', [line({ name: 'a'.repeat(65) })], [], [], [/not a valid name/]],
    ['name twice', [line({ name: 'door' })], [zone({ name: 'door' })], [], [/used twice/]],
    ['no class', [line({ classes: [] })], [zone({ classes: [] })], [], [/counts no class/, /watches no class/]],
    ['same points', [line({ points: [[3, 3], [3, 3]] })], [], [], [/are the same/]],
    ['inside on the line', [line({ inside: [20, 0] })], [], [], [/lies on the line/]],
    ['two-point zone', [], [zone({ polygon: [[0, 0], [1, 1]] })], [], [/at least three points/]],
    ['crowd of one', [], [zone({ crowd: { count: 1, seconds: 5 } })], [], [/count of at least 2/]],
    ['mask without a name', [], [], [{ polygon: ngon(3) }], []],
    ['mask named like a zone', [], [zone({ name: 'door' })], [mask({ name: 'door' })], []],
    ['mask of 64 points', [], [], [mask({ polygon: ngon(64) })], []],
    ['two-point mask', [], [], [mask({ polygon: [[0, 0], [5, 5]] })], [/^Mask mask-1 needs at least three points/]],
    ['unnamed two-point mask', [], [], [mask(), { polygon: [[0, 0], [5, 5]] }], [/^Mask 2 \(no name\) needs at least three points/]],
    ['mask of 65 points', [], [], [mask({ polygon: ngon(65) })], [/has 65 points; a mask can have at most 64/]],
    ['bad mask name', [], [], [mask({ name: 'not ok' })], [/Mask name “not ok” is not valid/]],
    ['empty mask name', [], [], [mask({ name: '' })], [/Mask name “” is not valid/]],
    ['32 masks', [], [], Array.from({ length: 32 }, () => mask()), []],
    ['33 masks', [], [], Array.from({ length: 33 }, () => mask()), [/33 privacy masks; a camera can have at most 32: delete 1/]],
  ];
  for (const [name, lines, zones, masks, want] of cases) {
    const got = problemsOf({ lines, zones, masks });
    assert.equal(got.length, want.length, `${name}: ${got.join(' | ')}`);
    want.forEach((re, i) => assert.match(got[i] ?? '', re, name));
    // The masks' checks are the server's: it takes exactly the masks the editor finds no problem with.
    if (lines.length === 0 && zones.length === 0) assert.equal(cameraSchema.shape.privacyMasks.safeParse(masks).success, want.length === 0, `${name}: the server agrees`);
  }
});

test('handlePoint and movePoint address a line’s two points, its inside point and a zone’s and a mask’s vertices', () => {
  const shapes: Shapes = { lines: [line()], zones: [zone()], masks: [mask()] };
  const cases: [HandleRef, Point | undefined][] = [
    [{ kind: 'line', index: 0, point: 0 }, [0, 0]],
    [{ kind: 'line', index: 0, point: 1 }, [10, 0]],
    [{ kind: 'line', index: 0, point: 2 }, [5, 5]],
    [{ kind: 'zone', index: 0, point: 2 }, [10, 10]],
    [{ kind: 'mask', index: 0, point: 3 }, [20, 40]],
    [{ kind: 'zone', index: 0, point: 7 }, undefined],
    [{ kind: 'mask', index: 0, point: 4 }, undefined],
    [{ kind: 'mask', index: 1, point: 0 }, undefined],
    [{ kind: 'line', index: 3, point: 0 }, undefined],
  ];
  for (const [h, want] of cases) assert.deepEqual(handlePoint(shapes, h), want, JSON.stringify(h));

  const p: Point = [7, 8];
  for (const [h] of cases.slice(0, 5)) {
    const moved = movePoint(shapes, h, p);
    assert.deepEqual(handlePoint(moved, h), p, JSON.stringify(h));
    assert.deepEqual(shapes, { lines: [line()], zones: [zone()], masks: [mask()] }, 'the input shapes are not changed');
  }
  const moved = movePoint(shapes, { kind: 'line', index: 0, point: 1 }, p);
  assert.deepEqual(moved.lines[0]?.points, [[0, 0], [7, 8]]);
  assert.equal(moved.zones[0], shapes.zones[0], 'the other shapes are kept as they were');
  assert.equal(moved.masks[0], shapes.masks[0], 'the other shapes are kept as they were');
  const movedMask = movePoint(shapes, { kind: 'mask', index: 0, point: 1 }, p);
  assert.deepEqual(movedMask.masks[0], { name: 'mask-1', polygon: [[20, 20], [7, 8], [40, 40], [20, 40]] });
  assert.equal(movedMask.zones[0], shapes.zones[0], 'a mask’s handle moves no zone vertex of the same index');
  assert.equal(movedMask.lines[0], shapes.lines[0]);
});

test('removeShape removes the one shape named, of its own kind', () => {
  const shapes: Shapes = { lines: [line(), line({ name: 'line-2' })], zones: [zone()], masks: [mask(), mask({ name: 'mask-2' })] };
  const names = (s: Shapes): string[] => [...s.lines.map((l) => l.name), ...s.zones.map((z) => z.name), ...s.masks.map((m) => m.name ?? '?')];
  const cases: [Parameters<typeof removeShape>[1], string[]][] = [
    [{ kind: 'line', index: 0 }, ['line-2', 'zone-1', 'mask-1', 'mask-2']],
    [{ kind: 'zone', index: 0 }, ['line-1', 'line-2', 'mask-1', 'mask-2']],
    [{ kind: 'mask', index: 1 }, ['line-1', 'line-2', 'zone-1', 'mask-1']],
    [{ kind: 'mask', index: 5 }, ['line-1', 'line-2', 'zone-1', 'mask-1', 'mask-2']],
  ];
  for (const [s, want] of cases) assert.deepEqual(names(removeShape(shapes, s)), want, JSON.stringify(s));
  assert.equal(shapes.masks.length, 2, 'the input is not changed');
});

test('sameMasks compares names and corners in order; maskLabel names an unnamed mask by its place; polygon tools', () => {
  const cases: [string, MaskRule[], MaskRule[], boolean][] = [
    ['equal', [mask()], [mask()], true],
    ['both empty', [], [], true],
    ['one more', [mask()], [mask(), mask()], false],
    ['renamed', [mask()], [mask({ name: 'other' })], false],
    ['name removed', [mask()], [{ polygon: mask().polygon }], false],
    ['moved corner', [mask()], [mask({ polygon: [[20, 20], [40, 20], [40, 41], [20, 40]] })], false],
    ['corner added', [mask()], [mask({ polygon: [...mask().polygon, [0, 0]] })], false],
  ];
  for (const [name, a, b, want] of cases) {
    assert.equal(sameMasks(a, b), want, name);
    assert.equal(sameMasks(b, a), want, `${name}, reversed`);
  }
  assert.equal(maskLabel(mask({ name: 'window' }), 4), 'window');
  assert.equal(maskLabel({ polygon: ngon(3) }, 4), '5 (no name)');
  assert.deepEqual((['select', 'line', 'zone', 'mask'] as const).filter(isPolygonTool), ['zone', 'mask']);
});
