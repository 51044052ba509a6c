/** The redaction boxes of stored analysed frames as a timeline, and the boxes to hide in a picture at a time: shared by the redactor's paths. */
import { DEFAULT_CARRY, fromUnitRects, RedactionTimeline, WHOLE_PICTURE, type RedactionBoxFrame } from '../core/redaction.ts';
import type { Box } from '../core/geometry.ts';

/** How far from an analysed frame a picture may be and still use its boxes, ms. */
export const NEAR_MS = DEFAULT_CARRY.maxGapSeconds * 1000;
/** The unit square: rectangles that are fractions of the picture, as boxes. */
const UNIT = { width: 1, height: 1 };

/**
 * The boxes (pixels of a `width` x `height` picture) to hide at `time` from the frames of
 * `timeline`, with those of every analysed frame within `slackSeconds` (a recording, on the
 * recorder's clock); all of it when none is near.
 */
export function boxesAt(timeline: RedactionTimeline, timeMs: number, width: number, height: number, slackSeconds = 0): readonly Box[] {
  const unit = timeline.boxesAt(timeMs / 1000, DEFAULT_CARRY, slackSeconds);
  // The timeline holds fractions of the picture: scaled to its pixels here.
  return unit === null ? WHOLE_PICTURE : unit.map((b) => ({ x: b.x * width, y: b.y * height, w: b.w * width, h: b.h * height }));
}

/** A timeline (seconds) of unit rectangles, carried as boxes are. */
export function timelineOf(frames: readonly RedactionBoxFrame[]): RedactionTimeline {
  const t = new RedactionTimeline();
  for (const f of frames) t.add({ time: f.time / 1000, boxes: fromUnitRects(f.rects, UNIT) });
  return t;
}
