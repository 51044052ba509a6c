/**
 * When a frame needs the detector, for detection only as often as the scene needs: every frame
 * while something is changing (a track is new, tentative or just lost, the number of strong detections moved,
 * or someone is near a counting line or a zone's edge, where one frame decides an event), and only
 * every `maxSkip + 1`-th frame while everything in view is settled; the frames between are tracked
 * on the motion model's prediction. Pure: decided from the tracker's state and the last step alone.
 */
import type { Point } from './geometry.ts';
import { footPoint } from './geometry.ts';
import type { Track } from './detection.ts';
import type { ByteTrackState } from './tracker/byte-track.ts';

/** What the scheduler looks at. */
export interface ScheduleInput {
  /** The tracker's state after its last step. */
  readonly tracker: ByteTrackState;
  /** The confirmed tracks of that step. */
  readonly tracks: readonly Track[];
  /** Strong detections (at or above the tracker's high threshold) at its last step and at the one before. */
  readonly detections: number;
  readonly previousDetections: number;
  /** Frames skipped since the last detection. */
  readonly skipped: number;
}

/** The geometry of the rules: where one frame's detection can decide an event. */
export interface ScheduleRules {
  readonly lines: readonly { readonly points: readonly [Point, Point] }[];
  readonly zones: readonly { readonly polygon: readonly Point[] }[];
}

/** Settings of the schedule. */
export interface ScheduleOptions {
  /** Frames that may be skipped in a row while the scene is settled. */
  readonly maxSkip: number;
  /** A track counts as new for this many of the tracker's steps after its birth, and as just lost for as many after its last match. */
  readonly newSteps: number;
  /** How near (in box heights) a foot point must be to a line or a zone's edge to need every frame. */
  readonly margin: number;
}

/** The defaults: skip one frame in two while settled, tracks new for 3 steps, within 0.75 box heights of a line. */
export const DEFAULT_SCHEDULE: ScheduleOptions = Object.freeze({ maxSkip: 1, newSteps: 3, margin: 0.75 });

/** Distance in pixels from p to the segment a–b. */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const [px, py] = p;
  const [ax, ay] = a;
  const dx = b[0] - ax;
  const dy = b[1] - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Why the next frame needs the detector, or null when it can be skipped. */
export function detectionReason(input: ScheduleInput, rules: ScheduleRules, options: ScheduleOptions = DEFAULT_SCHEDULE): string | null {
  if (input.skipped >= options.maxSkip) return 'due';
  const { tracker } = input;
  if (tracker.frame === 0) return 'start';
  if (input.detections !== input.previousDetections) return 'detections changed';
  for (const t of tracker.tracklets) {
    if (t.id === null) return 'tentative track';
    if (t.lost && tracker.frame - t.lastFrame <= options.newSteps) return 'lost track';
    if (tracker.frame - t.startFrame < options.newSteps) return 'new track';
  }
  for (const t of input.tracks) {
    const foot = footPoint(t.box);
    const near = options.margin * t.box.h;
    for (const line of rules.lines) if (distanceToSegment(foot, line.points[0], line.points[1]) <= near) return 'near a line';
    for (const zone of rules.zones) {
      const poly = zone.polygon;
      for (let i = 0; i < poly.length; i++) if (distanceToSegment(foot, poly[i]!, poly[(i + 1) % poly.length]!) <= near) return 'near a zone edge';
    }
  }
  return null;
}
