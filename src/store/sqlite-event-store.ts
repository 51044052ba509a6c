/**
 * The embedded EventStore on SQLite (better-sqlite3): prepared statements, one transaction per
 * batch so that a failure writes nothing, and keyset pagination over the (start_time, id) index.
 */
import { randomUUID } from 'node:crypto';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { mergeHeatGrids, type HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent } from '../core/rules/types.ts';
import { BUCKET_MS, bucketStart, crossingsByMinute, exitsByMinute, HOUR_MS } from './buckets.ts';
import { openDatabase, type OpenDatabaseOptions } from './database.ts';
import { decodeCursor, encodeCursor } from './event-cursor.ts';
import {
  MAX_COUNT_BUCKETS,
  type AppendResult,
  type Camera,
  type CameraPatch,
  type DeletedAggregates,
  type DeletedEvents,
  type DwellQuery,
  type EventDensityQuery,
  type EventDensityRow,
  type EventPage,
  type EventQuery,
  type EventStore,
  type HeatQuery,
  type LineCountQuery,
  type LineCountRow,
  type NewCamera,
  type NewEvent,
  type StoredEvent,
  type OccupancyQuery,
  type ZoneDwellRow,
  type ZoneOccupancyMinute,
  type ZoneOccupancyRow,
} from './event-store.ts';
import { addDwellMinutes, queryDwellBuckets } from './sqlite-dwell.ts';
import { encodeHeatCells } from './heat-blob.ts';
import { deleteAggregatesBefore, deleteCameraEvents, deleteEventsBefore } from './sqlite-purge.ts';
import { sameShape, shapeOf, toCamera, toEvent, toHeatGrid, type CameraRow, type EventRow, type HeatRow } from './sqlite-rows.ts';
import {
  checkCameraPatch,
  checkClass,
  checkEventType,
  checkHeatGrid,
  checkJson,
  checkLimit,
  checkNewCamera,
  checkNewEvent,
  checkOptionalText,
  checkRange,
  checkText,
  checkTime,
  checkZoneOccupancyMinute,
  invalid,
} from './store-input.ts';

/** Injected dependencies of the SQLite store. */
export interface SqliteEventStoreOptions {
  /** The clock of camera timestamps, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Makes camera ids when none is given. Default `crypto.randomUUID`. */
  readonly newId?: () => string;
}

/** The EventStore of the embedded database; it owns the connection it is given and closes it on `close()`. */
export class SqliteEventStore implements EventStore {
  /** The connection, for sharing with the audit log. */
  readonly db: Database;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #queries = new Map<string, Statement<unknown[], EventRow>>();
  readonly #s;

  /** Opens (creating and migrating as needed) the database file and a store over it. */
  static open(file: string, options: SqliteEventStoreOptions & OpenDatabaseOptions = {}): SqliteEventStore {
    return new SqliteEventStore(openDatabase(file, options), options);
  }

  /** A store over an open, migrated connection. */
  constructor(db: Database, options: SqliteEventStoreOptions = {}) {
    this.db = db;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
    this.#s = {
      cameraById: db.prepare<[string], CameraRow>('SELECT * FROM cameras WHERE id = ?'),
      cameraExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM cameras WHERE id = ?'),
      cameras: db.prepare<[], CameraRow>('SELECT * FROM cameras ORDER BY name, id'),
      insertCamera: db.prepare<[string, string, string, number, string, number, number]>(
        'INSERT INTO cameras (id, name, url, enabled, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      updateCamera: db.prepare<[string, string, number, string, number, string]>('UPDATE cameras SET name = ?, url = ?, enabled = ?, config = ?, updated_at = ? WHERE id = ?'),
      deleteCamera: db.prepare<[string]>('DELETE FROM cameras WHERE id = ?'),
      credentials: db.prepare<[string], { credentials: Buffer | null }>('SELECT credentials FROM cameras WHERE id = ?'),
      setCredentials: db.prepare<[Buffer | null, string]>('UPDATE cameras SET credentials = ? WHERE id = ?'),
      insertEvent: db.prepare<[string, string, string, string, number | null, string, number, number | null, number, string | null, string, string | null, string | null]>(
        `INSERT INTO events (id, camera_id, type, rule, track_id, class, start_time, end_time, frame, direction, data, snapshot_path, recording)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      eventById: db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
      endEvent: db.prepare<[number, string]>('UPDATE events SET end_time = ? WHERE id = ?'),
      addCounts: db.prepare<[string, string, number, number, number]>(
        `INSERT INTO line_counts (camera_id, line, minute, in_count, out_count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (camera_id, line, minute) DO UPDATE SET in_count = in_count + excluded.in_count, out_count = out_count + excluded.out_count`,
      ),
      addOccupancy: db.prepare<[string, string, number, number, number, number]>(
        `INSERT INTO zone_occupancy (camera_id, zone, minute, peak, object_ms, observed_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (camera_id, zone, minute) DO UPDATE SET peak = max(peak, excluded.peak), object_ms = object_ms + excluded.object_ms,
           observed_ms = min(60000, observed_ms + excluded.observed_ms)`,
      ),
      heatAt: db.prepare<[string, number], HeatRow>('SELECT cols, rows, cell_width, cell_height, seconds FROM heat_grids WHERE camera_id = ? AND hour = ?'),
      heatRange: db.prepare<[string, number, number], HeatRow>(
        'SELECT cols, rows, cell_width, cell_height, seconds FROM heat_grids WHERE camera_id = ? AND hour >= ? AND hour < ? ORDER BY hour',
      ),
      putHeat: db.prepare<[string, number, number, number, number, number, Buffer]>(
        `INSERT INTO heat_grids (camera_id, hour, cols, rows, cell_width, cell_height, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (camera_id, hour) DO UPDATE SET seconds = excluded.seconds`,
      ),
    };
  }

  /** Closes the connection; later calls fail. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async addCamera(camera: NewCamera): Promise<Camera> {
    checkNewCamera(camera);
    const id = camera.id ?? this.#newId();
    const t = this.#now();
    return this.#run('add the camera', () => {
      try {
        this.#s.insertCamera.run(id, camera.name, camera.url, camera.enabled === false ? 0 : 1, checkJson('config', camera.config), t, t);
      } catch (cause) {
        throw this.#conflict(cause, id, camera.name);
      }
      return toCamera(this.#s.cameraById.get(id)!);
    });
  }

  async cameraCredentials(id: string): Promise<Buffer | null> {
    return this.#run('read the camera credentials', () => this.#s.credentials.get(id)?.credentials ?? null);
  }

  async setCameraCredentials(id: string, sealed: Buffer | null): Promise<void> {
    checkText('camera id', id);
    if (sealed !== null && !(sealed instanceof Uint8Array && sealed.length > 0)) throw invalid('sealed credentials must be non-empty bytes or null');
    this.#run('store the camera credentials', () => {
      if (this.#s.setCredentials.run(sealed === null ? null : Buffer.from(sealed), id).changes === 0) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
    });
  }

  async updateCamera(id: string, patch: CameraPatch): Promise<Camera> {
    checkText('camera id', id);
    checkCameraPatch(patch);
    return this.#run('update the camera', () =>
      this.db.transaction(() => {
        const old = this.#s.cameraById.get(id);
        if (old === undefined) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
        const name = patch.name ?? old.name;
        const enabled = patch.enabled === undefined ? old.enabled : patch.enabled ? 1 : 0;
        const config = patch.config === undefined ? old.config : checkJson('config', patch.config);
        try {
          this.#s.updateCamera.run(name, patch.url ?? old.url, enabled, config, this.#now(), id);
        } catch (cause) {
          throw this.#conflict(cause, id, name);
        }
        return toCamera(this.#s.cameraById.get(id)!);
      }).immediate(),
    );
  }

  async getCamera(id: string): Promise<Camera | null> {
    checkText('camera id', id);
    return this.#run('read the camera', () => {
      const row = this.#s.cameraById.get(id);
      return row === undefined ? null : toCamera(row);
    });
  }

  async listCameras(): Promise<readonly Camera[]> {
    return this.#run('list the cameras', () => this.#s.cameras.all().map(toCamera));
  }

  async removeCamera(id: string): Promise<void> {
    checkText('camera id', id);
    this.#run('remove the camera', () => {
      if (this.#s.deleteCamera.run(id).changes === 0) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
    });
  }

  async appendEvents(events: readonly NewEvent[]): Promise<AppendResult> {
    for (const e of events) checkNewEvent(e);
    return this.#run('append the events', () =>
      this.db.transaction(() => {
        const known = new Set<string>();
        let inserted = 0;
        for (const e of events) {
          if (!known.has(e.cameraId)) {
            this.#requireCamera(e.cameraId);
            known.add(e.cameraId);
          }
          const r = this.#s.insertEvent.run(
            e.id, e.cameraId, e.type, e.rule, e.trackId ?? null, e.class, e.startTime, e.endTime ?? null, e.frame,
            e.direction ?? null, checkJson('data', e.data), checkOptionalText('snapshotPath', e.snapshotPath), checkOptionalText('recording', e.recording),
          );
          inserted += r.changes;
        }
        return { inserted, duplicates: events.length - inserted };
      }).immediate(),
    );
  }

  async endEvent(id: string, endTime: number): Promise<StoredEvent> {
    checkText('event id', id);
    checkTime('endTime', endTime);
    return this.#run('end the event', () =>
      this.db.transaction(() => {
        const row = this.#s.eventById.get(id);
        if (row === undefined) throw new SightlineError('EVENT_NOT_FOUND', `no event has the id ${id}`);
        if (endTime < row.start_time) throw invalid(`event ${id} cannot end at ${endTime}, before its start at ${row.start_time}`);
        if (row.end_time !== null) {
          if (row.end_time === endTime) return toEvent(row);
          throw new SightlineError('STORE_CONFLICT', `event ${id} already ended at ${row.end_time}, not ${endTime}`);
        }
        this.#s.endEvent.run(endTime, id);
        return toEvent({ ...row, end_time: endTime });
      }).immediate(),
    );
  }

  async getEvent(id: string): Promise<StoredEvent | null> {
    checkText('event id', id);
    return this.#run('read the event', () => {
      const row = this.#s.eventById.get(id);
      return row === undefined ? null : toEvent(row);
    });
  }

  async queryEvents(query: EventQuery): Promise<EventPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]): void => {
      where.push(sql);
      params.push(...values);
    };
    checkRange(query.from, query.to);
    const limit = checkLimit(query.limit);
    const order = query.order ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw invalid(`order must be asc or desc, got ${String(order)}`);
    if (query.cameraId !== undefined) add('camera_id = ?', checkText('cameraId', query.cameraId));
    if (query.cameraIds !== undefined) {
      const ids = query.cameraIds.map((id) => checkText('cameraIds', id));
      add(ids.length === 0 ? '0' : `camera_id IN (${ids.map(() => '?').join(', ')})`, ...ids);
    }
    if (query.from !== undefined) add('start_time >= ?', query.from);
    if (query.to !== undefined) add('start_time < ?', query.to);
    if (query.type !== undefined) add('type = ?', checkEventType(query.type));
    if (query.rule !== undefined) add('rule = ?', checkText('rule', query.rule));
    if (query.class !== undefined) add('class = ?', checkClass(query.class));
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor);
      add(`(start_time, id) ${order === 'asc' ? '>' : '<'} (?, ?)`, c.startTime, c.id);
    }
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_time ${dir}, id ${dir} LIMIT ?`;
    return this.#run('query the events', () => {
      if (query.cameraId !== undefined) this.#requireCamera(query.cameraId);
      let stmt = this.#queries.get(sql);
      if (stmt === undefined) {
        stmt = this.db.prepare<unknown[], EventRow>(sql);
        this.#queries.set(sql, stmt);
      }
      const rows = stmt.all(...params, limit + 1);
      const page = rows.slice(0, limit).map(toEvent);
      const last = page.at(-1);
      return { events: page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
    });
  }

  async eventDensity(query: EventDensityQuery): Promise<readonly EventDensityRow[]> {
    checkText('cameraId', query.cameraId);
    checkTime('from', query.from);
    checkTime('to', query.to);
    checkRange(query.from, query.to);
    if (!(Number.isSafeInteger(query.bucketMs) && query.bucketMs > 0)) throw invalid(`bucketMs must be a positive whole number of ms, got ${query.bucketMs}`);
    return this.#run('count the events of the timeline', () => {
      this.#requireCamera(query.cameraId);
      return this.db
        .prepare<[number, number, string, number, number], EventDensityRow>(
          'SELECT CAST((start_time - ?) / ? AS INTEGER) AS bucket, type, count(*) AS count FROM events WHERE camera_id = ? AND start_time >= ? AND start_time < ? GROUP BY bucket, type ORDER BY bucket, type',
        )
        .all(query.from, query.bucketMs, query.cameraId, query.from, query.to);
    });
  }

  async deleteEventsBefore(time: number): Promise<DeletedEvents> {
    checkTime('time', time);
    return this.#run('delete old events', () => deleteEventsBefore(this.db, time));
  }

  async deleteCameraEvents(cameraId: string, from: number, to: number): Promise<DeletedEvents> {
    checkText('cameraId', cameraId);
    checkTime('from', from);
    checkTime('to', to);
    checkRange(from, to);
    return this.#run('delete the events of the range', () => {
      this.#requireCamera(cameraId);
      return deleteCameraEvents(this.db, cameraId, from, to);
    });
  }

  async deleteAggregatesBefore(time: number): Promise<DeletedAggregates> {
    checkTime('time', time);
    return this.#run('delete old counts, occupancy, dwell and heat', () => deleteAggregatesBefore(this.db, time));
  }

  async addLineCrossings(cameraId: string, streamStartMs: number, events: readonly RuleEvent[]): Promise<number> {
    checkText('cameraId', cameraId);
    checkTime('streamStartMs', streamStartMs);
    const counts = crossingsByMinute(streamStartMs, events);
    return this.#run('add the line counts', () =>
      this.db.transaction(() => {
        this.#requireCamera(cameraId);
        let total = 0;
        for (const c of counts) {
          this.#s.addCounts.run(cameraId, c.line, c.minute, c.in, c.out);
          total += c.in + c.out;
        }
        return total;
      }).immediate(),
    );
  }

  async queryLineCounts(query: LineCountQuery): Promise<readonly LineCountRow[]> {
    const { size, first, end } = bucketRange(query);
    if (query.line !== undefined) checkText('line', query.line);
    const sql = `SELECT line, (minute / ${size}) * ${size} AS start, sum(in_count) AS "in", sum(out_count) AS "out" FROM line_counts
      WHERE camera_id = ? AND minute >= ? AND minute < ? ${query.line !== undefined ? 'AND line = ?' : ''}
      GROUP BY line, start ORDER BY start, line`;
    return this.#run('query the line counts', () => {
      this.#requireCamera(query.cameraId);
      const params: unknown[] = [query.cameraId, first, end];
      if (query.line !== undefined) params.push(query.line);
      return this.db.prepare<unknown[], LineCountRow>(sql).all(...params);
    });
  }

  async addZoneOccupancy(cameraId: string, rows: readonly ZoneOccupancyMinute[]): Promise<void> {
    checkText('cameraId', cameraId);
    for (const r of rows) checkZoneOccupancyMinute(r);
    this.#run('add the zone occupancy', () =>
      this.db.transaction(() => {
        this.#requireCamera(cameraId);
        for (const r of rows) this.#s.addOccupancy.run(cameraId, r.zone, r.minute, r.peak, r.objectMs, r.observedMs);
      }).immediate(),
    );
  }

  async queryZoneOccupancy(query: OccupancyQuery): Promise<readonly ZoneOccupancyRow[]> {
    const { size, first, end } = bucketRange(query);
    const sql = `SELECT zone, (minute / ${size}) * ${size} AS start, max(peak) AS peak, sum(object_ms) AS objectMs, sum(observed_ms) AS observedMs
      FROM zone_occupancy WHERE camera_id = ? AND minute >= ? AND minute < ? GROUP BY zone, start ORDER BY start, zone`;
    return this.#run('query the zone occupancy', () => {
      this.#requireCamera(query.cameraId);
      return this.db.prepare<[string, number, number], ZoneOccupancyRow>(sql).all(query.cameraId, first, end);
    });
  }

  async addZoneExits(cameraId: string, streamStartMs: number, events: readonly RuleEvent[]): Promise<number> {
    checkText('cameraId', cameraId);
    checkTime('streamStartMs', streamStartMs);
    const rows = exitsByMinute(streamStartMs, events);
    return this.#run('add the zone dwell', () =>
      this.db.transaction(() => {
        this.#requireCamera(cameraId);
        addDwellMinutes(this.db, cameraId, rows);
        return rows.reduce((n, r) => n + r.exits, 0);
      }).immediate(),
    );
  }

  async queryZoneDwell(query: DwellQuery): Promise<readonly ZoneDwellRow[]> {
    const { size, first, end } = bucketRange(query);
    return this.#run('query the zone dwell', () => {
      this.#requireCamera(query.cameraId);
      return queryDwellBuckets(this.db, query.cameraId, size, first, end);
    });
  }

  async mergeHeatGrid(cameraId: string, time: number, grid: HeatGrid): Promise<void> {
    checkText('cameraId', cameraId);
    checkTime('time', time);
    checkHeatGrid(grid);
    const hour = bucketStart(time, HOUR_MS);
    this.#run('merge the heat grid', () =>
      this.db.transaction(() => {
        this.#requireCamera(cameraId);
        const row = this.#s.heatAt.get(cameraId, hour);
        let merged = grid;
        if (row !== undefined) {
          const old = toHeatGrid(row);
          if (!sameShape(old, grid)) {
            throw new SightlineError('STORE_CONFLICT', `camera ${cameraId} already holds a heat grid of ${shapeOf(old)} for the hour at ${hour}; cannot merge one of ${shapeOf(grid)}`);
          }
          merged = mergeHeatGrids(old, grid);
        }
        this.#s.putHeat.run(cameraId, hour, merged.cols, merged.rows, merged.cellWidth, merged.cellHeight, encodeHeatCells(merged.seconds));
      }).immediate(),
    );
  }

  async readHeatGrid(query: HeatQuery): Promise<HeatGrid | null> {
    checkText('cameraId', query.cameraId);
    checkTime('from', query.from);
    checkTime('to', query.to);
    checkRange(query.from, query.to);
    return this.#run('read the heat grid', () => {
      this.#requireCamera(query.cameraId);
      let sum: HeatGrid | null = null;
      for (const row of this.#s.heatRange.iterate(query.cameraId, bucketStart(query.from, HOUR_MS), query.to)) {
        const g = toHeatGrid(row);
        if (sum !== null && !sameShape(sum, g)) {
          throw new SightlineError('STORE_CONFLICT', `the heat grids of camera ${query.cameraId} change shape in this range (${shapeOf(sum)}, then ${shapeOf(g)}); read a range with one shape`);
        }
        sum = sum === null ? g : mergeHeatGrids(sum, g);
      }
      return sum;
    });
  }

  #requireCamera(id: string): void {
    if (this.#s.cameraExists.get(id) === undefined) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
  }

  /** Maps a uniqueness failure on cameras to STORE_CONFLICT; anything else passes through. */
  #conflict(cause: unknown, id: string, name: string): unknown {
    if (!(cause instanceof BetterSqlite3.SqliteError) || !cause.code.startsWith('SQLITE_CONSTRAINT')) return cause;
    const what = cause.message.includes('cameras.name') ? `a camera named "${name}" already exists` : `a camera with the id ${id} already exists`;
    return new SightlineError('STORE_CONFLICT', what, { cause });
  }

  /** Runs one database operation, turning SQLite failures into DATABASE_FAILED; SightlineErrors and bugs pass through. */
  #run<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof BetterSqlite3.SqliteError || (cause instanceof TypeError && !this.db.open)) {
        throw new SightlineError('DATABASE_FAILED', `could not ${what}: ${cause.message}`, { cause });
      }
      throw cause;
    }
  }
}

/** Checks a bucketed query of one camera and gives its bucket size and the whole buckets [first, end) overlapping its range. */
function bucketRange(query: { readonly cameraId: string; readonly from: number; readonly to: number; readonly bucket: string }): { size: number; first: number; end: number } {
  checkText('cameraId', query.cameraId);
  checkTime('from', query.from);
  checkTime('to', query.to);
  checkRange(query.from, query.to);
  if (!Object.hasOwn(BUCKET_MS, query.bucket)) throw invalid(`bucket must be minute, hour or day, got ${String(query.bucket)}`);
  const size = BUCKET_MS[query.bucket as keyof typeof BUCKET_MS];
  const first = bucketStart(query.from, size);
  const end = bucketStart(query.to - 1, size) + size;
  if ((end - first) / size > MAX_COUNT_BUCKETS) throw invalid(`the range spans ${(end - first) / size} ${query.bucket} buckets, more than ${MAX_COUNT_BUCKETS}; use wider buckets or a shorter range`);
  return { size, first, end };
}
