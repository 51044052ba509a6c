/**
 * Deleting for retention and erasure on SQLite: events by age or by camera and range, aggregates
 * (line counts, zone occupancy, zone dwell, heat grids) by age. Every connection runs with `secure_delete` on
 * (see database.ts), so deleted rows are overwritten with zeros in their pages; {@link scrubDeleted}
 * then checkpoints the write-ahead log and truncates it, so that no older copy of those pages is left
 * in the `-wal` file either.
 */
import type { Database } from 'better-sqlite3';
import { HOUR_MS, MINUTE_MS } from './buckets.ts';
import type { DeletedAggregates, DeletedEvents } from './event-store.ts';

/** Writes the WAL back into the database file and truncates it, so deleted rows survive in neither (best effort while a reader holds an old snapshot). */
export function scrubDeleted(db: Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Deletes the events matching `where` (with `params`) in one immediate transaction and returns their snapshot paths; scrubs when any went, or always with `alwaysScrub`. */
function deleteEventsWhere(db: Database, where: string, params: readonly (string | number)[], alwaysScrub = false): DeletedEvents {
  const result = db
    .transaction((): DeletedEvents => {
      const paths = db
        .prepare<(string | number)[], { snapshot_path: string }>(`SELECT snapshot_path FROM events WHERE ${where} AND snapshot_path IS NOT NULL`)
        .all(...params)
        .map((r) => r.snapshot_path);
      const deleted = db.prepare<(string | number)[]>(`DELETE FROM events WHERE ${where}`).run(...params).changes;
      return { deleted, snapshotPaths: paths };
    })
    .immediate();
  if (result.deleted > 0 || alwaysScrub) scrubDeleted(db);
  return result;
}

/** Every event that started before `time` and ended before it (an open event by its start). */
export function deleteEventsBefore(db: Database, time: number): DeletedEvents {
  return deleteEventsWhere(db, 'start_time < ? AND coalesce(end_time, start_time) < ?', [time, time]);
}

/** A camera's events that overlap [from, to); the WAL is truncated even when none did, since an erasure deletes segment rows just before. */
export function deleteCameraEvents(db: Database, cameraId: string, from: number, to: number): DeletedEvents {
  return deleteEventsWhere(db, 'camera_id = ? AND start_time < ? AND coalesce(end_time, start_time) >= ?', [cameraId, to, from], true);
}

/** The line counts, occupancy and dwell minutes, and the heat hours, that end at or before `time`. */
export function deleteAggregatesBefore(db: Database, time: number): DeletedAggregates {
  const result = db
    .transaction(
      (): DeletedAggregates => ({
        lineCounts: db.prepare<[number]>('DELETE FROM line_counts WHERE minute <= ?').run(time - MINUTE_MS).changes,
        occupancy: db.prepare<[number]>('DELETE FROM zone_occupancy WHERE minute <= ?').run(time - MINUTE_MS).changes,
        dwell: db.prepare<[number]>('DELETE FROM zone_dwell WHERE minute <= ?').run(time - MINUTE_MS).changes,
        heat: db.prepare<[number]>('DELETE FROM heat_grids WHERE hour <= ?').run(time - HOUR_MS).changes,
      }),
    )
    .immediate();
  if (result.lineCounts + result.occupancy + result.dwell + result.heat > 0) scrubDeleted(db);
  return result;
}
