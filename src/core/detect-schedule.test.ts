import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Track } from './detection.ts';
import { DEFAULT_SCHEDULE, detectionReason, distanceToSegment, type ScheduleInput } from './detect-schedule.ts';
import { INITIAL_BYTE_TRACK_STATE, stepByteTrack, type ByteTrackState } from './tracker/byte-track.ts';

/** The tracker after `frames` frames of one person standing at (x, y). */
function settled(frames: number, box = { x: 100, y: 100, w: 20, h: 40 }): { tracker: ByteTrackState; tracks: readonly Track[] } {
  let state = INITIAL_BYTE_TRACK_STATE;
  let tracks: readonly Track[] = [];
  for (let i = 0; i < frames; i++) {
    const s = stepByteTrack(state, [{ class: 'person', score: 0.9, box }]);
    state = s.state;
    tracks = s.tracks;
  }
  return { tracker: state, tracks };
}

const input = (over: Partial<ScheduleInput> = {}): ScheduleInput => ({ ...settled(10), detections: 1, previousDetections: 1, skipped: 0, ...over });
const NO_RULES = { lines: [], zones: [] };

test('distanceToSegment: to the nearest point of the segment, ends included', () => {
  assert.equal(distanceToSegment([5, 3], [0, 0], [10, 0]), 3);
  assert.equal(distanceToSegment([13, 4], [0, 0], [10, 0]), 5);
  assert.equal(distanceToSegment([3, 4], [0, 0], [0, 0]), 5);
});

test('a settled scene may skip a frame; not more than maxSkip in a row', () => {
  assert.equal(detectionReason(input(), NO_RULES), null);
  assert.equal(detectionReason(input({ skipped: 1 }), NO_RULES), 'due');
  assert.equal(detectionReason(input({ skipped: 1 }), NO_RULES, { ...DEFAULT_SCHEDULE, maxSkip: 2 }), null);
});

test('the start, a new track, a changed number of people all need the next frame', () => {
  assert.equal(detectionReason(input({ tracker: INITIAL_BYTE_TRACK_STATE, tracks: [] }), NO_RULES), 'start');
  assert.equal(detectionReason(input(settled(2)), NO_RULES), 'new track');
  assert.equal(detectionReason(input({ detections: 2 }), NO_RULES), 'detections changed');
});

test('a person near a counting line or a zone edge needs every frame; far from them does not', () => {
  // The foot point is (110, 140), the box 40 high: within 0.75 x 40 = 30 px counts as near.
  const near = { lines: [{ points: [[0, 160], [300, 160]] as [[number, number], [number, number]] }], zones: [] };
  const far = { lines: [{ points: [[0, 200], [300, 200]] as [[number, number], [number, number]] }], zones: [] };
  assert.equal(detectionReason(input(), near), 'near a line');
  assert.equal(detectionReason(input(), far), null);
  const zone = { lines: [], zones: [{ polygon: [[120, 0], [300, 0], [300, 300], [120, 300]] as [number, number][] }] };
  assert.equal(detectionReason(input(), zone), 'near a zone edge');
});
