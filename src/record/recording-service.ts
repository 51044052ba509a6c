/**
 * The `RecordingService` of the API over the segment index and the files of the data directory:
 * listing, playback paths, export of a time range into one MP4 (see export-range.ts for how the
 * range is trimmed: from the key frame at or before `from`, to `to`), erasure of a range
 * (erase-footage.ts), and disk usage.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SightlineError } from '../core/errors.ts';
import type { ErasureCounts, RecordedSpan, RecordingPreview, RecordingService, SegmentInfo } from './recordings.ts';
import { MAX_PLAYBACK_MS, playParts, type PlaybackStream } from './playback.ts';
import { recordedSpans } from './spans.ts';
import { previewPicture } from './preview.ts';
import type { EventStore } from '../store/event-store.ts';
import { eraseFootage } from './erase-footage.ts';
import { checkRange } from '../store/store-input.ts';
import { exportParts, type ExportOptions, type ExportPart } from './export-range.ts';
import type { SegmentIndex, StoredSegment } from '../store/segment-index.ts';
import type { RedactionBoxStore } from '../store/redaction-boxes.ts';
import { EXPORTS_DIR, resolveInside } from './segment-paths.ts';

/** The recording limits the service applies (from the `recording` configuration section). */
export interface RecordingServiceLimits {
  /** Longest export, hours. */
  readonly maxExportHours: number;
  /** Quota of all recordings, GB (10^9 bytes). */
  readonly maxDiskGb: number;
}

/** What the service is built from. */
export interface RecordingServiceOptions extends ExportOptions {
  /** Absolute data directory. */
  readonly dataDir: string;
  readonly index: SegmentIndex;
  /** The events whose rows an erasure deletes; without it, `erase` fails. */
  readonly events?: Pick<EventStore, 'deleteCameraEvents'>;
  /** The redaction boxes an erasure deletes with the video. */
  readonly redactionBoxes?: Pick<RedactionBoxStore, 'deleteRange'>;
  /** The limits; a function is read at each call, so configuration changes apply. */
  readonly limits: RecordingServiceLimits | (() => RecordingServiceLimits);
}

/** Recorded video of the embedded server: segments on local disk, indexed in SQLite. */
export class LocalRecordingService implements RecordingService {
  readonly #o: RecordingServiceOptions;

  /** A service over the index and data directory. */
  constructor(options: RecordingServiceOptions) {
    this.#o = options;
  }

  async listSegments(cameraId: string, from: number, to: number): Promise<readonly SegmentInfo[]> {
    return this.#o.index.list(cameraId, from, to).map(toInfo);
  }

  async segmentFile(cameraId: string, segmentId: number): Promise<{ readonly file: string; readonly startTime: number } | null> {
    const segment = this.#o.index.get(segmentId);
    if (segment === null || segment.cameraId !== cameraId) return null;
    const file = this.#existingFile(segment);
    return file === null ? null : { file, startTime: segment.startTime };
  }

  async exportRange(cameraId: string, from: number, to: number): Promise<{ readonly file: string; readonly bytes: number; readonly startTime: number }> {
    checkRange(from, to);
    const { maxExportHours } = this.#limits();
    const maxMs = maxExportHours * 3_600_000;
    if (to - from > maxMs) {
      throw new SightlineError('EXPORT_TOO_LONG', `the export spans ${formatHours(to - from)} hours; at most ${maxExportHours} hours may be exported at once`);
    }
    const parts = this.#parts(cameraId, from, to);
    const output = await this.#exportFile(cameraId, from, to, '.mp4');
    const { bytes, startTime } = await exportParts(parts, from, to, output, this.#o);
    return { file: output, bytes, startTime };
  }

  async spans(cameraId: string, from: number, to: number, gapMs: number): Promise<readonly RecordedSpan[]> {
    checkRange(from, to);
    return recordedSpans(this.#o.index.list(cameraId, from, to), from, to, gapMs);
  }

  async play(cameraId: string, from: number, to: number): Promise<PlaybackStream> {
    checkRange(from, to);
    if (to - from > MAX_PLAYBACK_MS) throw new SightlineError('REQUEST_INVALID', `playback streams at most ${MAX_PLAYBACK_MS / 60_000} minutes at once (asked for ${Math.round((to - from) / 60_000)}); the player asks for the next stretch as it plays on`);
    const parts = this.#parts(cameraId, from, to);
    // Playback starts where the recording does: from a gap, the next recorded moment.
    const output = await this.#exportFile(cameraId, from, to, '.ffconcat');
    return playParts(parts, Math.max(from, parts[0]!.startTime), to, output, this.#o);
  }

  async preview(cameraId: string, at: number, width: number): Promise<RecordingPreview> {
    const parts = this.#parts(cameraId, at, at + 1);
    const part = parts[0]!;
    const output = await this.#exportFile(cameraId, at, at + 1, '.jpg');
    // The last frame of a segment starts a frame before its end: a moment past it shows that frame.
    const time = Math.min(Math.max(at, part.startTime), Math.max(part.startTime, part.endTime - 300));
    await previewPicture(part.file, (time - part.startTime) / 1000, width, output, this.#o);
    return { file: output, time };
  }

  async erase(cameraId: string, from: number, to: number): Promise<ErasureCounts> {
    const { events } = this.#o;
    if (events === undefined) throw new Error('this recording service was built without the event store, so it cannot erase');
    return eraseFootage({ dataDir: this.#o.dataDir, index: this.#o.index, events, ...(this.#o.redactionBoxes && { redactionBoxes: this.#o.redactionBoxes }) }, cameraId, from, to);
  }

  async usage(): Promise<{ readonly bytes: number; readonly segments: number; readonly quotaBytes: number }> {
    const totals = this.#o.index.totals();
    return { bytes: totals.bytes, segments: totals.segments, quotaBytes: Math.round(this.#limits().maxDiskGb * 1e9) };
  }

  /** The existing files of the camera's segments overlapping [from, to), oldest first; RECORDING_NOT_FOUND when there are none. */
  #parts(cameraId: string, from: number, to: number): ExportPart[] {
    const parts = this.#o.index.list(cameraId, from, to).flatMap((s) => {
      const file = this.#existingFile(s);
      return file === null ? [] : [{ file, startTime: s.startTime, endTime: s.endTime }];
    });
    if (parts.length === 0) throw new SightlineError('RECORDING_NOT_FOUND', `no recording of camera ${cameraId} covers ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`);
    return parts;
  }

  /** A new file name in the exports folder (made if need be). */
  async #exportFile(cameraId: string, from: number, to: number, ext: string): Promise<string> {
    const dir = path.join(this.#o.dataDir, EXPORTS_DIR);
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${safeName(cameraId)}-${from}-${to}-${randomUUID().slice(0, 8)}${ext}`);
  }

  #limits(): RecordingServiceLimits {
    return typeof this.#o.limits === 'function' ? this.#o.limits() : this.#o.limits;
  }

  /** The absolute path of a segment's file when it lies inside the data directory and exists. */
  #existingFile(segment: StoredSegment): string | null {
    const file = resolveInside(this.#o.dataDir, segment.path);
    return file !== null && existsSync(file) ? file : null;
  }
}

function toInfo(s: StoredSegment): SegmentInfo {
  return { id: s.id, cameraId: s.cameraId, startTime: s.startTime, endTime: s.endTime, bytes: s.bytes };
}

function safeName(cameraId: string): string {
  return cameraId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'camera';
}

function formatHours(ms: number): string {
  return (ms / 3_600_000).toFixed(2).replace(/\.?0+$/, '');
}
