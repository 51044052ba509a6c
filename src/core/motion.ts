/**
 * Cheap motion detection: each RGB24 frame is box-averaged into a small grayscale grid, compared with a
 * running background (an exponential moving average), and cells that differ by more than a threshold
 * are "changed". Pure: the state goes in, a new state comes out; nothing is mutated.
 *
 * Global brightness changes (lights switched, auto-exposure, mains flicker, clouds) change every cell by
 * roughly the same affine map `gray ≈ a·background + c`. With `compensateBrightness` that map is fitted
 * robustly over all cells (least squares, then again over the cells that fit) and only cells that depart
 * from it count, so flicker alone reports no motion. The price: a change that covers most of the frame is
 * taken for a brightness change and under-reported. The first frame only sets the background.
 */
import type { Box } from './geometry.ts';

/** An image as motion detection reads it: packed RGB24, row by row. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Tuning of motion detection. */
export interface MotionOptions {
  /** Cells across the grid (rows follow the frame's aspect ratio); default 64. */
  readonly gridWidth: number;
  /** Share of each new frame blended into the background, in (0, 1]; default 0.05 (a change fades in ~20 frames). */
  readonly alpha: number;
  /** A cell changed when its mean gray level (0..255) departs from the background by more than this; default 15. */
  readonly threshold: number;
  /** Discount global brightness changes (see the file comment); default true. */
  readonly compensateBrightness: boolean;
  /** Source pixels per frame pixel, per axis, so that boxes in and out are in source pixels; default 1 and 1. */
  readonly sourceScale: { readonly x: number; readonly y: number };
}

/** Defaults for `MotionOptions`. */
export const DEFAULT_MOTION_OPTIONS: MotionOptions = {
  gridWidth: 64,
  alpha: 0.05,
  threshold: 15,
  compensateBrightness: true,
  sourceScale: { x: 1, y: 1 },
};

/** The background model carried from one frame to the next; treat as opaque. */
export interface MotionState {
  readonly width: number;
  readonly height: number;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Background gray level per cell, row by row. */
  readonly background: Float32Array;
}

/** What changed in one frame. */
export interface MotionResult {
  /** Changed cells over all cells, 0..1. */
  readonly changedFraction: number;
  readonly changedCells: number;
  /** One byte per cell, row by row: 1 changed, 0 not. */
  readonly mask: Uint8Array;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Size of one cell in source pixels. */
  readonly cellWidth: number;
  readonly cellHeight: number;
  /** Bounding boxes, in source pixels, of the 8-connected regions of changed cells, in scan order. */
  readonly boxes: readonly Box[];
  /** The brightness map removed before thresholding: `gray ≈ gain·background + offset` (1 and 0 when off). */
  readonly gain: number;
  readonly offset: number;
}

/** Compares `image` with the background in `state` (null for the first frame) and returns the changes and the next state. */
export function detectMotion(
  state: MotionState | null,
  image: RgbImage,
  options: Partial<MotionOptions> = {},
): { readonly state: MotionState; readonly result: MotionResult } {
  const o: MotionOptions = { ...DEFAULT_MOTION_OPTIONS, ...options };
  const gw = Math.max(1, Math.min(Math.round(o.gridWidth), image.width));
  const gh = Math.max(1, Math.min(Math.round((gw * image.height) / image.width), image.height));
  const gray = gridGray(image, gw, gh);
  const fresh = state === null || state.width !== image.width || state.height !== image.height || state.gridWidth !== gw || state.gridHeight !== gh;
  const bg = fresh ? gray : state.background;
  const { gain, offset } = o.compensateBrightness && !fresh ? fitBrightness(bg, gray, o.threshold) : { gain: 1, offset: 0 };
  const mask = new Uint8Array(gw * gh);
  const next = new Float32Array(gw * gh);
  let changed = 0;
  for (let i = 0; i < mask.length; i++) {
    const g = gray[i]!;
    const b = bg[i]!;
    if (Math.abs(g - (gain * b + offset)) > o.threshold) {
      mask[i] = 1;
      changed++;
    }
    next[i] = b + o.alpha * (g - b);
  }
  const cellWidth = (image.width / gw) * o.sourceScale.x;
  const cellHeight = (image.height / gh) * o.sourceScale.y;
  return {
    state: { width: image.width, height: image.height, gridWidth: gw, gridHeight: gh, background: next },
    result: {
      changedFraction: changed / mask.length,
      changedCells: changed,
      mask,
      gridWidth: gw,
      gridHeight: gh,
      cellWidth,
      cellHeight,
      boxes: regions(mask, gw, gh, cellWidth, cellHeight),
      gain,
      offset,
    },
  };
}

/** True when at least one cell changed and changed cells make up at least `minFraction` of the grid. */
export function hasMotion(result: MotionResult, minFraction: number): boolean {
  return result.changedCells > 0 && result.changedFraction >= minFraction;
}

/** Share (0..1) of the grid cells under `box` (source pixels) that changed; 0 for a box outside the frame. */
export function boxMotionFraction(result: MotionResult, box: Box): number {
  const cx0 = Math.max(0, Math.floor(box.x / result.cellWidth));
  const cy0 = Math.max(0, Math.floor(box.y / result.cellHeight));
  const cx1 = Math.min(result.gridWidth, Math.ceil((box.x + box.w) / result.cellWidth));
  const cy1 = Math.min(result.gridHeight, Math.ceil((box.y + box.h) / result.cellHeight));
  if (cx1 <= cx0 || cy1 <= cy0) return 0;
  let changed = 0;
  for (let cy = cy0; cy < cy1; cy++) for (let cx = cx0; cx < cx1; cx++) changed += result.mask[cy * result.gridWidth + cx]!;
  return changed / ((cx1 - cx0) * (cy1 - cy0));
}

/** True when `box` (source pixels) overlaps at least one changed cell and at least `minFraction` of its cells changed; used to reject static false positives. */
export function boxHasMotion(result: MotionResult, box: Box, minFraction = 0): boolean {
  const fraction = boxMotionFraction(result, box);
  return fraction > 0 && fraction >= minFraction;
}

/** Mean gray level (r + 2g + b) / 4 of each grid cell; pixel x falls in cell floor(x * gw / w), likewise for rows. */
/** Every how many pixels, across and down, the grid average samples: a 4x cheaper estimate of each cell's mean. */
const SAMPLE_STEP = 2;

function gridGray(image: RgbImage, gw: number, gh: number): Float32Array {
  const { width: w, height: h, data } = image;
  if (data.length < w * h * 3) throw new RangeError(`image data holds ${data.length} bytes, ${w}x${h} RGB24 needs ${w * h * 3}`);
  const step = w >= gw * SAMPLE_STEP && h >= gh * SAMPLE_STEP ? SAMPLE_STEP : 1;
  const colEnd = new Int32Array(gw);
  for (let cx = 0; cx < gw; cx++) colEnd[cx] = Math.floor(((cx + 1) * w + gw - 1) / gw);
  const sums = new Float64Array(gw * gh);
  const counts = new Float64Array(gw * gh);
  for (let y = 0; y < h; y += step) {
    const row = Math.floor((y * gh) / h) * gw;
    const base = y * w * 3;
    let x = 0;
    for (let cx = 0; cx < gw; cx++) {
      const end = colEnd[cx]!;
      let s = 0;
      let n = 0;
      for (; x < end; x += step) {
        const p = base + x * 3;
        s += data[p]! + 2 * data[p + 1]! + data[p + 2]!;
        n++;
      }
      sums[row + cx]! += s;
      counts[row + cx]! += n;
    }
  }
  const gray = new Float32Array(gw * gh);
  for (let i = 0; i < gray.length; i++) gray[i] = counts[i]! > 0 ? sums[i]! / (4 * counts[i]!) : 0;
  return gray;
}

/** Fits `gray ≈ gain·bg + offset` by least squares, then again over the cells within `threshold` of the first fit. */
function fitBrightness(bg: Float32Array, gray: Float32Array, threshold: number): { gain: number; offset: number } {
  let fit = leastSquares(bg, gray, null, 0) ?? { gain: 1, offset: 0 };
  for (let pass = 0; pass < 2; pass++) fit = leastSquares(bg, gray, fit, threshold) ?? fit;
  return fit;
}

/** Least-squares line through (bg, gray) over the cells within `threshold` of `prior` (all cells without one); `prior` when fewer than half fit. */
function leastSquares(bg: Float32Array, gray: Float32Array, prior: { gain: number; offset: number } | null, threshold: number): { gain: number; offset: number } | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < bg.length; i++) {
    const x = bg[i]!;
    const y = gray[i]!;
    if (prior !== null && Math.abs(y - (prior.gain * x + prior.offset)) > threshold) continue;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  if (n < bg.length / 2) return prior;
  const variance = n * sxx - sx * sx;
  const gain = variance > 1e-6 * n * n ? Math.min(2, Math.max(0.5, (n * sxy - sx * sy) / variance)) : 1;
  return { gain, offset: (sy - gain * sx) / n };
}

/** Bounding boxes of 8-connected regions of changed cells, scaled to source pixels. */
function regions(mask: Uint8Array, gw: number, gh: number, cellWidth: number, cellHeight: number): Box[] {
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  const boxes: Box[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || seen[start] === 1) continue;
    let x0 = gw;
    let y0 = gh;
    let x1 = -1;
    let y1 = -1;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const cx = i % gw;
      const cy = (i - cx) / gw;
      x0 = Math.min(x0, cx);
      y0 = Math.min(y0, cy);
      x1 = Math.max(x1, cx);
      y1 = Math.max(y1, cy);
      for (let ny = Math.max(0, cy - 1); ny <= Math.min(gh - 1, cy + 1); ny++) {
        for (let nx = Math.max(0, cx - 1); nx <= Math.min(gw - 1, cx + 1); nx++) {
          const j = ny * gw + nx;
          if (mask[j] === 1 && seen[j] === 0) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    boxes.push({ x: x0 * cellWidth, y: y0 * cellHeight, w: (x1 - x0 + 1) * cellWidth, h: (y1 - y0 + 1) * cellHeight });
  }
  return boxes;
}
