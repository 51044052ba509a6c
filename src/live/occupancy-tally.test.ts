import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ZoneOccupancyMinute } from '../store/event-store.ts';
import { MAX_GAP_MS, OccupancyTally } from './occupancy-tally.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);
const row = (zone: string, minute: number, peak: number, objectMs: number, observedMs: number): ZoneOccupancyMinute => ({ zone, minute: T0 + minute * M, peak, objectMs, observedMs });

/** Frames as [ms after T0, counts]; `drain` drains everything at the end. */
const cases: [string, [number, Record<string, number>][], ZoneOccupancyMinute[]][] = [
  ['steady frames: counts held until the next frame', [[0, { door: 2 }], [3000, { door: 1 }], [6000, { door: 0 }]], [row('door', 0, 2, 9000, 6000)]],
  ['an interval split at the minute border', [[50_000, { door: 1 }], [54_000, { door: 1 }], [58_000, { door: 3 }], [62_000, { door: 0 }]], [row('door', 0, 3, 14_000, 10_000), row('door', 1, 3, 6_000, 2_000)]],
  ['a gap longer than MAX_GAP_MS is not observed, and carries nothing', [[0, { door: 4 }], [MAX_GAP_MS + 1, { door: 1 }], [MAX_GAP_MS + 1001, { door: 1 }]], [row('door', 0, 4, 1000, 1000)]],
  ['several zones, sorted by name within a minute', [[0, { yard: 1, door: 2 }], [1000, { yard: 0, door: 2 }]], [row('door', 0, 2, 2000, 1000), row('yard', 0, 1, 1000, 1000)]],
  ['a frame out of order is ignored', [[1000, { door: 1 }], [500, { door: 9 }], [2000, { door: 1 }]], [row('door', 0, 1, 1000, 1000)]],
];

for (const [label, frames, want] of cases) {
  test(`OccupancyTally: ${label}`, () => {
    const tally = new OccupancyTally();
    for (const [at, counts] of frames) tally.frame(T0 + at, counts);
    assert.deepEqual(tally.drain(), want);
  });
}

test('OccupancyTally: drain(before) hands over complete minutes only, once', () => {
  const tally = new OccupancyTally();
  tally.frame(T0 + 58_000, { door: 1 });
  tally.frame(T0 + M + 1000, { door: 2 });
  assert.deepEqual(tally.drain(T0 + M + 1000), [row('door', 0, 1, 2000, 2000)]);
  assert.deepEqual(tally.drain(T0 + M + 1000), []);
  assert.deepEqual(tally.drain(), [row('door', 1, 2, 1000, 1000)]);
});

test('OccupancyTally: after a full drain (a restart) the next source starts from what it sees', () => {
  const tally = new OccupancyTally();
  tally.frame(T0, { door: 5 });
  tally.frame(T0 + 1000, { door: 5 });
  tally.drain();
  // The restarted camera sees 1 person 2 s later: the 5 of before are not carried over the restart.
  tally.frame(T0 + 3000, { door: 1 });
  tally.frame(T0 + 4000, { door: 1 });
  assert.deepEqual(tally.drain(), [row('door', 0, 1, 1000, 1000)]);
});
