/**
 * The segment index on SQLite: the `segments` table (migration 3) behind prepared statements; see
 * ./segment-index.ts for the rules every implementation follows.
 */
import type { Database, Statement } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { MAX_SEGMENT_MS, type NewSegment, type SegmentIndex, type SegmentTotals, type StoredSegment } from './segment-index.ts';
import { checkRange, checkText, checkTime, invalid } from './store-input.ts';

interface SegmentRow {
  id: number;
  camera_id: string;
  path: string;
  start_time: number;
  end_time: number;
  bytes: number;
}

const COLUMNS = 'id, camera_id, path, start_time, end_time, bytes';

/** The segments table behind prepared statements; the connection stays the caller's. */
export class SqliteSegmentIndex implements SegmentIndex {
  readonly #db: Database;
  readonly #s: {
    insert: Statement<[string, string, number, number, number], SegmentRow>;
    byId: Statement<[number], SegmentRow>;
    byPath: Statement<[string], SegmentRow>;
    overlapping: Statement<[string, number, number, number], SegmentRow>;
    latest: Statement<[string], SegmentRow>;
    ofCamera: Statement<[string], SegmentRow>;
    all: Statement<[], SegmentRow>;
    oldest: Statement<[number, number, number, number], SegmentRow>;
    remove: Statement<[number]>;
    totals: Statement<[], { bytes: number; segments: number }>;
    cameraExists: Statement<[string], { one: number }>;
  };

  /** An index over an open, migrated connection (see `openDatabase`). */
  constructor(db: Database) {
    this.#db = db;
    this.#s = {
      insert: db.prepare(`INSERT INTO segments (camera_id, path, start_time, end_time, bytes) VALUES (?, ?, ?, ?, ?) RETURNING ${COLUMNS}`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM segments WHERE id = ?`),
      byPath: db.prepare(`SELECT ${COLUMNS} FROM segments WHERE path = ?`),
      // The lower bound on start_time keeps the scan of the (camera_id, start_time) index short.
      overlapping: db.prepare(
        `SELECT ${COLUMNS} FROM segments WHERE camera_id = ? AND start_time < ? AND start_time > ? AND end_time > ? ORDER BY start_time, id`,
      ),
      latest: db.prepare(`SELECT ${COLUMNS} FROM segments WHERE camera_id = ? ORDER BY start_time DESC, id DESC LIMIT 1`),
      ofCamera: db.prepare(`SELECT ${COLUMNS} FROM segments WHERE camera_id = ? ORDER BY start_time, id`),
      all: db.prepare(`SELECT ${COLUMNS} FROM segments ORDER BY start_time, id`),
      oldest: db.prepare(`SELECT ${COLUMNS} FROM segments WHERE start_time > ? OR (start_time = ? AND id > ?) ORDER BY start_time, id LIMIT ?`),
      remove: db.prepare('DELETE FROM segments WHERE id = ?'),
      totals: db.prepare('SELECT coalesce(sum(bytes), 0) AS bytes, count(*) AS segments FROM segments'),
      cameraExists: db.prepare('SELECT 1 AS one FROM cameras WHERE id = ?'),
    };
  }

  /** Indexes a finished segment and returns it with its id. */
  add(segment: NewSegment): StoredSegment {
    checkText('cameraId', segment.cameraId);
    checkText('path', segment.path);
    checkTime('startTime', segment.startTime);
    checkTime('endTime', segment.endTime);
    if (segment.endTime < segment.startTime) throw invalid(`a segment cannot end (${segment.endTime}) before it starts (${segment.startTime})`);
    if (segment.endTime - segment.startTime > MAX_SEGMENT_MS) throw invalid(`a segment may last at most ${MAX_SEGMENT_MS} ms, got ${segment.endTime - segment.startTime}`);
    if (!Number.isSafeInteger(segment.bytes) || segment.bytes < 0) throw invalid(`bytes must be a whole, non-negative number, got ${segment.bytes}`);
    return this.#run('index the segment', () => {
      if (this.#s.cameraExists.get(segment.cameraId) === undefined) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${segment.cameraId}`);
      if (this.#s.byPath.get(segment.path) !== undefined) throw new SightlineError('STORE_CONFLICT', `the segment file ${segment.path} is indexed already`);
      return toSegment(this.#s.insert.get(segment.cameraId, segment.path, segment.startTime, segment.endTime, segment.bytes)!);
    });
  }

  /** The segment with this id, or null. */
  get(id: number): StoredSegment | null {
    if (!Number.isSafeInteger(id)) return null;
    return this.#run('read the segment', () => {
      const row = this.#s.byId.get(id);
      return row === undefined ? null : toSegment(row);
    });
  }

  /** The segment stored at this path, or null. */
  byPath(relativePath: string): StoredSegment | null {
    return this.#run('read the segment', () => {
      const row = this.#s.byPath.get(relativePath);
      return row === undefined ? null : toSegment(row);
    });
  }

  /** The segments of a camera that overlap [from, to), oldest first. */
  list(cameraId: string, from: number, to: number): StoredSegment[] {
    checkRange(from, to);
    return this.#run('list the segments', () => this.#s.overlapping.all(cameraId, to, from - MAX_SEGMENT_MS - 1, from).map(toSegment));
  }

  /** The camera's segment that starts last, or null when it has none. */
  latest(cameraId: string): StoredSegment | null {
    return this.#run('read the segments', () => {
      const row = this.#s.latest.get(cameraId);
      return row === undefined ? null : toSegment(row);
    });
  }

  /** Every segment of a camera, oldest first. */
  ofCamera(cameraId: string): StoredSegment[] {
    return this.#run('list the segments', () => this.#s.ofCamera.all(cameraId).map(toSegment));
  }

  /** Every segment of every camera, oldest first (for retention). */
  all(): StoredSegment[] {
    return this.#run('list the segments', () => this.#s.all.all().map(toSegment));
  }

  oldest(after: { readonly startTime: number; readonly id: number } | null, limit: number): StoredSegment[] {
    if (!Number.isSafeInteger(limit) || limit < 1) throw invalid(`limit must be a positive whole number, got ${limit}`);
    const [t, id] = after === null ? [Number.MIN_SAFE_INTEGER, 0] : [after.startTime, after.id];
    return this.#run('list the oldest segments', () => this.#s.oldest.all(t, t, id, limit).map(toSegment));
  }

  /** Removes a segment's row (not its file); true when there was one. */
  delete(id: number): boolean {
    return this.#run('delete the segment', () => this.#s.remove.run(id).changes > 0);
  }

  /** Bytes and number of all indexed segments. */
  totals(): SegmentTotals {
    return this.#run('total the segments', () => ({ ...this.#s.totals.get()! }));
  }

  #run<T>(what: string, fn: () => T): T {
    if (!this.#db.open) throw new SightlineError('DATABASE_FAILED', `cannot ${what}: the database is closed`);
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof SightlineError) throw cause;
      throw new SightlineError('DATABASE_FAILED', `cannot ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }
}

function toSegment(row: SegmentRow): StoredSegment {
  return { id: row.id, cameraId: row.camera_id, path: row.path, startTime: row.start_time, endTime: row.end_time, bytes: row.bytes };
}
