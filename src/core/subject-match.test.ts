import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectClass, Track } from './detection.ts';
import type { Box } from './geometry.ts';
import type { SeenFrame } from './redaction.ts';
import { DEFAULT_SUBJECT_MATCH, matchSubject, mostAlike, type SubjectSighting } from './subject-match.ts';

const FPS = 10;
const track = (id: number, box: Box, cls: ObjectClass = 'person'): Track => ({ id, class: cls, box, score: 0.9, observed: true });
const frame = (index: number, ...tracks: Track[]): SeenFrame => ({ index, tracks, detections: [] });

const A: Box = { x: 100, y: 100, w: 40, h: 100 };
const B: Box = { x: 300, y: 120, w: 40, h: 100 };
/** A shifted by a quarter of its width: IoU 0.6 with A. */
const A_NEAR: Box = { x: 110, y: 100, w: 40, h: 100 };
/** Half A's height, on its top: IoU 0.5 with A. */
const A_HALF: Box = { x: 100, y: 100, w: 40, h: 50 };
/** Overlapping A by less than 0.3. */
const A_FAR: Box = { x: 130, y: 100, w: 40, h: 100 };

/** Frames 1..30 (0 to 2.9 s): track 7 on A, track 8 on B, except where a case says otherwise. */
const scene = (changes: Readonly<Record<number, readonly Track[]>> = {}): SeenFrame[] =>
  Array.from({ length: 30 }, (_, i) => frame(i + 1, ...(changes[i + 1] ?? [track(7, A), track(8, B)])));

const options = { ...DEFAULT_SUBJECT_MATCH, fps: FPS };

const CASES: readonly [name: string, frames: readonly SeenFrame[], sighting: SubjectSighting, expected: { trackId: number; frame: number } | null][] = [
  ['the track on the box, on the frame at its time', scene(), { seconds: 1, box: A }, { trackId: 7, frame: 11 }],
  ['the other person, where they are', scene(), { seconds: 1, box: B }, { trackId: 8, frame: 11 }],
  ['a box off by a little still matches', scene(), { seconds: 1, box: A_NEAR }, { trackId: 7, frame: 11 }],
  ['between two frames, the nearer one', scene({ 12: [track(9, A)] }), { seconds: 1.14, box: A }, { trackId: 9, frame: 12 }],
  ['on a tie, the earlier frame', scene({ 12: [track(9, A)] }), { seconds: 1.05, box: A }, { trackId: 7, frame: 11 }],
  ['of two overlapping tracks, the one that overlaps more', scene({ 11: [track(3, A_HALF), track(4, A_NEAR)] }), { seconds: 1, box: A }, { trackId: 4, frame: 11 }],
  ['nobody there on the nearest frame: the next nearest that has them', scene({ 11: [track(8, B)], 10: [track(8, B)], 12: [track(5, A), track(8, B)] }), { seconds: 1, box: A }, { trackId: 5, frame: 12 }],
  ['a box that overlaps too little is nobody', scene({ 11: [track(7, A_FAR)] }), { seconds: 1, box: A }, { trackId: 7, frame: 10 }],
  ['not a person', scene(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [i + 1, [track(2, A, 'car')]]))), { seconds: 1, box: A }, null],
  ['nobody within the window (0.5 s) of the time', scene(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [i + 1, [track(8, B)]]))), { seconds: 0.5, box: A }, null],
  ['a time past the end of the video, within the window of its last frame', scene(), { seconds: 3.3, box: A }, { trackId: 7, frame: 30 }],
  ['the person a second away is not found', scene(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [i + 1, i + 1 === 21 ? [track(7, A)] : [track(8, B)]]))), { seconds: 1, box: A }, null],
  ['a time far past the end', scene(), { seconds: 9, box: A }, null],
  ['no frames', [], { seconds: 0, box: A }, null],
];

test('matchSubject finds the track of a sighting: nearest frame first, best overlap, at least the minimum IoU', () => {
  for (const [name, frames, sighting, expected] of CASES) {
    const got = matchSubject(frames, sighting, options);
    assert.deepEqual(got === null ? null : { trackId: got.trackId, frame: got.frame }, expected, name);
    if (got !== null) assert.ok(got.iou >= DEFAULT_SUBJECT_MATCH.minIou, `${name}: IoU ${got.iou}`);
  }
});

test('matchSubject takes frames in any order and reports the box and overlap it matched on', () => {
  const frames = scene().reverse();
  const got = matchSubject(frames, { seconds: 2, box: A_NEAR }, options);
  assert.deepEqual(got, { trackId: 7, frame: 21, box: A, iou: 0.6 });
});

test('mostAlike finds the picture of a range that differs least, the earlier on a tie, and null for an empty range', () => {
  const pic = (...v: number[]): Uint8Array => Uint8Array.from(v);
  const frames = [pic(0, 0, 0, 0), pic(10, 10, 10, 10), pic(50, 52, 49, 50), pic(50, 52, 49, 50), pic(200, 0, 0, 0)];
  const target = pic(50, 50, 50, 50);
  // Differences 50, 40, 0.75, 0.75 and 75: the median is 40.
  assert.deepEqual(mostAlike(frames, target, 0, 4), { index: 2, meanDiff: 0.75, medianDiff: 40 });
  assert.deepEqual(mostAlike(frames, target, 3, 10), { index: 3, meanDiff: 0.75, medianDiff: 75 }, 'the range is clipped to the frames');
  assert.deepEqual(mostAlike(frames, target, -5, 1), { index: 1, meanDiff: 40, medianDiff: 50 });
  assert.equal(mostAlike(frames, target, 6, 9), null);
  assert.throws(() => mostAlike([pic(1, 2)], target, 0, 0), /picture 0 has 2 values, the one to match 4/);
});
