/** Recorded video as the rest of the server (the HTTP API) uses it: `LocalRecordingService` implements it. */
import type { PlaybackStream } from './playback.ts';

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

/** A stretch of continuous recording (segments that follow each other without a gap). */
export interface RecordedSpan {
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms. */
  readonly end: number;
}

/** A preview picture of a recording for the timeline's scrubber: a small JPEG file the caller deletes. */
export interface RecordingPreview {
  readonly file: string;
  /** Epoch ms of the picture. */
  readonly time: number;
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
  /** The stretches of continuous recording of a camera overlapping [from, to), oldest first, clipped to it: segments closer than `gapMs` join. */
  spans(cameraId: string, from: number, to: number, gapMs: number): Promise<readonly RecordedSpan[]>;
  /**
   * Streams [from, to) (at most MAX_PLAYBACK_MS of playback.ts) as fragmented MP4 from the key frame at or
   * before `from`, across segment boundaries. RECORDING_NOT_FOUND, REQUEST_INVALID, PLAYBACK_FAILED.
   */
  play(cameraId: string, from: number, to: number): Promise<PlaybackStream>;
  /** A small JPEG of the recorded picture at `at` (`width` pixels wide). RECORDING_NOT_FOUND, PLAYBACK_FAILED. */
  preview(cameraId: string, at: number, width: number): Promise<RecordingPreview>;
  /** Erasure request: deletes the camera's segments overlapping [from, to) (files and rows), its events overlapping it and their snapshots, and its snapshots written in it. */
  erase(cameraId: string, from: number, to: number): Promise<ErasureCounts>;
  /** Disk used by recordings and the quota. */
  usage(): Promise<{ readonly bytes: number; readonly segments: number; readonly quotaBytes: number }>;
}
