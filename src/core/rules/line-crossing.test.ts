import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectClass, Track } from '../detection.ts';
import type { Point } from '../geometry.ts';
import { createLineState, lineSide, stepLine } from './line-crossing.ts';
import type { LineRule, TrackFrame } from './types.ts';

/** A vertical counting segment x = 100, y 0..100; `in` is to the right. */
const LINE: LineRule = {
  name: 'door',
  points: [[100, 0], [100, 100]],
  inside: [200, 50],
  classes: ['person'],
  minObservations: 1,
  minDistance: 0,
};

/** One track in one frame: `[id, x, y]` observed with that foot point, `coast: true` when coasting. */
interface Obs {
  readonly id?: number;
  readonly at: Point;
  readonly coast?: boolean;
  readonly cls?: ObjectClass;
}

function track(o: Obs): Track {
  const [x, y] = o.at;
  return { id: o.id ?? 1, class: o.cls ?? 'person', box: { x: x - 5, y: y - 30, w: 10, h: 30 }, score: 0.9, observed: !o.coast };
}

/** Frames of one track walking along y = 50: a number is an observed x, `c<x>` coasting there, null absent. */
function walk(xs: readonly (number | `c${number}` | null)[], dt = 0.1): TrackFrame[] {
  return xs.map((x, i) => {
    const frame = i + 1;
    const tracks = x === null ? [] : [typeof x === 'number' ? track({ at: [x, 50] }) : track({ at: [Number(x.slice(1)), 50], coast: true })];
    return { frame, time: i * dt, tracks };
  });
}

/** Runs the line over frames; each event as `frame:direction#track@frameOfEmission`. */
function run(rule: LineRule, frames: readonly TrackFrame[], forget = 2): string[] {
  let state = createLineState();
  const out: string[] = [];
  for (const f of frames) {
    const step = stepLine(rule, state, f, forget);
    state = step.state;
    for (const e of step.events) out.push(`${e.frame}:${e.direction}#${e.trackId}@${f.frame}`);
  }
  return out;
}

test('lineSide: inside side is 1, dead band around the line is 0', () => {
  const rule = { ...LINE, minDistance: 5 };
  assert.equal(lineSide(rule, [120, 50]), 1);
  assert.equal(lineSide(rule, [80, 50]), -1);
  assert.equal(lineSide(rule, [103, 50]), 0);
  assert.equal(lineSide(rule, [100, 500]), 0, 'on the infinite line, beyond the segment');
  assert.equal(lineSide({ ...LINE, inside: [100, 7] }, [120, 50]), 0, 'an inside point on the line gives no sides');
});

test('line crossing: table of walks', async (t) => {
  const cases: { name: string; rule?: Partial<LineRule>; frames: TrackFrame[]; want: string[]; forget?: number }[] = [
    { name: 'crossing in', frames: walk([90, 110]), want: ['2:in#1@2'] },
    { name: 'crossing out', frames: walk([110, 90]), want: ['2:out#1@2'] },
    { name: 'staying on one side', frames: walk([20, 40, 60, 80, 95]), want: [] },
    { name: 'first observations on one side settle without an event', frames: walk([110, 120, 130]), want: [] },
    { name: 'back and forth real crossings each count', frames: walk([90, 110, 90, 110]), want: ['2:in#1@2', '3:out#1@3', '4:in#1@4'] },
    {
      name: 'back and forth with confirmation: each settled crossing counts',
      rule: { minObservations: 2 },
      frames: walk([90, 90, 110, 115, 90, 85, 110, 120]),
      want: ['3:in#1@4', '5:out#1@6', '7:in#1@8'],
    },
    {
      name: 'walking around the end of the segment does not count',
      frames: [
        { frame: 1, time: 0, tracks: [track({ at: [90, 50] })] },
        { frame: 2, time: 0.1, tracks: [track({ at: [90, 150] })] },
        { frame: 3, time: 0.2, tracks: [track({ at: [110, 150] })] },
        { frame: 4, time: 0.3, tracks: [track({ at: [110, 50] })] },
      ],
      want: [],
    },
    {
      name: 'around the end and back through the segment counts once',
      frames: [
        { frame: 1, time: 0, tracks: [track({ at: [90, 50] })] },
        { frame: 2, time: 0.1, tracks: [track({ at: [90, 150] })] },
        { frame: 3, time: 0.2, tracks: [track({ at: [110, 150] })] },
        { frame: 4, time: 0.3, tracks: [track({ at: [110, 50] })] },
        { frame: 5, time: 0.4, tracks: [track({ at: [90, 50] })] },
      ],
      want: ['5:out#1@5'],
    },
    {
      name: 'a step through the end point of the segment counts (closed segment)',
      frames: [
        { frame: 1, time: 0, tracks: [track({ at: [90, 110] })] },
        { frame: 2, time: 0.1, tracks: [track({ at: [110, 90] })] },
      ],
      want: ['2:in#1@2'],
    },
    {
      name: 'unguarded jitter counts every wobble (why the guard exists)',
      frames: walk([97, 103, 97, 103, 97]),
      want: ['2:in#1@2', '3:out#1@3', '4:in#1@4', '5:out#1@5'],
    },
    {
      name: 'jitter inside the dead band never counts',
      rule: { minDistance: 5 },
      frames: walk([80, 98, 102, 98, 102, 97, 103, 98, 102, 98, 102, 97, 103, 99, 101]),
      want: [],
    },
    {
      name: 'jitter then a real crossing counts once, at the first step through the segment',
      rule: { minDistance: 5, minObservations: 3 },
      frames: walk([80, 98, 102, 98, 102, 97, 103, 120, 125, 130, 135]),
      want: ['3:in#1@10'],
    },
    {
      name: 'wobbling beyond the dead band is held off by minObservations',
      rule: { minObservations: 3 },
      frames: walk([80, 95, 106, 94, 107, 93, 106, 108, 94, 106, 95, 105]),
      want: [],
    },
    {
      name: 'wobbling that ends on the new side counts once',
      rule: { minObservations: 3 },
      frames: walk([80, 95, 106, 94, 107, 93, 106, 108, 112]),
      want: ['7:in#1@9'],
    },
    {
      name: 'a crossing not confirmed before returning does not count',
      rule: { minObservations: 3 },
      frames: walk([90, 110, 110, 90, 90, 90]),
      want: [],
    },
    {
      name: 'standing exactly on the line never counts',
      frames: walk([80, 100, 100, 100, 100, 100, 100, 80]),
      want: [],
    },
    {
      name: 'standing on the line, then leaving on the other side counts once',
      frames: walk([80, 100, 100, 100, 100, 120]),
      want: ['2:in#1@6'],
    },
    {
      name: 'occlusion: coasting positions are ignored',
      frames: walk([90, 'c110', 'c120', 'c110', 90]),
      want: [],
    },
    {
      name: 'occlusion: a gap in observations that crosses the line counts once',
      frames: walk([90, 95, 'c100', 'c105', 'c110', 115, 120]),
      want: ['6:in#1@6'],
    },
    {
      name: 'absent frames shorter than the forget horizon keep the track',
      frames: walk([90, null, null, 110]),
      want: ['4:in#1@4'],
    },
    {
      name: 'a track absent longer than the forget horizon is forgotten and starts afresh',
      frames: walk([90, null, null, null, 110], 1),
      forget: 2,
      want: [],
    },
    {
      name: 'classes not counted are ignored',
      frames: [
        { frame: 1, time: 0, tracks: [track({ at: [90, 50], cls: 'car' })] },
        { frame: 2, time: 0.1, tracks: [track({ at: [110, 50], cls: 'car' })] },
      ],
      want: [],
    },
    {
      name: 'counted classes per rule',
      rule: { classes: ['car', 'truck'] },
      frames: [
        { frame: 1, time: 0, tracks: [track({ at: [90, 50], cls: 'car' })] },
        { frame: 2, time: 0.1, tracks: [track({ at: [110, 50], cls: 'car' })] },
      ],
      want: ['2:in#1@2'],
    },
    {
      name: 'events of one frame come by track id',
      frames: [
        { frame: 1, time: 0, tracks: [track({ id: 9, at: [110, 20] }), track({ id: 3, at: [90, 30] }), track({ id: 5, at: [90, 40] })] },
        { frame: 2, time: 0.1, tracks: [track({ id: 9, at: [90, 20] }), track({ id: 3, at: [110, 30] }), track({ id: 5, at: [110, 40] })] },
      ],
      want: ['2:in#3@2', '2:in#5@2', '2:out#9@2'],
    },
    { name: 'an inside point on the line disables the rule', rule: { inside: [100, 300] }, frames: walk([90, 110, 90]), want: [] },
    { name: 'a degenerate segment never counts', rule: { points: [[100, 50], [100, 50]] }, frames: walk([90, 110, 90]), want: [] },
    { name: 'no frames, no events', frames: [], want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(run({ ...LINE, ...c.rule }, c.frames, c.forget), c.want, c.name);
    });
  }
});

test('line crossing: events carry class, rule, time of the crossing step', () => {
  let state = createLineState();
  const frames = walk([90, 110, 115, 120], 0.5);
  const rule = { ...LINE, minObservations: 3 };
  const events = frames.flatMap((f) => {
    const step = stepLine(rule, state, f, 2);
    state = step.state;
    return step.events;
  });
  assert.deepEqual(events, [{ type: 'line_crossing', rule: 'door', trackId: 1, class: 'person', frame: 2, time: 0.5, direction: 'in' }]);
});

test('line crossing: stepping does not modify the input state, and gone tracks are forgotten', () => {
  const s0 = createLineState();
  const s1 = stepLine(LINE, s0, { frame: 1, time: 0, tracks: [track({ at: [90, 50] })] }, 2).state;
  assert.equal(s0.tracks.size, 0);
  assert.equal(s1.tracks.size, 1);
  const s2 = stepLine(LINE, s1, { frame: 2, time: 5, tracks: [] }, 2).state;
  assert.equal(s1.tracks.size, 1);
  assert.equal(s2.tracks.size, 0);
});
