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
import type { ErasureCounts, RecordingService, SegmentInfo } from './recordings.ts';
import type { EventStore } from '../store/event-store.ts';
import { eraseFootage } from './erase-footage.ts';
import { checkRange } from '../store/store-input.ts';
import { exportParts, type ExportOptions } from './export-range.ts';
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
    const parts = this.#o.index.list(cameraId, from, to).flatMap((s) => {
      const file = this.#existingFile(s);
      return file === null ? [] : [{ file, startTime: s.startTime, endTime: s.endTime }];
    });
    if (parts.length === 0) throw new SightlineError('RECORDING_NOT_FOUND', `no recording of camera ${cameraId} covers ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`);
    const dir = path.join(this.#o.dataDir, EXPORTS_DIR);
    await mkdir(dir, { recursive: true });
    const output = path.join(dir, `${safeName(cameraId)}-${from}-${to}-${randomUUID().slice(0, 8)}.mp4`);
    const { bytes, startTime } = await exportParts(parts, from, to, output, this.#o);
    return { file: output, bytes, startTime };
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
