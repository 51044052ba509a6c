/**
 * Directional line crossing with a jitter guard.
 *
 * Semantics (the same as `lines-truth.json` of the evaluation data when `minObservations` is 1 and
 * `minDistance` is 0):
 * - A track is followed by the foot point of its box over its consecutive observed frames; coasting
 *   frames, and frames where its class is not one of the line's classes, are skipped.
 * - Each observed foot point lies on the `in` side (the side of `inside`), the `out` side, or "on the
 *   line": exactly on the infinite line, or closer to it than `minDistance` pixels.
 * - A track has a settled side: at first the side of its first observation off the line, without
 *   an event (so a track born close to the line still counts when it then crosses). Later it
 *   settles on the other side after `minObservations` observations there with none on its settled
 *   side in between (observations on the line neither count nor break the run).
 * - A crossing fires when the track settles on the side opposite to its settled side and the path
 *   since its last observation on the old settled side includes a step (two consecutive observed
 *   foot points) whose segment shares a point with the line segment `points[0]-points[1]`. Walking
 *   around the end of the segment therefore changes the settled side without an event.
 * - The event is emitted at the step that confirms it, but carries the frame and time of the
 *   crossing step: the first step intersecting the segment after the last observation on the old
 *   side (the frame where that step ends). Events can therefore arrive up to `minObservations - 1`
 *   observations late, with an earlier frame than the frame being analysed.
 * - Wobbling on the line cannot count twice: a return to the settled side cancels the pending
 *   crossing, and after a confirmed crossing the track must settle back on the old side, again
 *   through the segment, to count again. Each real back-and-forth crossing counts.
 * - A track absent from the frames for more than `forgetAfterSeconds` is forgotten; a crossing
 *   still waiting for confirmation then is dropped, as it is when the stream ends.
 */
import type { FrameTime, Track } from '../detection.ts';
import { footPoint, type Point } from '../geometry.ts';
import { segmentsIntersect, signedDistanceToLine } from '../polygon.ts';
import type { LineRule, RuleEvent, TrackFrame } from './types.ts';

/** Side of a line as the rule sees it: 1 the `in` side, -1 the `out` side, 0 on the line. */
export type LineSide = -1 | 0 | 1;

/** What one line remembers about one track. */
export interface LineTrackState {
  /** The side the track has settled on, null until it settled anywhere. */
  readonly settled: -1 | 1 | null;
  /** The side the track is being confirmed on, null when none. */
  readonly pending: -1 | 1 | null;
  /** Observations on `pending` so far. */
  readonly pendingCount: number;
  /** The first step intersecting the segment since the last observation on the settled side. */
  readonly crossing: FrameTime | null;
  /** The foot point of the last observation, null before the first. */
  readonly last: Point | null;
  /** Time of the last frame the track was present in (observed or coasting). */
  readonly lastSeen: number;
}

/** What one line remembers: its tracks by id. */
export interface LineState {
  readonly tracks: ReadonlyMap<number, LineTrackState>;
}

/** The result of one line step: the next state and the crossings confirmed in this frame, by track id. */
export interface LineStep {
  readonly state: LineState;
  readonly events: readonly RuleEvent[];
}

/** A line's state before any frame. */
export function createLineState(): LineState {
  return { tracks: new Map() };
}

/** The side of `point` relative to the rule's line: 1 on the side of `inside`, -1 opposite, 0 within `minDistance` of the line. */
export function lineSide(rule: LineRule, point: Point): LineSide {
  const [a, b] = rule.points;
  if (a[0] === b[0] && a[1] === b[1]) return 0;
  const inside = signedDistanceToLine(a, b, rule.inside);
  const d = signedDistanceToLine(a, b, point);
  if (inside === 0 || d === 0 || Math.abs(d) < rule.minDistance) return 0;
  return d > 0 === inside > 0 ? 1 : -1;
}

/** True when a track of this class is counted by the rule. */
function counts(rule: LineRule, track: Track): boolean {
  return rule.classes.includes(track.class);
}

/** Advances one track's state by one observation; returns the new state and the crossing it confirmed, if any. */
function observe(
  rule: LineRule,
  prev: LineTrackState,
  point: Point,
  at: FrameTime,
): { next: LineTrackState; crossed: { at: FrameTime; direction: 'in' | 'out' } | null } {
  const minObservations = Math.max(1, Math.floor(rule.minObservations));
  const side = lineSide(rule, point);
  const stepHits = prev.last !== null && segmentsIntersect(prev.last, point, rule.points[0], rule.points[1]);
  let { settled, pending, pendingCount, crossing } = prev;
  if (settled !== null && crossing === null && stepHits) crossing = at;
  let crossed: { at: FrameTime; direction: 'in' | 'out' } | null = null;
  if (side !== 0 && settled === null) {
    settled = side;
  } else if (side !== 0) {
    if (side === settled) {
      pending = null;
      pendingCount = 0;
      crossing = null;
    } else {
      pendingCount = pending === side ? pendingCount + 1 : 1;
      pending = side;
      if (pendingCount >= minObservations) {
        if (crossing !== null) crossed = { at: crossing, direction: side === 1 ? 'in' : 'out' };
        settled = side;
        pending = null;
        pendingCount = 0;
        crossing = null;
      }
    }
  }
  return { next: { settled, pending, pendingCount, crossing, last: point, lastSeen: at.time }, crossed };
}

/**
 * Advances a line by one frame: follows each counted track's observed foot point and returns the
 * crossings confirmed in this frame, ordered by track id. `forgetAfterSeconds` is how long a track
 * may be absent from the frames before the line forgets it. The input state is not modified.
 */
export function stepLine(rule: LineRule, state: LineState, frame: TrackFrame, forgetAfterSeconds: number): LineStep {
  const tracks = new Map(state.tracks);
  const events: RuleEvent[] = [];
  const present = new Set<number>();
  const counted = frame.tracks.filter((t) => counts(rule, t)).sort((a, b) => a.id - b.id);
  for (const track of counted) {
    present.add(track.id);
    const prev = tracks.get(track.id) ?? {
      settled: null,
      pending: null,
      pendingCount: 0,
      crossing: null,
      last: null,
      lastSeen: frame.time,
    };
    if (!track.observed) {
      tracks.set(track.id, { ...prev, lastSeen: frame.time });
      continue;
    }
    const { next, crossed } = observe(rule, prev, footPoint(track.box), { frame: frame.frame, time: frame.time });
    tracks.set(track.id, next);
    if (crossed !== null) {
      events.push({
        type: 'line_crossing',
        rule: rule.name,
        trackId: track.id,
        class: track.class,
        frame: crossed.at.frame,
        time: crossed.at.time,
        direction: crossed.direction,
      });
    }
  }
  for (const [id, s] of tracks) {
    if (!present.has(id) && frame.time - s.lastSeen > forgetAfterSeconds) tracks.delete(id);
  }
  return { state: { tracks }, events };
}
