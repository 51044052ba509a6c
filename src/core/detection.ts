import type { Box } from './geometry.ts';

/** Object classes Sightline detects and reasons about. */
export const OBJECT_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;

/** One of the object classes Sightline detects. */
export type ObjectClass = (typeof OBJECT_CLASSES)[number];

/** Something a detector saw in one frame: a box in pixels of the original frame, a score in 0..1 and a class. */
export interface Detection {
  readonly box: Box;
  readonly score: number;
  readonly class: ObjectClass;
}

/** A tracked object as the tracker reports it after one frame. */
export interface Track {
  /** Stable id, positive, unique within one tracker's life. */
  readonly id: number;
  readonly class: ObjectClass;
  /** Box in pixels: the corrected estimate when observed this frame, the motion model's prediction when coasting. */
  readonly box: Box;
  /** Score of the detection last associated with this track. */
  readonly score: number;
  /** True when a detection was associated with this track in this frame. */
  readonly observed: boolean;
}

/** When a frame was seen: its 1-based index in the source and its timestamp in seconds from the stream. */
export interface FrameTime {
  readonly frame: number;
  readonly time: number;
}
