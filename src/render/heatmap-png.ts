/**
 * Renders a heat grid over a video frame as a PNG: the grid is smoothed bilinearly to the frame's
 * size, coloured with the Turbo colour map, and blended with an opacity that grows with heat, so
 * cold areas show the frame untouched. A small legend in the bottom-right corner shows the scale
 * from 0 to the hottest cell's dwell in seconds.
 */
import { PNG } from 'pngjs';
import { heatMax, heatScale, normalizeHeatGrid, type HeatGrid } from '../core/rules/heat-grid.ts';

/** A packed RGB24 image: `width * height * 3` bytes, rows top to bottom. */
export interface RgbFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** How the heat map is drawn; every field has a default. */
export interface HeatmapStyle {
  /** Opacity of the hottest areas, 0..1; default 0.7. */
  readonly maxAlpha?: number;
  /** Normalised heat below which the frame is left untouched, 0..1; default 0.02. */
  readonly minHeat?: number;
  /** Draw the legend bar with the dwell at the top of the scale (the 98th percentile of warm cells, `+` when some are hotter); default true. */
  readonly legend?: boolean;
}

/**
 * The Turbo colour map (Google, Apache-2.0) by its published polynomial approximation: t in 0..1
 * (clamped) to 8-bit RGB, dark blue through green and yellow to dark red.
 */
export function turbo(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x2 * x2;
  const x5 = x4 * x;
  const r = 0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5;
  const g = 0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5;
  const b = 0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5;
  const to8 = (v: number): number => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [to8(r), to8(g), to8(b)];
}

/**
 * Normalised heat (0..1, cells above `scale` capped) per pixel of a width x height image,
 * interpolated bilinearly between cell centres (edges held flat).
 */
export function smoothHeat(grid: HeatGrid, width: number, height: number, scale: number = heatMax(grid)): Float32Array {
  const norm = normalizeHeatGrid(grid, scale);
  const out = new Float32Array(width * height);
  const axis = (n: number, size: number, cells: number) => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const g = Math.min(cells - 1, Math.max(0, ((i + 0.5) * cells) / size - 0.5));
      lo[i] = Math.floor(g);
      hi[i] = Math.min(cells - 1, lo[i]! + 1);
      f[i] = g - lo[i]!;
    }
    return { lo, hi, f };
  };
  const xs = axis(width, width, grid.cols);
  const ys = axis(height, height, grid.rows);
  for (let y = 0; y < height; y++) {
    const r0 = ys.lo[y]! * grid.cols;
    const r1 = ys.hi[y]! * grid.cols;
    const fy = ys.f[y]!;
    for (let x = 0; x < width; x++) {
      const c0 = xs.lo[x]!;
      const c1 = xs.hi[x]!;
      const fx = xs.f[x]!;
      const top = norm[r0 + c0]! * (1 - fx) + norm[r0 + c1]! * fx;
      const bottom = norm[r1 + c0]! * (1 - fx) + norm[r1 + c1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** A 5x7 pixel font for the legend: digits, the decimal point and `s`, seven rows of five per glyph. */
const FONT: Readonly<Record<string, readonly string[]>> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  '+': ['.....', '..#..', '..#..', '#####', '..#..', '..#..', '.....'],
  s: ['.....', '.....', '.####', '#....', '.###.', '....#', '####.'],
};

/** The pixels of a glyph as 35 flags, row-major, 5 wide (blank for characters the font lacks). */
function glyph(ch: string): boolean[] {
  const rows = FONT[ch] ?? [];
  return Array.from({ length: 35 }, (_, i) => rows[Math.floor(i / 5)]?.[i % 5] === '#');
}

/** Seconds as short legend text: one decimal under 10 s, whole seconds above. */
export function formatSeconds(seconds: number): string {
  return seconds < 10 ? `${seconds.toFixed(1)}s` : `${Math.round(seconds)}s`;
}

/** Writes one pixel, blending `rgb` over the image with opacity `a`. */
function blend(img: Uint8Array, width: number, x: number, y: number, rgb: readonly [number, number, number], a: number): void {
  const i = (y * width + x) * 3;
  img[i] = Math.round(img[i]! * (1 - a) + rgb[0] * a);
  img[i + 1] = Math.round(img[i + 1]! * (1 - a) + rgb[1] * a);
  img[i + 2] = Math.round(img[i + 2]! * (1 - a) + rgb[2] * a);
}

/** Draws text with the 5x7 font at a scale, top-left at (x, y); pixels outside the image are skipped. */
function drawText(img: RgbFrame, text: string, x: number, y: number, scale: number): void {
  const white: [number, number, number] = [255, 255, 255];
  [...text].forEach((ch, k) => {
    const bits = glyph(ch);
    for (let gy = 0; gy < 7; gy++) {
      for (let gx = 0; gx < 5; gx++) {
        if (!bits[gy * 5 + gx]) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) {
            const px = x + (k * 6 + gx) * scale + sx;
            const py = y + gy * scale + sy;
            if (px >= 0 && py >= 0 && px < img.width && py < img.height) blend(img.data, img.width, px, py, white, 1);
          }
        }
      }
    }
  });
}

/** Draws the legend in the bottom-right corner: `0`, a colour bar, and the dwell at its top; skipped on tiny images. */
function drawLegend(img: RgbFrame, label: string): void {
  const scale = Math.max(1, Math.floor(Math.min(img.width, img.height) / 240));
  const pad = 3 * scale;
  const gap = 4 * scale;
  const textH = 7 * scale;
  const zeroW = 5 * scale;
  const barW = 48 * scale;
  const labelW = (label.length * 6 - 1) * scale;
  const boxW = pad + zeroW + gap + barW + gap + labelW + pad;
  const boxH = pad + textH + pad;
  const margin = 4 * scale;
  const x0 = img.width - margin - boxW;
  const y0 = img.height - margin - boxH;
  if (x0 < 0 || y0 < 0) return;
  for (let y = y0; y < y0 + boxH; y++) for (let x = x0; x < x0 + boxW; x++) blend(img.data, img.width, x, y, [0, 0, 0], 0.6);
  const ty = y0 + pad;
  drawText(img, '0', x0 + pad, ty, scale);
  const bx = x0 + pad + zeroW + gap;
  for (let x = 0; x < barW; x++) {
    const rgb = turbo(x / (barW - 1));
    for (let y = 0; y < textH; y++) blend(img.data, img.width, bx + x, ty + y, rgb, 1);
  }
  drawText(img, label, bx + barW + gap, ty, scale);
}

/**
 * The heat map composited over a frame, as a new RGB24 image of the frame's size (the frame is not
 * modified). Throws a RangeError when the frame's data does not hold width * height * 3 bytes.
 */
export function composeHeatmap(frame: RgbFrame, grid: HeatGrid, style: HeatmapStyle = {}): RgbFrame {
  const { width, height } = frame;
  if (!(width > 0 && height > 0) || frame.data.length !== width * height * 3) {
    throw new RangeError(`expected an RGB24 frame of ${width}x${height} (${width * height * 3} bytes), got ${frame.data.length} bytes`);
  }
  const maxAlpha = style.maxAlpha ?? 0.7;
  const minHeat = style.minHeat ?? 0.02;
  const out: RgbFrame = { data: new Uint8Array(frame.data), width, height };
  const scale = heatScale(grid);
  const heat = smoothHeat(grid, width, height, scale);
  const palette = Array.from({ length: 256 }, (_, i) => turbo(i / 255));
  for (let p = 0; p < heat.length; p++) {
    const v = heat[p]!;
    if (v < minHeat) continue;
    // Opacity rises quickly at first so that moderate heat is visible, and caps at maxAlpha.
    blend(out.data, width, p % width, Math.floor(p / width), palette[Math.round(v * 255)]!, maxAlpha * Math.sqrt(v));
  }
  if (style.legend ?? true) drawLegend(out, formatSeconds(scale) + (scale < heatMax(grid) ? '+' : ''));
  return out;
}

/** Renders the heat map over a frame (see `composeHeatmap`) and encodes it as an RGB PNG. */
export function renderHeatmapPng(frame: RgbFrame, grid: HeatGrid, style: HeatmapStyle = {}): Buffer {
  const img = composeHeatmap(frame, grid, style);
  const png = new PNG({ width: img.width, height: img.height });
  for (let p = 0, n = img.width * img.height; p < n; p++) {
    png.data[p * 4] = img.data[p * 3]!;
    png.data[p * 4 + 1] = img.data[p * 3 + 1]!;
    png.data[p * 4 + 2] = img.data[p * 3 + 2]!;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}
