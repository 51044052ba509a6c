/** Recorded video as the rest of the server (the HTTP API) uses it: `LocalRecordingService` implements it. */

/** One recorded segment. */
export interface SegmentInfo {
  readonly id: number;
  readonly cameraId: string;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms. */
  readonly endTime: number;
  readonly bytes: number;
}

/** What an erasure deleted (see erase-footage.ts). */
export interface ErasureCounts {
  readonly segments: number;
  readonly bytes: number;
  readonly events: number;
  readonly snapshots: number;
}

/** Recorded video: segments, playback and export. */
export interface RecordingService {
  /** Segments of a camera overlapping [from, to), oldest first. */
  listSegments(cameraId: string, from: number, to: number): Promise<readonly SegmentInfo[]>;
  /** Absolute path of a segment file for playback and the epoch ms of its start, or null when there is none. */
  segmentFile(cameraId: string, segmentId: number): Promise<{ readonly file: string; readonly startTime: number } | null>;
  /**
   * Joins the segments of [from, to) into one MP4 (no re-encoding) and returns its path and the
   * epoch ms of its first frame (a key frame at or before `from`); the caller deletes it.
   * RECORDING_NOT_FOUND, EXPORT_TOO_LONG, EXPORT_FAILED.
   */
  exportRange(cameraId: string, from: number, to: number): Promise<{ readonly file: string; readonly bytes: number; readonly startTime: number }>;
  /** Erasure request: deletes the camera's segments overlapping [from, to) (files and rows), its events overlapping it and their snapshots, and its snapshots written in it. */
  erase(cameraId: string, from: number, to: number): Promise<ErasureCounts>;
  /** Disk used by recordings and the quota. */
  usage(): Promise<{ readonly bytes: number; readonly segments: number; readonly quotaBytes: number }>;
}
