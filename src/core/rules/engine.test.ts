import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectClass, Track } from '../detection.ts';
import type { Point } from '../geometry.ts';
import { createRuleState, finishRules, stepRules, summarize, type Occupancy, type RuleOptions } from './engine.ts';
import { heatCellIndex, heatMax } from './heat-grid.ts';
import type { RuleEvent, RuleSet, TrackFrame } from './types.ts';

const SIZE = { width: 400, height: 200 };

/** A vertical line at x = 100 (in to the right), a second at x = 300, and two zones. */
const RULES: RuleSet = {
  lines: [
    { name: 'door', points: [[100, 0], [100, 200]], inside: [200, 100], classes: ['person'], minObservations: 1, minDistance: 0 },
    { name: 'gate', points: [[300, 0], [300, 200]], inside: [400, 100], classes: ['person', 'car'], minObservations: 2, minDistance: 3 },
  ],
  zones: [
    {
      name: 'hall',
      polygon: [[100, 0], [300, 0], [300, 200], [100, 200]],
      classes: ['person'],
      intrusion: { seconds: 1 },
      loitering: { seconds: 2 },
      crowd: { count: 2, seconds: 1 },
    },
    { name: 'left', polygon: [[0, 0], [100, 0], [100, 200], [0, 200]], classes: ['person'] },
  ],
};

function track(id: number, at: Point, opts: { coast?: boolean; cls?: ObjectClass } = {}): Track {
  return { id, class: opts.cls ?? 'person', box: { x: at[0] - 5, y: at[1] - 30, w: 10, h: 30 }, score: 0.9, observed: !opts.coast };
}

/** Frames one second apart. */
function frames(...perFrame: Track[][]): TrackFrame[] {
  return perFrame.map((tracks, i) => ({ frame: i + 1, time: i, tracks }));
}

function runAll(input: readonly TrackFrame[], options: RuleOptions = {}, rules: RuleSet = RULES) {
  let state = createRuleState(rules, SIZE, options);
  const events: RuleEvent[] = [];
  const occupancy: Occupancy[] = [];
  for (const f of input) {
    const step = stepRules(state, f);
    state = step.state;
    events.push(...step.events);
    occupancy.push(step.occupancy);
  }
  return { state, events, occupancy };
}

const short = (e: RuleEvent): string =>
  `${e.rule}:${e.type}${e.direction ? `/${e.direction}` : ''}${e.phase ? `/${e.phase}` : ''}#${e.trackId ?? '-'}@${e.frame}`;

test('engine: an empty video gives no events and a zero summary', () => {
  const { state, events, occupancy } = runAll([]);
  assert.deepEqual(events, []);
  assert.deepEqual(finishRules(state).events, []);
  assert.deepEqual(summarize(events, RULES, occupancy), {
    lines: { door: { in: 0, out: 0 }, gate: { in: 0, out: 0 } },
    zones: {
      hall: { entered: 0, exited: 0, peakOccupancy: 0, intrusions: 0, loiterings: 0, crowds: 0, meanDwellSeconds: null, dwellBins: [0, 0, 0, 0, 0, 0, 0, 0] },
      left: { entered: 0, exited: 0, peakOccupancy: 0, intrusions: 0, loiterings: 0, crowds: 0, meanDwellSeconds: null, dwellBins: [0, 0, 0, 0, 0, 0, 0, 0] },
    },
  });
  assert.equal(heatMax(state.heat.grid), 0);
});

test('engine: events of one frame come by rule order (lines, then zones), then track id', () => {
  const input = frames(
    [track(2, [50, 100]), track(1, [50, 150]), track(3, [290, 100])],
    [track(2, [150, 100]), track(1, [150, 150]), track(3, [310, 100])],
    [track(2, [150, 100]), track(1, [150, 150]), track(3, [320, 100])],
  );
  assert.deepEqual(runAll(input).events.map(short), [
    'hall:zone_enter#3@1',
    'left:zone_enter#1@1',
    'left:zone_enter#2@1',
    'door:line_crossing/in#1@2',
    'door:line_crossing/in#2@2',
    'hall:zone_enter#1@2',
    'hall:zone_enter#2@2',
    'hall:zone_exit#3@2',
    'left:zone_exit#1@2',
    'left:zone_exit#2@2',
    'gate:line_crossing/in#3@2',
    'hall:intrusion/start#1@3',
    'hall:intrusion/start#2@3',
    'hall:crowd/start#-@3',
  ]);
});

test('engine: a walk through every rule, and the summary derived from its events', () => {
  // Person 1 enters the hall through the door, lingers 3 s, leaves through the door; person 2 passes
  // through the hall and the gate; a car drives through the gate; person 3 coasts across the door.
  const input = frames(
    [track(1, [50, 100]), track(2, [50, 50]), track(9, [250, 150], { cls: 'car' })],
    [track(1, [150, 100]), track(2, [150, 50]), track(9, [350, 150], { cls: 'car' })],
    [track(1, [150, 100]), track(2, [290, 50]), track(9, [360, 150], { cls: 'car' })],
    [track(1, [150, 100]), track(2, [320, 50]), track(3, [90, 190])],
    [track(1, [150, 100]), track(2, [330, 50]), track(3, [110, 190], { coast: true })],
    [track(1, [50, 100]), track(3, [90, 190])],
  );
  const { events, occupancy, state } = runAll(input);
  assert.deepEqual(events.map(short), [
    'left:zone_enter#1@1',
    'left:zone_enter#2@1',
    'door:line_crossing/in#1@2',
    'door:line_crossing/in#2@2',
    'hall:zone_enter#1@2',
    'hall:zone_enter#2@2',
    'left:zone_exit#1@2',
    'left:zone_exit#2@2',
    'gate:line_crossing/in#9@2',
    'hall:intrusion/start#1@3',
    'hall:intrusion/start#2@3',
    'hall:crowd/start#-@3',
    'hall:intrusion/end#2@4',
    'hall:zone_exit#2@4',
    'hall:crowd/end#-@4',
    'left:zone_enter#3@4',
    'gate:line_crossing/in#2@4',
    'hall:loitering/start#1@5',
    'door:line_crossing/out#1@6',
    'hall:intrusion/end#1@6',
    'hall:loitering/end#1@6',
    'hall:zone_exit#1@6',
    'left:zone_enter#1@6',
  ]);
  assert.deepEqual(occupancy, [
    { hall: 0, left: 2 },
    { hall: 2, left: 0 },
    { hall: 2, left: 0 },
    { hall: 1, left: 1 },
    { hall: 1, left: 1 },
    { hall: 0, left: 2 },
  ]);
  assert.deepEqual(summarize(events, RULES, occupancy), {
    lines: { door: { in: 2, out: 1 }, gate: { in: 2, out: 0 } },
    zones: {
      // Dwell: in the hall person 2 for 2 s and person 1 for 4 s; in the left zone both for 1 s.
      hall: { entered: 2, exited: 2, peakOccupancy: 2, intrusions: 2, loiterings: 1, crowds: 1, meanDwellSeconds: 3, dwellBins: [2, 0, 0, 0, 0, 0, 0, 0] },
      left: { entered: 4, exited: 2, peakOccupancy: 2, intrusions: 0, loiterings: 0, crowds: 0, meanDwellSeconds: 1, dwellBins: [2, 0, 0, 0, 0, 0, 0, 0] },
    },
  });
  // Heat: all classes by default, observed tracks only, 1 s per frame after the first.
  const grid = state.heat.grid;
  assert.equal(grid.seconds[heatCellIndex(grid, [150, 100])], 4, 'frames 2 to 5, 1 s each');
  assert.equal(grid.seconds[heatCellIndex(grid, [110, 190])], 0, 'coasting paints nothing');
  assert.equal(grid.seconds[heatCellIndex(grid, [360, 150])], 1, 'cars paint too by default');

  const closed = finishRules(state);
  assert.deepEqual(closed.events.map(short), ['left:zone_exit#1@6', 'left:zone_exit#3@6']);
  assert.equal(summarize([...events, ...closed.events], RULES).zones.left?.exited, 4);
  assert.equal(heatMax(closed.state.heat.grid), heatMax(grid), 'finishing keeps the heat grid');
});

test('engine: options reach the rules (exit horizon, heat classes and cap)', () => {
  const input: TrackFrame[] = [
    { frame: 1, time: 0, tracks: [track(1, [150, 100]), track(9, [350, 150], { cls: 'car' })] },
    { frame: 2, time: 10, tracks: [track(1, [150, 100]), track(9, [350, 150], { cls: 'car' })] },
    { frame: 3, time: 14, tracks: [track(9, [350, 150], { cls: 'car' })] },
  ];
  const short3 = runAll(input, { exitAfterSeconds: 3, heatClasses: ['person'], heatMaxDtSeconds: 0.5 });
  assert.ok(short3.events.some((e) => e.type === 'zone_exit' && e.trackId === 1 && e.frame === 2));
  const grid = short3.state.heat.grid;
  assert.equal(grid.seconds[heatCellIndex(grid, [150, 100])], 0.5);
  assert.equal(grid.seconds[heatCellIndex(grid, [350, 150])], 0);
  const long = runAll(input, { exitAfterSeconds: 5 });
  assert.ok(!long.events.some((e) => e.type === 'zone_exit'));
});

test('summarize: counts only start events of alarms, ignores unknown rules, takes the peak of the series', () => {
  const base = { trackId: 1, class: 'person', frame: 1, time: 0 } as const;
  const events: RuleEvent[] = [
    { ...base, type: 'line_crossing', rule: 'door', direction: 'in' },
    { ...base, type: 'line_crossing', rule: 'door', direction: 'out' },
    { ...base, type: 'line_crossing', rule: 'nowhere', direction: 'out' },
    { ...base, type: 'zone_enter', rule: 'hall' },
    { ...base, type: 'intrusion', rule: 'hall', phase: 'start', seconds: 1 },
    { ...base, type: 'intrusion', rule: 'hall', phase: 'end', seconds: 4 },
    { ...base, type: 'crowd', rule: 'hall', trackId: null, phase: 'start', count: 3 },
    { ...base, type: 'zone_exit', rule: 'ghost' },
  ];
  const s = summarize(events, RULES, [{ hall: 1 }, { hall: 3, left: 1 }, {}]);
  assert.deepEqual(s.lines.door, { in: 1, out: 1 });
  assert.deepEqual(s.zones.hall, { entered: 1, exited: 0, peakOccupancy: 3, intrusions: 1, loiterings: 0, crowds: 1, meanDwellSeconds: null, dwellBins: [0, 0, 0, 0, 0, 0, 0, 0] });
  assert.deepEqual(s.zones.left, { entered: 0, exited: 0, peakOccupancy: 1, intrusions: 0, loiterings: 0, crowds: 0, meanDwellSeconds: null, dwellBins: [0, 0, 0, 0, 0, 0, 0, 0] });
  assert.equal(Object.keys(s.lines).length, 2);
});

test('summarize: the dwell of each zone from its exits, mean exact and bins fixed', () => {
  const exit = (rule: string, seconds: number): RuleEvent => ({ type: 'zone_exit', rule, trackId: 1, class: 'person', frame: 1, time: 0, seconds });
  const s = summarize([exit('hall', 4), exit('hall', 20), exit('hall', 1000), exit('left', 60), exit('ghost', 7)], RULES);
  assert.equal(s.zones.hall?.meanDwellSeconds, 341.3);
  assert.deepEqual(s.zones.hall?.dwellBins, [1, 0, 1, 0, 0, 0, 0, 1]);
  assert.equal(s.zones.left?.meanDwellSeconds, 60);
  assert.deepEqual(s.zones.left?.dwellBins, [0, 0, 0, 0, 1, 0, 0, 0]);
});
