import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addHeat, createHeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent } from '../core/rules/types.ts';
import { DayTotals, heatSince, ObjectTally } from './live-tallies.ts';

const DAY = 86_400_000;
const cross = (rule: string, direction: 'in' | 'out'): RuleEvent => ({ type: 'line_crossing', rule, trackId: 1, class: 'person', frame: 1, time: 0, direction });

test('day totals start from the stored ones, count crossings only, and reset at the UTC day', () => {
  const t = new DayTotals();
  t.load(['door', 'gate'], 10 * DAY + 5, [{ line: 'door', in: 2, out: 1 }, { line: 'elsewhere', in: 9, out: 9 }]);
  assert.deepEqual(t.add([cross('door', 'in'), { ...cross('door', 'in'), type: 'zone_enter' }], 10 * DAY + 100), [{ line: 'door', in: 3, out: 1 }]);
  assert.deepEqual(t.add([cross('gate', 'out'), cross('gate', 'out')], 10 * DAY + 200), [{ line: 'gate', in: 0, out: 2 }]);
  assert.deepEqual(t.add([], 10 * DAY + 300), []);
  assert.deepEqual(t.add([cross('door', 'out')], 11 * DAY + 1), [{ line: 'door', in: 0, out: 1 }], 'a new day starts from zero');
});

test('the object tally reports changes only, with classes that left at 0', () => {
  const o = new ObjectTally();
  assert.deepEqual(o.update(['person', 'person', 'car']), { person: 2, car: 1 });
  assert.equal(o.update(['car', 'person', 'person']), null);
  assert.deepEqual(o.update(['person']), { person: 1, car: 0 });
  assert.deepEqual(o.update([]), { person: 0 });
  assert.equal(o.update([]), null);
});

test('heatSince gives the heat added since the last write, or null', () => {
  const g0 = createHeatGrid({ width: 64, height: 32 }, 16);
  const g1 = addHeat(g0, [[5, 5]], 2);
  const g2 = addHeat(g1, [[40, 20]], 1);
  assert.equal(heatSince(g0, null), null);
  assert.deepEqual([...heatSince(g1, null)!.seconds], [...g1.seconds]);
  const d = heatSince(g2, g1)!;
  assert.equal(d.seconds.reduce((a, b) => a + b, 0), 1);
  assert.equal(heatSince(g2, g2), null);
});
