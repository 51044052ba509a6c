/**
 * Zone dwell on SQLite (the `zone_dwell` table of migration 11): per camera, zone and minute the
 * exits, their dwell added up and one column per dwell bin; added to and read back in buckets.
 */
import type { Database } from 'better-sqlite3';
import { DWELL_BIN_COUNT } from '../core/rules/dwell.ts';
import type { MinuteDwell } from './buckets.ts';
import type { ZoneDwellRow } from './event-store.ts';

/** The bin columns of `zone_dwell`, in the order of DWELL_BINS. */
export const DWELL_BIN_COLUMNS = ['bin_lt5s', 'bin_5_15s', 'bin_15_30s', 'bin_30_60s', 'bin_1_2min', 'bin_2_5min', 'bin_5_15min', 'bin_ge15min'] as const;

// Fails at load when the bins of core and the columns of the table disagree.
if (DWELL_BIN_COLUMNS.length !== DWELL_BIN_COUNT) throw new Error(`zone_dwell has ${DWELL_BIN_COLUMNS.length} bin columns for ${DWELL_BIN_COUNT} dwell bins`);

const ADD_SQL = `INSERT INTO zone_dwell (camera_id, zone, minute, exits, dwell_ms, ${DWELL_BIN_COLUMNS.join(', ')})
  VALUES (${new Array(5 + DWELL_BIN_COLUMNS.length).fill('?').join(', ')})
  ON CONFLICT (camera_id, zone, minute) DO UPDATE SET exits = exits + excluded.exits, dwell_ms = dwell_ms + excluded.dwell_ms,
    ${DWELL_BIN_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;

/** Adds per-minute dwell rows of a camera (inside the caller's transaction); a minute already stored adds up. */
export function addDwellMinutes(db: Database, cameraId: string, rows: readonly MinuteDwell[]): void {
  const add = db.prepare<(string | number)[]>(ADD_SQL);
  for (const r of rows) add.run(cameraId, r.zone, r.minute, r.exits, r.dwellMs, ...DWELL_BIN_COLUMNS.map((_, i) => r.bins[i] ?? 0));
}

type DwellSqlRow = { zone: string; start: number; exits: number; dwellMs: number } & Record<(typeof DWELL_BIN_COLUMNS)[number], number>;

/** A camera's dwell in buckets of `size` ms over the whole buckets [first, end), ordered by (start, zone). */
export function queryDwellBuckets(db: Database, cameraId: string, size: number, first: number, end: number): ZoneDwellRow[] {
  const sql = `SELECT zone, (minute / ${size}) * ${size} AS start, sum(exits) AS exits, sum(dwell_ms) AS dwellMs, ${DWELL_BIN_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
    FROM zone_dwell WHERE camera_id = ? AND minute >= ? AND minute < ? GROUP BY zone, start ORDER BY start, zone`;
  return db
    .prepare<[string, number, number], DwellSqlRow>(sql)
    .all(cameraId, first, end)
    .map((r) => ({ zone: r.zone, start: r.start, exits: r.exits, dwellMs: r.dwellMs, bins: DWELL_BIN_COLUMNS.map((c) => r[c]) }));
}
