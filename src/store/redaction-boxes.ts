/**
 * The redaction boxes kept with the recording: for each analysed frame of a camera, the rectangles
 * that hide the people in it, so that playback, clips and exports made days later are redacted as
 * well as live view. Rectangles are fractions of the picture (0..1), so they apply to the main
 * stream, the analysed stream and a snapshot alike. They go with the video: same retention, same
 * erasure. They hold no identity: no track id, no class, no score.
 */

import type { RedactionBoxFrame, UnitRect } from '../core/redaction.ts';

export type { RedactionBoxFrame, UnitRect };

/** The redaction boxes of every camera. */
export interface RedactionBoxStore {
  /** Stores the frames of one camera (in time order, each after the last one stored for it). */
  append(cameraId: string, frames: readonly RedactionBoxFrame[]): void;
  /** The camera's frames with `from <= time <= to`, in time order. */
  read(cameraId: string, from: number, to: number): RedactionBoxFrame[];
  /** Deletes every camera's frames older than `time`; returns how many frames went. */
  deleteBefore(time: number): number;
  /** Deletes the camera's frames with `from <= time <= to` (an erasure); returns how many went. */
  deleteRange(cameraId: string, from: number, to: number): number;
}
