import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuleEvent } from '../core/rules/types.ts';
import { EventLifecycle, type LifecycleStep } from './lifecycle.ts';

const ids = (): (() => string) => {
  let n = 0;
  return () => `e${++n}`;
};
const crossing = (time: number): RuleEvent => ({ type: 'line_crossing', rule: 'door', trackId: 1, class: 'person', frame: time * 5, time, direction: 'in' });
const loiter = (time: number, phase: 'start' | 'end', trackId = 2): RuleEvent => ({ type: 'loitering', rule: 'plaza', trackId, class: 'person', frame: time * 5, time, phase, seconds: 15 });
const crowd = (time: number, phase: 'start' | 'end'): RuleEvent => ({ type: 'crowd', rule: 'plaza', trackId: null, class: 'person', frame: time * 5, time, phase, count: 5 });
const brief = (steps: readonly LifecycleStep[]): string[] => steps.map((s) => `${s.kind}:${s.id}${s.kind === 'update' ? `@${s.seconds}${s.count !== null ? `#${s.count}` : ''}` : ''}`);

test('lifecycle steps, frame by frame', async (t) => {
  const cases: { name: string; frames: [number, RuleEvent[], Record<string, number>][]; expected: string[][] }[] = [
    { name: 'an instant event is new and ended at once', frames: [[1, [crossing(1)], {}]], expected: [['new:e1', 'end:e1']] },
    {
      name: 'a duration alarm opens, updates every 5 s and ends',
      frames: [[10, [loiter(10, 'start')], {}], [12, [], {}], [15, [], {}], [17, [], {}], [20, [], {}], [21, [loiter(21, 'end')], {}]],
      expected: [['new:e1'], [], ['update:e1@5'], [], ['update:e1@10'], ['end:e1']],
    },
    {
      name: 'crowd updates carry the zone occupancy',
      frames: [[0, [crowd(0, 'start')], { plaza: 5 }], [5, [], { plaza: 7 }], [6, [crowd(6, 'end')], { plaza: 3 }]],
      expected: [['new:e1'], ['update:e1@5#7'], ['end:e1']],
    },
    { name: 'an end without a start is ignored', frames: [[3, [loiter(3, 'end')], {}]], expected: [[]] },
    {
      name: 'a second start of an open alarm is not a new event; two tracks are two events',
      frames: [[0, [loiter(0, 'start'), loiter(0, 'start', 3)], {}], [1, [loiter(1, 'start')], {}], [2, [loiter(2, 'end', 3)], {}]],
      expected: [['new:e1', 'new:e2'], [], ['end:e2']],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const life = new EventLifecycle(ids(), 5);
      const got = c.frames.map(([time, events, occ]) => brief(life.step(time, events, occ)));
      assert.deepEqual(got, c.expected, c.name);
    });
  }
});

test('closeAll ends every open event at the given time', () => {
  const life = new EventLifecycle(ids(), 5);
  life.step(0, [loiter(0, 'start'), crowd(0, 'start')], {});
  assert.equal(life.openEvents().length, 2);
  const steps = life.closeAll(4);
  assert.deepEqual(steps.map((s) => [s.kind, s.id, s.kind === 'end' ? s.seconds : -1, s.event.phase]), [['end', 'e1', 4, 'end'], ['end', 'e2', 4, 'end']]);
  assert.equal(life.openEvents().length, 0);
});
