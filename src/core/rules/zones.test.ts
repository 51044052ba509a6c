import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectClass, Track } from '../detection.ts';
import type { Point } from '../geometry.ts';
import type { RuleEvent, TrackFrame, ZoneRule } from './types.ts';
import { createZoneState, finishZone, stepZone, type ZoneState } from './zones.ts';

/** A 100 x 100 square zone at the origin, for persons. */
const ZONE: ZoneRule = { name: 'yard', polygon: [[0, 0], [100, 0], [100, 100], [0, 100]], classes: ['person'] };
const IN: Point = [50, 50];
const OUT: Point = [150, 50];

/** One track in one frame, by its foot point. */
function track(id: number, at: Point, opts: { coast?: boolean; cls?: ObjectClass } = {}): Track {
  return { id, class: opts.cls ?? 'person', box: { x: at[0] - 5, y: at[1] - 30, w: 10, h: 30 }, score: 0.9, observed: !opts.coast };
}

/** Frames one second apart (frame n at time n - 1) from lists of tracks. */
function frames(...perFrame: Track[][]): TrackFrame[] {
  return perFrame.map((tracks, i) => ({ frame: i + 1, time: i, tracks }));
}

/** One track's path, one frame a second: a point observed, `['c', point]` coasting, null absent. */
function path(id: number, steps: readonly (Point | readonly ['c', Point] | null)[]): TrackFrame[] {
  return frames(
    ...steps.map((s) => {
      if (s === null) return [];
      if (s[0] === 'c') return [track(id, s[1], { coast: true })];
      return [track(id, s)];
    }),
  );
}

/** Runs a zone; events compacted as `type[/phase]#track@frame` (plus `=count` for crowds), occupancy per frame. */
function run(rule: ZoneRule, input: readonly TrackFrame[], exitAfter = 2): { events: string[]; occupancy: number[]; raw: RuleEvent[]; state: ZoneState } {
  let state = createZoneState();
  const events: string[] = [];
  const raw: RuleEvent[] = [];
  const occupancy: number[] = [];
  for (const f of input) {
    const step = stepZone(rule, state, f, exitAfter);
    state = step.state;
    occupancy.push(step.occupancy);
    raw.push(...step.events);
    for (const e of step.events) {
      events.push(`${e.type}${e.phase ? `/${e.phase}` : ''}#${e.trackId ?? '-'}@${e.frame}${e.count === undefined ? '' : `=${e.count}`}`);
    }
  }
  return { events, occupancy, raw, state };
}

test('zones: enter, exit and occupancy', async (t) => {
  const cases: { name: string; rule?: Partial<ZoneRule>; frames: TrackFrame[]; want: string[]; occupancy?: number[] }[] = [
    { name: 'walk in and out', frames: path(1, [OUT, IN, IN, OUT]), want: ['zone_enter#1@2', 'zone_exit#1@4'], occupancy: [0, 1, 1, 0] },
    {
      name: 'leave and re-enter: two enters, two exits',
      frames: path(1, [OUT, IN, OUT, IN, OUT]),
      want: ['zone_enter#1@2', 'zone_exit#1@3', 'zone_enter#1@4', 'zone_exit#1@5'],
    },
    { name: 'first seen inside enters', frames: path(1, [IN, IN]), want: ['zone_enter#1@1'], occupancy: [1, 1] },
    { name: 'never inside', frames: path(1, [OUT, [150, 150], OUT]), want: [], occupancy: [0, 0, 0] },
    { name: 'a foot point on the edge is inside', frames: path(1, [OUT, [100, 50]]), want: ['zone_enter#1@2'] },
    {
      name: 'coasting keeps the last observed state, whatever the prediction',
      frames: path(1, [IN, ['c', OUT], ['c', OUT], IN]),
      want: ['zone_enter#1@1'],
      occupancy: [1, 1, 1, 1],
    },
    {
      name: 'coasting outside does not enter',
      frames: path(1, [OUT, ['c', IN], ['c', IN], OUT]),
      want: [],
      occupancy: [0, 0, 0, 0],
    },
    {
      name: 'a short absence is not an exit',
      frames: path(1, [IN, null, null, IN]),
      want: ['zone_enter#1@1'],
      occupancy: [1, 0, 0, 1],
    },
    {
      name: 'gone for good: exits at its last observation once absent longer than exitAfterSeconds',
      frames: path(1, [IN, IN, ['c', IN], null, null, null]),
      want: ['zone_enter#1@1', 'zone_exit#1@2'],
      occupancy: [1, 1, 1, 0, 0, 0],
    },
    { name: 'other classes are not seen', frames: frames([track(1, OUT, { cls: 'car' })], [track(1, IN, { cls: 'car' })]), want: [], occupancy: [0, 0] },
    {
      name: 'zones of several classes',
      rule: { classes: ['car', 'truck'] },
      frames: frames([track(1, IN, { cls: 'car' }), track(2, IN, { cls: 'truck' }), track(3, IN)]),
      want: ['zone_enter#1@1', 'zone_enter#2@1'],
      occupancy: [2],
    },
    {
      name: 'events of one frame by track id',
      frames: frames([track(7, OUT), track(2, IN), track(4, OUT)], [track(7, IN), track(2, OUT), track(4, IN)]),
      want: ['zone_enter#2@1', 'zone_exit#2@2', 'zone_enter#4@2', 'zone_enter#7@2'],
      occupancy: [1, 2],
    },
    { name: 'no frames', frames: [], want: [], occupancy: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = run({ ...ZONE, ...c.rule }, c.frames);
      assert.deepEqual(got.events, c.want, c.name);
      if (c.occupancy) assert.deepEqual(got.occupancy, c.occupancy, `${c.name}: occupancy`);
    });
  }
});

test('zones: gone-for-good exit carries the last observed frame and time', () => {
  const got = run(ZONE, path(3, [IN, IN, null, null, null]));
  const exit = got.raw.find((e) => e.type === 'zone_exit');
  assert.deepEqual(exit, { type: 'zone_exit', rule: 'yard', trackId: 3, class: 'person', frame: 2, time: 1, seconds: 1 });
  assert.equal(got.state.inside.size, 0);
});

test('zones: every exit carries the dwell, exit observation minus entrance', async (t) => {
  const cases: { name: string; frames: TrackFrame[]; finishAt?: number; want: number[] }[] = [
    { name: 'walk in and out: entered at 1 s, out at 3 s', frames: path(1, [OUT, IN, IN, OUT]), want: [2] },
    { name: 'in for one observation only', frames: path(1, [OUT, IN, OUT]), want: [1] },
    { name: 'a re-entry starts a new dwell', frames: path(1, [IN, IN, IN, OUT, IN, OUT]), want: [3, 1] },
    { name: 'coasting counts until the exit observation', frames: path(1, [IN, ['c', IN], ['c', OUT], OUT]), want: [3] },
    { name: 'gone for good: up to the last observation, not to the frame that noticed', frames: path(1, [IN, IN, IN, null, null, null]), want: [2] },
    { name: 'a short absence inside does not restart it', frames: path(1, [IN, null, null, IN, OUT]), want: [4] },
    { name: 'finished at the end of the stream: up to the last observation', frames: path(1, [OUT, IN, IN, ['c', IN]]), finishAt: 3, want: [1] },
    { name: 'seen inside in one frame, then the stream ends', frames: path(1, [IN]), finishAt: 0, want: [0] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = run(ZONE, c.frames);
      const exits = [...got.raw];
      if (c.finishAt !== undefined) exits.push(...finishZone(ZONE, got.state, { frame: c.frames.length, time: c.finishAt }).events);
      assert.deepEqual(exits.filter((e) => e.type === 'zone_exit').map((e) => e.seconds), c.want);
    });
  }
});

test('zones: intrusion, loitering and crowd alarms', async (t) => {
  const cases: { name: string; rule: Partial<ZoneRule>; frames: TrackFrame[]; want: string[] }[] = [
    { name: 'intrusion below the threshold', rule: { intrusion: { seconds: 3 } }, frames: path(1, [IN, IN, IN, OUT]), want: ['zone_enter#1@1', 'zone_exit#1@4'] },
    {
      name: 'intrusion at the threshold',
      rule: { intrusion: { seconds: 3 } },
      frames: path(1, [IN, IN, IN, IN, IN, OUT]),
      want: ['zone_enter#1@1', 'intrusion/start#1@4', 'intrusion/end#1@6', 'zone_exit#1@6'],
    },
    {
      name: 'intrusion of 0 seconds starts on entrance',
      rule: { intrusion: { seconds: 0 } },
      frames: path(1, [OUT, IN, OUT]),
      want: ['zone_enter#1@2', 'intrusion/start#1@2', 'intrusion/end#1@3', 'zone_exit#1@3'],
    },
    {
      name: 'intrusion is decided on observations, not while coasting',
      rule: { intrusion: { seconds: 2 } },
      frames: path(1, [IN, ['c', IN], ['c', IN], ['c', IN], IN]),
      want: ['zone_enter#1@1', 'intrusion/start#1@5'],
    },
    {
      name: 'loitering needs more than its seconds',
      rule: { loitering: { seconds: 2 } },
      frames: path(1, [IN, IN, IN, OUT]),
      want: ['zone_enter#1@1', 'zone_exit#1@4'],
    },
    {
      name: 'loitering starts past its seconds and ends on exit',
      rule: { loitering: { seconds: 2 } },
      frames: path(1, [IN, IN, IN, IN, OUT]),
      want: ['zone_enter#1@1', 'loitering/start#1@4', 'loitering/end#1@5', 'zone_exit#1@5'],
    },
    {
      name: 'loitering ends when the track is gone for good',
      rule: { loitering: { seconds: 1 } },
      frames: path(1, [IN, IN, IN, null, null, null]),
      want: ['zone_enter#1@1', 'loitering/start#1@3', 'loitering/end#1@3', 'zone_exit#1@3'],
    },
    {
      name: 'a re-entry restarts the dwell',
      rule: { loitering: { seconds: 2 } },
      frames: path(1, [IN, IN, OUT, IN, IN, OUT]),
      want: ['zone_enter#1@1', 'zone_exit#1@3', 'zone_enter#1@4', 'zone_exit#1@6'],
    },
    {
      name: 'crowd starts after its seconds and ends when it drops below the count',
      rule: { crowd: { count: 2, seconds: 1 } },
      frames: frames([track(1, IN)], [track(1, IN), track(2, IN)], [track(1, IN), track(2, IN)], [track(1, IN), track(2, IN), track(3, IN)], [track(1, IN), track(2, OUT), track(3, OUT)]),
      want: [
        'zone_enter#1@1',
        'zone_enter#2@2',
        'crowd/start#-@3=2',
        'zone_enter#3@4',
        'zone_exit#2@5',
        'zone_exit#3@5',
        'crowd/end#-@5=1',
      ],
    },
    {
      name: 'a crowd shorter than its seconds does not start',
      rule: { crowd: { count: 2, seconds: 2 } },
      frames: frames([track(1, IN), track(2, IN)], [track(1, IN), track(2, IN)], [track(1, IN), track(2, OUT)], [track(1, IN), track(2, IN)]),
      want: ['zone_enter#1@1', 'zone_enter#2@1', 'zone_exit#2@3', 'zone_enter#2@4'],
    },
    {
      name: 'crowd counts only the zone classes',
      rule: { crowd: { count: 2, seconds: 0 } },
      frames: frames([track(1, IN), track(2, IN, { cls: 'car' })]),
      want: ['zone_enter#1@1'],
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(run({ ...ZONE, ...c.rule }, c.frames).events, c.want, c.name));
});

test('zones: alarm events carry seconds, crowd events count and class', () => {
  const rule: ZoneRule = { ...ZONE, intrusion: { seconds: 1 }, crowd: { count: 1, seconds: 0 } };
  const got = run(rule, path(5, [IN, IN, IN, OUT])).raw;
  assert.deepEqual(got, [
    { type: 'zone_enter', rule: 'yard', trackId: 5, class: 'person', frame: 1, time: 0 },
    { type: 'crowd', rule: 'yard', trackId: null, class: 'person', frame: 1, time: 0, count: 1, phase: 'start' },
    { type: 'intrusion', rule: 'yard', trackId: 5, class: 'person', frame: 2, time: 1, phase: 'start', seconds: 1 },
    { type: 'intrusion', rule: 'yard', trackId: 5, class: 'person', frame: 4, time: 3, phase: 'end', seconds: 3 },
    { type: 'zone_exit', rule: 'yard', trackId: 5, class: 'person', frame: 4, time: 3, seconds: 3 },
    { type: 'crowd', rule: 'yard', trackId: null, class: 'person', frame: 4, time: 3, count: 0, phase: 'end' },
  ]);
});

test('zones: finishZone closes presences and alarms; stepping leaves its input alone', () => {
  const rule: ZoneRule = { ...ZONE, loitering: { seconds: 0 }, crowd: { count: 2, seconds: 0 } };
  const got = run(rule, frames([track(2, IN), track(1, IN)], [track(2, IN), track(1, IN)]));
  const before = got.state.inside.size;
  const done = finishZone(rule, got.state, { frame: 2, time: 1 });
  assert.equal(got.state.inside.size, before);
  assert.deepEqual(
    done.events.map((e) => `${e.type}${e.phase ? `/${e.phase}` : ''}#${e.trackId ?? '-'}@${e.frame}`),
    ['loitering/end#1@2', 'zone_exit#1@2', 'loitering/end#2@2', 'zone_exit#2@2', 'crowd/end#-@2'],
  );
  assert.equal(done.state.inside.size, 0);
  assert.deepEqual(finishZone(rule, createZoneState(), { frame: 0, time: 0 }).events, []);
});
