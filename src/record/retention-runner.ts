/**
 * Applies the retention plan (retention-plan.ts) to the index, the disk and the store: every
 * `intervalMs` and whenever asked. A run reads the segments, the event snapshot files
 * (snapshot-files.ts), the event windows of `events`-mode cameras and the disk's free space, deletes
 * each planned segment file and then its row and each planned snapshot file (a file already gone is
 * fine), removes the day folders left empty; then, on the same schedule, has the store's repositories
 * delete the records past their own limits (events with their snapshot files, counts, occupancy,
 * dwell and heat, the audit log behind its checkpoint), and reports what it deleted. Errors are reported
 * through `onError` and in the report, never thrown out of the timer.
 *
 * A snapshot deleted with the video while its event is younger keeps the event's `snapshotPath`:
 * the event stays as it was recorded, and `GET /api/events/:id/snapshot.jpg` answers 404 for a file
 * that is gone.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../ingest/ffmpeg-source.ts';
import { planRecordCutoffs, planRetention, type EventKeep, type RecordLimits, type RetentionReason, type RetentionSnapshot, type SnapshotDeletion } from './retention-plan.ts';
import type { AuditLog } from '../store/audit-log.ts';
import type { UnredactedGrantStore } from '../store/unredacted-grants.ts';
import type { EventStore } from '../store/event-store.ts';
import type { SegmentIndex, StoredSegment } from '../store/segment-index.ts';
import type { RedactionBoxStore } from '../store/redaction-boxes.ts';
import { deleteDataFile, removeEmptyDayFolders } from './data-files.ts';
import { SnapshotFiles } from './snapshot-files.ts';
import { RECORDINGS_DIR, resolveInside } from './segment-paths.ts';

/** Segments read from the index per page, oldest first. */
const RETENTION_PAGE = 5000;

/** The limits retention enforces (`retention` and the disk limits of `recording` in the server configuration). */
export interface RetentionLimits extends RecordLimits {
  /** Segments and event snapshots older than this are deleted, hours. */
  readonly videoHours: number;
  /** Quota of all recordings and event snapshots together, GB (10^9 bytes). */
  readonly maxDiskGb: number;
  /** Delete the oldest segments and snapshots while the disk has less than this free, GB. */
  readonly minFreeGb: number;
}

/** The store's repositories whose old records a run deletes. */
export interface RetentionRecords {
  readonly events: Pick<EventStore, 'deleteEventsBefore' | 'deleteAggregatesBefore'>;
  readonly audit?: Pick<AuditLog, 'purgeBefore'>;
  /** Grants of unredacted video, deleted with the audit log (`auditDays` after they were over): their reasons are in it. */
  readonly grants?: Pick<UnredactedGrantStore, 'purgeBefore'>;
}

/** How many records of each kind a run deleted. */
export interface RecordsDeleted {
  readonly events: number;
  /** Snapshot files of the deleted events. */
  readonly eventSnapshots: number;
  readonly lineCounts: number;
  readonly occupancy: number;
  readonly dwell: number;
  readonly heat: number;
  readonly audit: number;
  readonly grants: number;
}

/** What the `events`-mode cameras keep, for the time range the segments span; cameras absent keep everything. */
export type KeepProvider = (range: { readonly from: number; readonly to: number; readonly now: number }) => Promise<ReadonlyMap<string, EventKeep>>;

/** How to run retention. */
export interface RetentionRunnerOptions {
  /** Absolute data directory. */
  readonly dataDir: string;
  readonly index: SegmentIndex;
  /** The limits; a function is read at every run, so configuration changes apply. */
  readonly limits: RetentionLimits | (() => RetentionLimits);
  /** The redaction boxes kept with the video: those older than `videoHours` are deleted at each run. */
  readonly redactionBoxes?: Pick<RedactionBoxStore, 'deleteBefore'>;
  /** The repositories whose old records are deleted (by `eventDays`, `aggregateDays`, `auditDays`); default none. */
  readonly records?: RetentionRecords;
  /** Event windows of `events`-mode cameras; default none (every camera is continuous). */
  readonly keep?: KeepProvider;
  /** Least time between two deletions of old records (the first run always deletes), ms; default one hour (their limits are days). */
  readonly recordsIntervalMs?: number;
  /** Time between runs, ms; default 60,000. */
  readonly intervalMs?: number;
  /** Time and timers; `now()` must be epoch ms. Default the system clock. */
  readonly clock?: Clock;
  /** Free bytes of the file system holding `dir`; default `fs.statfs` (blocks available to unprivileged users). */
  readonly freeBytes?: (dir: string) => Promise<number>;
  /** Receives the errors of a run (a file that cannot be deleted, a failed query); messages hold no secrets. */
  readonly onError?: (message: string) => void;
  /** Receives each run's report. */
  readonly onRun?: (report: RetentionReport) => void;
}

/** One deleted segment (its file and row) or event snapshot file. */
export type RetentionDeleted =
  | {
      readonly kind: 'segment';
      readonly id: number;
      readonly cameraId: string;
      /** Relative to the data directory. */
      readonly path: string;
      readonly bytes: number;
      readonly reason: RetentionReason;
    }
  | {
      readonly kind: 'snapshot';
      readonly cameraId: string;
      /** Relative to the data directory. */
      readonly path: string;
      readonly bytes: number;
      readonly reason: SnapshotDeletion['reason'];
    };

/** What one run did. */
export interface RetentionReport {
  readonly deleted: readonly RetentionDeleted[];
  readonly freedBytes: number;
  /** The disk shortfall the run started with, bytes (0 when there was enough free space or it could not be read). */
  readonly bytesToFree: number;
  /** Records deleted from the store. */
  readonly records: RecordsDeleted;
  readonly errors: readonly string[];
}

const NO_RECORDS: RecordsDeleted = { events: 0, eventSnapshots: 0, lineCounts: 0, occupancy: 0, dwell: 0, heat: 0, audit: 0, grants: 0 };

/** Runs retention on a timer and on demand; one run at a time. */
export class RetentionRunner {
  readonly #o: RetentionRunnerOptions;
  readonly #clock: Clock;
  readonly #snapshots: SnapshotFiles;
  #running: Promise<RetentionReport> | null = null;
  #cancelTimer: (() => void) | null = null;
  #started = false;
  #recordsDueAt = -Infinity;

  /** Prepares the runner; nothing runs before `start()` or `runNow()`. */
  constructor(options: RetentionRunnerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#snapshots = new SnapshotFiles(options.dataDir);
  }

  /** Runs now and then every `intervalMs` until `stop()`. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#tick();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.#running;
  }

  /** Runs retention now (or joins the run in progress) and reports what it deleted; never rejects. */
  runNow(): Promise<RetentionReport> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** The limits changed (an admin set new ones): runs now, deleting old records too, without waiting for their interval. */
  limitsChanged(): Promise<RetentionReport> {
    this.#recordsDueAt = -Infinity;
    return this.runNow();
  }

  #tick(): void {
    void this.runNow().then((report) => {
      this.#o.onRun?.(report);
      if (!this.#started) return;
      this.#cancelTimer = this.#clock.setTimer(this.#o.intervalMs ?? 60_000, () => {
        this.#cancelTimer = null;
        if (this.#started) this.#tick();
      });
    });
  }

  async #run(): Promise<RetentionReport> {
    const errors: string[] = [];
    const fail = (message: string): void => {
      errors.push(message);
      this.#o.onError?.(message);
    };
    const deleted: RetentionDeleted[] = [];
    let bytesToFree = 0;
    let records = NO_RECORDS;
    try {
      const limits = typeof this.#o.limits === 'function' ? this.#o.limits() : this.#o.limits;
      const now = Math.round(this.#clock.now());
      const scan = await this.#snapshots.scan();
      for (const e of scan.errors) fail(e);
      bytesToFree = await this.#shortfall(limits, fail);
      const { segments, horizon, totalBytes } = this.#listOldest(now, limits, scan.snapshots, bytesToFree);
      let keep: ReadonlyMap<string, EventKeep> = new Map();
      if (this.#o.keep !== undefined && segments.length > 0) {
        const from = segments[0]!.startTime;
        const to = segments.reduce((latest, s) => Math.max(latest, s.endTime), now);
        try {
          keep = await this.#o.keep({ from, to, now });
        } catch (cause) {
          // Without the event windows nothing is deleted for being far from events; age and quota still apply.
          fail(`cannot read the event windows: ${messageOf(cause)}`);
        }
      }
      // The segments of cameras recording in `events` mode may go from anywhere: all of theirs are listed.
      if (horizon !== Infinity) {
        const listed = new Set(segments.map((s) => s.id));
        for (const cameraId of keep.keys()) for (const s of this.#o.index.ofCamera(cameraId)) if (!listed.has(s.id)) segments.push(s);
      }
      const listedBytes = segments.reduce((n, s) => n + s.bytes, 0);
      const lateSnapshots = scan.snapshots.filter((s) => s.time >= horizon);
      const unlistedBytes = Math.max(0, totalBytes - listedBytes) + lateSnapshots.reduce((n, s) => n + s.bytes, 0);
      const plan = planRetention({
        segments,
        snapshots: scan.snapshots.filter((s) => s.time < horizon),
        horizon,
        unlistedBytes,
        now,
        maxAgeMs: limits.videoHours * 3_600_000,
        quotaBytes: limits.maxDiskGb * 1e9,
        bytesToFree,
        keep,
      });
      const byId = new Map(segments.map((s) => [s.id, s]));
      const folders = new Set<string>();
      for (const step of plan) {
        if (step.kind === 'snapshot') {
          if (await deleteDataFile(this.#o.dataDir, step.path, fail)) {
            deleted.push({ kind: 'snapshot', cameraId: step.cameraId, path: step.path, bytes: step.bytes, reason: step.reason });
            folders.add(path.posix.dirname(step.path));
          }
          continue;
        }
        const segment = byId.get(step.id)!;
        if (await deleteDataFile(this.#o.dataDir, segment.path, fail)) {
          try {
            this.#o.index.delete(segment.id);
            deleted.push({ kind: 'segment', id: segment.id, cameraId: segment.cameraId, path: segment.path, bytes: segment.bytes, reason: step.reason });
            folders.add(path.posix.dirname(segment.path));
          } catch (cause) {
            fail(`cannot delete the row of ${segment.path}: ${messageOf(cause)}`);
          }
        }
      }
      await removeEmptyDayFolders(this.#o.dataDir, folders);
      try {
        this.#o.redactionBoxes?.deleteBefore(now - limits.videoHours * 3_600_000);
      } catch (cause) {
        fail(`cannot delete old redaction boxes: ${messageOf(cause)}`);
      }
      if (this.#o.records !== undefined && now >= this.#recordsDueAt) {
        this.#recordsDueAt = now + (this.#o.recordsIntervalMs ?? 3_600_000);
        records = await this.#deleteRecords(this.#o.records, now, limits, fail);
      }
    } catch (cause) {
      fail(`retention failed: ${messageOf(cause)}`);
    }
    return { deleted, freedBytes: deleted.reduce((n, d) => n + d.bytes, 0), bytesToFree, records, errors };
  }

  /**
   * The segments retention looks at: the oldest end of the index, a page at a time, until past
   * the age limit and holding more bytes than quota and disk ask to free (with a million rows,
   * reading every one takes seconds on the event loop). The caller adds every segment of the
   * cameras that record in `events` mode (those may go from anywhere). The horizon is the start of
   * the last segment read, exclusive (Infinity when every segment was read).
   */
  #listOldest(now: number, limits: RetentionLimits, snapshots: readonly RetentionSnapshot[], bytesToFree: number): { segments: StoredSegment[]; horizon: number; totalBytes: number } {
    const { index } = this.#o;
    const totals = index.totals();
    const snapshotBytes = snapshots.reduce((n, s) => n + s.bytes, 0);
    const need = Math.max(0, totals.bytes + snapshotBytes - limits.maxDiskGb * 1e9) + bytesToFree;
    const ageCutoff = now - limits.videoHours * 3_600_000;
    const segments: StoredSegment[] = [];
    let listedBytes = 0;
    let horizon = Infinity;
    for (let after: StoredSegment | null = null; ; ) {
      const page = index.oldest(after, RETENTION_PAGE);
      for (const s of page) {
        segments.push(s);
        listedBytes += s.bytes;
      }
      after = page.at(-1) ?? null;
      if (page.length < RETENTION_PAGE || after === null) break;
      // Segments that start where the page ends may lie on either side: the horizon is exclusive.
      if (after.startTime > ageCutoff && listedBytes >= need) {
        horizon = after.startTime;
        break;
      }
    }
    return { segments, horizon, totalBytes: totals.bytes };
  }

  /** Deletes the events (and their snapshot files), aggregates and audit entries past their limits; each kind on its own, so one failing spares the others. */
  async #deleteRecords(stores: RetentionRecords, now: number, limits: RetentionLimits, fail: (message: string) => void): Promise<RecordsDeleted> {
    const cutoffs = planRecordCutoffs(now, limits);
    let { events, eventSnapshots, lineCounts, occupancy, dwell, heat, audit, grants } = NO_RECORDS;
    if (cutoffs.events !== null) {
      try {
        const gone = await stores.events.deleteEventsBefore(cutoffs.events);
        events = gone.deleted;
        const folders = new Set<string>();
        for (const file of gone.snapshotPaths) {
          if (await deleteDataFile(this.#o.dataDir, file, fail)) {
            eventSnapshots += 1;
            folders.add(path.posix.dirname(file));
          }
        }
        await removeEmptyDayFolders(this.#o.dataDir, folders);
      } catch (cause) {
        fail(`cannot delete old events: ${messageOf(cause)}`);
      }
    }
    if (cutoffs.aggregates !== null) {
      try {
        ({ lineCounts, occupancy, dwell, heat } = await stores.events.deleteAggregatesBefore(cutoffs.aggregates));
      } catch (cause) {
        fail(`cannot delete old counts, occupancy, dwell and heat: ${messageOf(cause)}`);
      }
    }
    if (cutoffs.audit !== null && stores.audit !== undefined) {
      try {
        audit = stores.audit.purgeBefore(cutoffs.audit).deleted;
      } catch (cause) {
        fail(`cannot delete old audit entries: ${messageOf(cause)}`);
      }
    }
    if (cutoffs.audit !== null && stores.grants !== undefined) {
      try {
        grants = stores.grants.purgeBefore(cutoffs.audit).deleted;
      } catch (cause) {
        fail(`cannot delete old grants of unredacted video: ${messageOf(cause)}`);
      }
    }
    return { events, eventSnapshots, lineCounts, occupancy, dwell, heat, audit, grants };
  }

  /** How many bytes must go for the disk to have `minFreeGb` free; 0 when the free space cannot be read. */
  async #shortfall(limits: RetentionLimits, fail: (message: string) => void): Promise<number> {
    if (!(limits.minFreeGb > 0)) return 0;
    const dir = resolveInside(this.#o.dataDir, RECORDINGS_DIR) ?? this.#o.dataDir;
    try {
      const free = await (this.#o.freeBytes ?? defaultFreeBytes)(dir);
      return Math.max(0, Math.ceil(limits.minFreeGb * 1e9 - free));
    } catch (cause) {
      fail(`cannot read the free disk space of ${dir}: ${messageOf(cause)}`);
      return 0;
    }
  }
}

/** Free bytes for unprivileged users on the file system of `dir`, or of the data directory when `dir` does not exist yet. */
async function defaultFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir).catch(() => statfs(path.dirname(dir)));
  return s.bavail * s.bsize;
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
