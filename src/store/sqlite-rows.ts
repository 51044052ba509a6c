/**
 * Rows of the embedded database as better-sqlite3 returns them, and their conversion to the values
 * of the EventStore interface.
 */
import type { ObjectClass } from '../core/detection.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEventType } from '../core/rules/types.ts';
import type { Camera, StoredEvent } from './event-store.ts';
import { decodeHeatCells } from './heat-blob.ts';
import { parseJsonObject } from '../core/json.ts';

/** A row of `cameras`. */
export interface CameraRow {
  id: string;
  name: string;
  url: string;
  enabled: number;
  config: string;
  created_at: number;
  updated_at: number;
}

/** A row of `events`. */
export interface EventRow {
  id: string;
  camera_id: string;
  type: string;
  rule: string;
  track_id: number | null;
  class: string;
  start_time: number;
  end_time: number | null;
  frame: number;
  direction: string | null;
  data: string;
  snapshot_path: string | null;
  recording: string | null;
}

/** A row of `heat_grids`, without its keys. */
export interface HeatRow {
  cols: number;
  rows: number;
  cell_width: number;
  cell_height: number;
  seconds: Buffer;
}

/** The camera of a row. */
export const toCamera = (r: CameraRow): Camera => ({
  id: r.id,
  name: r.name,
  url: r.url,
  enabled: r.enabled === 1,
  config: parseJsonObject(r.config, `config of camera ${r.id}`),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The event of a row. */
export const toEvent = (r: EventRow): StoredEvent => ({
  id: r.id,
  cameraId: r.camera_id,
  type: r.type as RuleEventType,
  rule: r.rule,
  trackId: r.track_id,
  class: r.class as ObjectClass,
  startTime: r.start_time,
  endTime: r.end_time,
  frame: r.frame,
  direction: r.direction === 'in' || r.direction === 'out' ? r.direction : null,
  data: parseJsonObject(r.data, `data of event ${r.id}`),
  snapshotPath: r.snapshot_path,
  recording: r.recording,
});

/** True when two grids have the same cells and cell sizes. */
export const sameShape = (a: HeatGrid, b: HeatGrid): boolean => a.cols === b.cols && a.rows === b.rows && a.cellWidth === b.cellWidth && a.cellHeight === b.cellHeight;

/** The shape of a grid, for messages. */
export const shapeOf = (g: HeatGrid): string => `${g.cols}x${g.rows} cells of ${g.cellWidth}x${g.cellHeight} px`;

/** The heat grid of a row. */
export function toHeatGrid(row: HeatRow): HeatGrid {
  return { cols: row.cols, rows: row.rows, cellWidth: row.cell_width, cellHeight: row.cell_height, seconds: decodeHeatCells(row.seconds, row.cols * row.rows) };
}
