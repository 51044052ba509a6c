import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLifecycle } from '../events/lifecycle.ts';
import type { RuleEvent } from '../core/rules/types.ts';
import { MAX_LAG_MS, StreamClock } from './stream-clock.ts';

/** The old stamping: each frame's arrival minus its stream time, as live-camera.ts did. */
const perFrame = (receivedAt: number, frameTime: number, eventTime: number): number => receivedAt - (frameTime - eventTime) * 1000;

const loiter = (phase: 'start' | 'end', time: number): RuleEvent => ({ type: 'loitering', rule: 'plaza', trackId: 1, class: 'person', frame: 0, time, phase }) as RuleEvent;

// [label, frames: [stream time s, arrival ms, rule events]], the event's start and end are compared.
const cases: [string, [number, number, RuleEvent[]][]][] = [
  ['the start frame waited in the queue, the end frame did not', [[10, 1_000_400, [loiter('start', 10)]], [10.2, 1_000_210, [loiter('end', 10.2)]]]],
  ['steady frames', [[10, 1_000_000, [loiter('start', 10)]], [12, 1_002_000, [loiter('end', 12)]]]],
  ['the end frame arrives early after a burst', [[5, 1_000_900, [loiter('start', 5)]], [5.1, 1_000_100, []], [5.2, 1_000_150, [loiter('end', 5.2)]]]],
];

for (const [label, frames] of cases) {
  test(`a duration event never ends before it starts: ${label}`, () => {
    const lifecycle = new EventLifecycle(() => 'e1');
    const clock = new StreamClock();
    let start: number | null = null;
    let end: number | null = null;
    let oldStart: number | null = null;
    let oldEnd: number | null = null;
    for (const [time, receivedAt, events] of frames) {
      clock.frame(time, receivedAt);
      for (const s of lifecycle.step(time, events, {})) {
        const epoch = Math.round(clock.epochOf(s.event.time, receivedAt));
        const old = Math.round(perFrame(receivedAt, time, s.event.time));
        if (s.kind === 'new') [start, oldStart] = [epoch, old];
        if (s.kind === 'end') [end, oldEnd] = [epoch, old];
      }
    }
    assert.ok(start !== null && end !== null, 'the event started and ended');
    assert.ok(end >= start, `end ${end} before start ${start}`);
    if (label !== 'steady frames') assert.ok(oldEnd! < oldStart!, 'the per-frame stamping reproduces the bug');
  });
}

test('stream time falling behind the wall clock pulls the origin forward; a frame that comes sooner moves it back, never behind a stamped time', () => {
  const clock = new StreamClock();
  assert.equal(clock.frame(0, 1_000_000), 1_000_000);
  const start = clock.epochOf(0.4, 0);
  // The decoder was paused: 10 s of wall time for 0.5 s of stream time.
  assert.equal(clock.frame(0.5, 1_010_500), 1_009_500);
  assert.ok(clock.epochOf(0.5, 0) >= start);
  assert.equal(clock.epochOf(0.5, 0), 1_010_500 - MAX_LAG_MS);
  // A frame that comes sooner moves the origin back to it, as far as the newest stamp allows.
  assert.equal(clock.frame(1, 1_009_900), 1_009_900);
  assert.equal(clock.frame(1.1, 1_009_500), 1_009_900, 'never behind the newest stamp');
  assert.equal(clock.epochOf(1.2, 0), 1_010_000);
});

test("the decoder's first burst: the origin settles on the least delay within a few frames", () => {
  const clock = new StreamClock();
  // The first frames were buffered while ffmpeg probed the stream: they arrive 0.6 s late, 20 ms apart, then in real time 50 ms late.
  const stamps = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0].map((t, i) => clock.frame(t, 1_000_600 + i * 20 + Math.max(0, (t - 0.55) * 1000 - i * 20 + 50)));
  for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! >= stamps[i - 1]!, 'stamps never go back');
  // Real time from frame 6 on: arrival = 1_000_000 + t*1000 + 50.
  assert.ok(Math.abs(clock.epochOf(2, 0) - (1_000_000 + 2000 + 50)) <= 100, `settled near the least delay: ${clock.epochOf(2, 0)}`);
});

test('a new source never stamps behind what the last one stamped, and stop ends on the same clock', () => {
  const clock = new StreamClock();
  clock.frame(0, 1_000_000);
  assert.equal(clock.frame(30, 1_030_500), 1_030_000);
  clock.restart();
  // The new source's first frame arrives "earlier" than the old clock's newest stamp (the old one ran ahead).
  assert.equal(clock.frame(0, 1_029_000), 1_030_000);
  assert.equal(clock.epochOf(1, 0), 1_031_000);
  assert.equal(clock.latest(0), 1_030_000);
  assert.equal(new StreamClock().latest(42), 42);
});
