/**
 * A heat map as plain data: seconds of dwell per cell of a regular grid over the frame, painted by
 * the foot points of observed tracks. Renderers (not here) turn it into pictures.
 *
 * Grids are treated as immutable: every function returns a new grid and leaves its inputs alone.
 */
import type { ObjectClass } from '../detection.ts';
import { footPoint, type Point } from '../geometry.ts';
import type { TrackFrame } from './types.ts';

/** Width and height of a frame in pixels. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/** Dwell seconds per cell, row-major (`seconds[row * cols + col]`); the cells exactly tile the frame. */
export interface HeatGrid {
  readonly cols: number;
  readonly rows: number;
  /** Width of one cell in frame pixels. */
  readonly cellWidth: number;
  /** Height of one cell in frame pixels. */
  readonly cellHeight: number;
  /** Seconds of dwell per cell; never written after the grid is returned. */
  readonly seconds: Float64Array;
}

/** Default cell size in pixels: cells are about this size, adjusted so that they tile the frame exactly. */
export const DEFAULT_HEAT_CELL_SIZE = 16;

/**
 * Default cap on the seconds one frame may add: a gap in the analysed frames (a stall, a skipped
 * stretch) adds at most this much, so it does not paint a burst where the track happened to be.
 */
export const DEFAULT_HEAT_MAX_DT_SECONDS = 1;

/** An empty grid over a frame, with cells of about `cellSize` pixels (at least one cell each way). */
export function createHeatGrid(size: FrameSize, cellSize: number = DEFAULT_HEAT_CELL_SIZE): HeatGrid {
  if (!(size.width > 0 && size.height > 0 && cellSize > 0)) {
    throw new RangeError(`heat grid needs a positive frame size and cell size, got ${size.width}x${size.height} / ${cellSize}`);
  }
  const cols = Math.max(1, Math.round(size.width / cellSize));
  const rows = Math.max(1, Math.round(size.height / cellSize));
  return { cols, rows, cellWidth: size.width / cols, cellHeight: size.height / rows, seconds: new Float64Array(cols * rows) };
}

/** Index of the cell under a point; points outside the frame go to the nearest edge cell, non-finite points give -1. */
export function heatCellIndex(grid: HeatGrid, point: Point): number {
  const [x, y] = point;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return -1;
  const col = Math.min(grid.cols - 1, Math.max(0, Math.floor(x / grid.cellWidth)));
  const row = Math.min(grid.rows - 1, Math.max(0, Math.floor(y / grid.cellHeight)));
  return row * grid.cols + col;
}

/** A copy of the grid with `seconds` added to the cell under each point (once per point). */
export function addHeat(grid: HeatGrid, points: readonly Point[], seconds: number): HeatGrid {
  const out = new Float64Array(grid.seconds);
  if (seconds > 0) {
    for (const p of points) {
      const i = heatCellIndex(grid, p);
      if (i >= 0) out[i] = out[i]! + seconds;
    }
  }
  return { ...grid, seconds: out };
}

/** How a heat state paints: which classes (null for all) and the cap on the seconds one frame adds. */
export interface HeatOptions {
  readonly classes: readonly ObjectClass[] | null;
  readonly maxDtSeconds: number;
}

/** A grid being painted frame by frame, with the time of the last analysed frame (null before the first). */
export interface HeatState {
  readonly grid: HeatGrid;
  readonly lastTime: number | null;
}

/** A heat state over a frame with an empty grid. */
export function createHeatState(size: FrameSize, cellSize: number = DEFAULT_HEAT_CELL_SIZE): HeatState {
  return { grid: createHeatGrid(size, cellSize), lastTime: null };
}

/**
 * Paints one frame: each observed track of the classes adds dt to the cell under its foot point,
 * dt being the time since the previous analysed frame, capped at `maxDtSeconds` (0 for the first
 * frame and when time goes backwards). Coasting tracks add nothing. The input state is not modified.
 */
export function stepHeat(state: HeatState, frame: TrackFrame, options: HeatOptions): HeatState {
  const elapsed = state.lastTime === null ? 0 : frame.time - state.lastTime;
  const dt = Math.min(options.maxDtSeconds, Math.max(0, elapsed));
  const points: Point[] = [];
  for (const t of frame.tracks) {
    if (t.observed && (options.classes === null || options.classes.includes(t.class))) points.push(footPoint(t.box));
  }
  const grid = dt > 0 && points.length > 0 ? addHeat(state.grid, points, dt) : state.grid;
  return { grid, lastTime: frame.time };
}

/** The cell-wise sum of two grids of the same shape (for instance two periods or two workers); throws a RangeError otherwise. */
export function mergeHeatGrids(a: HeatGrid, b: HeatGrid): HeatGrid {
  if (a.cols !== b.cols || a.rows !== b.rows || a.cellWidth !== b.cellWidth || a.cellHeight !== b.cellHeight) {
    throw new RangeError(`cannot merge heat grids of different shapes: ${a.cols}x${a.rows} and ${b.cols}x${b.rows}`);
  }
  const out = new Float64Array(a.seconds.length);
  for (let i = 0; i < out.length; i++) out[i] = a.seconds[i]! + b.seconds[i]!;
  return { ...a, seconds: out };
}

/** The largest dwell of any cell, in seconds (0 for an empty grid). */
export function heatMax(grid: HeatGrid): number {
  let max = 0;
  for (const v of grid.seconds) if (v > max) max = v;
  return max;
}

/**
 * A robust top of the colour scale: the `quantile` (default 0.98) of the cells that hold any heat,
 * so that one spot where someone stood for minutes does not wash out the rest of the map; the
 * largest cell when fewer than 20 cells hold heat; 0 for an empty grid.
 */
export function heatScale(grid: HeatGrid, quantile = 0.98): number {
  const warm = Array.from(grid.seconds).filter((v) => v > 0);
  if (warm.length < 20) return heatMax(grid);
  warm.sort((a, b) => a - b);
  return warm[Math.min(warm.length - 1, Math.floor(quantile * warm.length))]!;
}

/** Cell values scaled to 0..1 by `scale` (default the largest cell) and capped at 1 (all 0 when the grid is empty), for renderers. */
export function normalizeHeatGrid(grid: HeatGrid, scale: number = heatMax(grid)): Float64Array {
  const out = new Float64Array(grid.seconds.length);
  if (scale > 0) for (let i = 0; i < out.length; i++) out[i] = Math.min(1, grid.seconds[i]! / scale);
  return out;
}
