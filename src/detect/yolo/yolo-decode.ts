import { OBJECT_CLASSES, type ObjectClass } from '../../core/detection.ts';
import { SightlineError, type Result } from '../../core/errors.ts';
import type { Box } from '../../core/geometry.ts';
import type { DetectOptions, RawDetection, RgbImage } from '../detector.ts';
import { nonMaxSuppression } from '../nms.ts';

/**
 * Output layouts of YOLO-family ONNX exports, all with boxes as centre x, centre y, width, height in
 * input pixels:
 * - `ultralytics`: YOLOv8/v11 `[1, 4+nc, N]` (or transposed `[1, N, 4+nc]`), class scores after the
 *   sigmoid, no objectness;
 * - `yolov5`: YOLOv5/v7 `[1, N, 5+nc]`, objectness then class scores, score = objectness * class;
 * - `yolox`: YOLOX exported with `--decode_in_inference`, the same rows as `yolov5`. YOLOX's default
 *   export leaves boxes as raw grid offsets (decoded by its `demo_postprocess`); that form is not
 *   supported and yields nonsense boxes.
 */
export type YoloLayout = 'ultralytics' | 'yolov5' | 'yolox';

/** A layout to use, or `auto` to infer it from the output shape and the class count. */
export type YoloLayoutOption = 'auto' | YoloLayout;

/** An output tensor's layout, resolved against its actual shape. */
export interface ResolvedLayout {
  readonly layout: YoloLayout;
  /** Number of candidate boxes N. */
  readonly boxes: number;
  /** Number of classes the model scores. */
  readonly classes: number;
  /** Values per box (4+nc or 5+nc). */
  readonly stride: number;
  /** True for `[1, values, N]` (each value's N entries contiguous), false for `[1, N, values]`. */
  readonly channelsFirst: boolean;
}

/** A width and a height in pixels. */
export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/** Dataset class names that mean a Sightline class (keys lower-case without spaces, `_` or `-`). */
export const CLASS_SYNONYMS: ReadonlyMap<string, ObjectClass> = new Map([
  ['motorbike', 'motorcycle'],
  ['pedestrian', 'person'],
  ['people', 'person'],
  ['lorry', 'truck'],
]);

const squash = (name: string): string => name.trim().toLowerCase().replace(/[\s_-]+/g, '');
const BY_NAME: ReadonlyMap<string, ObjectClass> = new Map([...OBJECT_CLASSES.map((c) => [squash(c), c] as const), ...CLASS_SYNONYMS]);

/** Maps each model class index to its Sightline class through the model's class names (`undefined` where the name is none). */
export function mapClassNames(names: readonly string[]): readonly (ObjectClass | undefined)[] {
  return names.map((n) => BY_NAME.get(squash(n)));
}

/**
 * Resolves the layout of a YOLO output of shape `dims` for a model of `classCount` classes. In `auto`,
 * `[1, 4+nc, N]` wins over `[1, N, 5+nc]`, which wins over `[1, N, 4+nc]`. Fails with
 * `CONFIG_INVALID` when the shape fits a layout for another class count, `DETECTOR_FAILED` when it fits none.
 */
export function resolveLayout(dims: readonly number[], classCount: number, layout: YoloLayoutOption): Result<ResolvedLayout> {
  const shape = `[${dims.join(', ')}]`;
  const noLayout = (why: string): Result<ResolvedLayout> => ({
    ok: false,
    error: new SightlineError('DETECTOR_FAILED', `the model's output ${shape} fits no YOLO layout: ${why}`),
  });
  if (dims.length !== 3 || dims[0] !== 1) return noLayout('expected [1, values, boxes] or [1, boxes, values]');
  const [, a = 0, b = 0] = dims;
  if (!(Number.isInteger(a) && Number.isInteger(b) && a > 0 && b > 0)) return noLayout('a dimension is not a positive integer');
  const ok = (l: YoloLayout, channelsFirst: boolean, extra: 4 | 5): Result<ResolvedLayout> => ({
    ok: true,
    value: { layout: l, boxes: channelsFirst ? b : a, classes: classCount, stride: classCount + extra, channelsFirst },
  });
  const ultra = layout === 'auto' || layout === 'ultralytics';
  const v5 = layout === 'auto' || layout === 'yolov5' || layout === 'yolox';
  const rowLayout: YoloLayout = layout === 'yolox' ? 'yolox' : 'yolov5';
  if (ultra && a === classCount + 4) return ok('ultralytics', true, 4);
  if (v5 && b === classCount + 5) return ok(rowLayout, false, 5);
  if (ultra && b === classCount + 4) return ok('ultralytics', false, 4);
  const readings: string[] = [];
  if (ultra && Math.min(a, b) > 4) readings.push(`${Math.min(a, b) - 4} (as ultralytics ${a < b ? '[1, 4+nc, N]' : '[1, N, 4+nc]'})`);
  if (v5 && b > 5 && b < a) readings.push(`${b - 5} (as ${rowLayout} [1, N, 5+nc])`);
  if (readings.length === 0) return noLayout(layout === 'auto' ? 'too few values per box' : `not a ${layout} output`);
  return {
    ok: false,
    error: new SightlineError(
      'CONFIG_INVALID',
      `classNames lists ${classCount} names, but the model's output ${shape} scores ${readings.join(' or ')} classes; list one name per model class, in order`,
    ),
  };
}

/**
 * Decodes one YOLO output tensor into detections in input pixels: each box takes its best class
 * (over all the model's classes, as Ultralytics does), is dropped when that class maps to no wanted
 * Sightline class or scores below `minScore`, is clipped to the input, and then per-class NMS keeps
 * at most `maxDetections`, best first.
 */
export function decodeYolo(
  data: ArrayLike<number>,
  layout: ResolvedLayout,
  classMap: readonly (ObjectClass | undefined)[],
  input: PixelSize,
  options: DetectOptions,
): RawDetection[] {
  const { boxes: n, classes: nc, stride, channelsFirst } = layout;
  if (data.length < n * stride) throw new RangeError(`output holds ${data.length} values, the layout needs ${n * stride}`);
  const wanted = new Set(options.classes);
  const at = channelsFirst ? (i: number, k: number): number => data[k * n + i]! : (i: number, k: number): number => data[i * stride + k]!;
  const first = layout.layout === 'ultralytics' ? 4 : 5;
  const bestScore = new Float32Array(n);
  const bestClass = new Int32Array(n);
  if (channelsFirst) {
    // Class-major walk: each class's scores are contiguous, so read them in order.
    for (let k = 0; k < nc; k++) {
      const base = (first + k) * n;
      for (let i = 0; i < n; i++) {
        const s = data[base + i]!;
        if (k === 0 || s > bestScore[i]!) {
          bestScore[i] = s;
          bestClass[i] = k;
        }
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const base = i * stride + first;
      let best = data[base]!;
      let bestK = 0;
      for (let k = 1; k < nc; k++) {
        const s = data[base + k]!;
        if (s > best) {
          best = s;
          bestK = k;
        }
      }
      bestScore[i] = best;
      bestClass[i] = bestK;
    }
  }
  const out: RawDetection[] = [];
  for (let i = 0; i < n; i++) {
    const cls = classMap[bestClass[i]!];
    if (cls === undefined || !wanted.has(cls)) continue;
    const score = first === 5 ? at(i, 4) * bestScore[i]! : bestScore[i]!;
    if (!(score >= options.minScore)) continue;
    const box = clipCentreBox(at(i, 0), at(i, 1), at(i, 2), at(i, 3), input);
    if (box !== undefined) out.push({ box, score, class: cls });
  }
  return nonMaxSuppression(out, options.nmsIou, options.maxDetections);
}

/** Turns a centre-size box into a corner box clipped to the input, or `undefined` when nothing of it is inside. */
function clipCentreBox(cx: number, cy: number, w: number, h: number, input: PixelSize): Box | undefined {
  const x1 = Math.max(0, cx - w / 2);
  const y1 = Math.max(0, cy - h / 2);
  const x2 = Math.min(input.width, cx + w / 2);
  const y2 = Math.min(input.height, cy + h / 2);
  if (!(x2 > x1 && y2 > y1)) return undefined;
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/** Where the picture goes when fitting a frame into the model input with its aspect ratio kept. */
export interface LetterboxGeometry {
  readonly frame: PixelSize;
  readonly input: PixelSize;
  /** Size of the scaled picture inside the input. */
  readonly content: PixelSize;
  /** Left padding in input pixels. */
  readonly padX: number;
  /** Top padding in input pixels. */
  readonly padY: number;
}

/** How a frame is letterboxed: `center` pads both sides like Ultralytics, `top-left` pads right and bottom like YOLOX and Sightline's ffmpeg. */
export type LetterboxAlign = 'center' | 'top-left';

/** Computes the letterbox of `frame` in `input`: one scale for both axes, rounded like Ultralytics (`center`) or YOLOX (`top-left`). */
export function letterboxGeometry(frame: PixelSize, input: PixelSize, align: LetterboxAlign = 'center'): LetterboxGeometry {
  const r = Math.min(input.width / frame.width, input.height / frame.height);
  const fit = align === 'center' ? Math.round : Math.floor;
  const content = {
    width: Math.min(input.width, Math.max(1, fit(frame.width * r))),
    height: Math.min(input.height, Math.max(1, fit(frame.height * r))),
  };
  const pad = (free: number): number => (align === 'center' ? Math.floor(free / 2) : 0);
  return { frame, input, content, padX: pad(input.width - content.width), padY: pad(input.height - content.height) };
}

/** Options of {@link letterboxImage}. */
export interface LetterboxOptions {
  /** Where the picture sits; default `center`. */
  readonly align?: LetterboxAlign;
  /** Grey level of the padding; default 114, as Ultralytics and YOLOX pad. */
  readonly padValue?: number;
}

/** Scales an RGB frame into the model input (bilinear, half-pixel centres like OpenCV's INTER_LINEAR) and pads the rest. */
export function letterboxImage(frame: RgbImage, input: PixelSize, options: LetterboxOptions = {}): { image: RgbImage; geometry: LetterboxGeometry } {
  if (frame.data.length !== frame.width * frame.height * 3) throw new RangeError('frame data is not width*height*3 bytes');
  const geometry = letterboxGeometry(frame, input, options.align ?? 'center');
  const { content, padX, padY } = geometry;
  const out = new Uint8Array(input.width * input.height * 3).fill(options.padValue ?? 114);
  const src = frame.data;
  const sx = frame.width / content.width;
  const sy = frame.height / content.height;
  for (let y = 0; y < content.height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), frame.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, frame.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < content.width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), frame.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, frame.width - 1);
      const wx = fx - x0;
      const o = ((y + padY) * input.width + x + padX) * 3;
      const a = (y0 * frame.width + x0) * 3;
      const b = (y0 * frame.width + x1) * 3;
      const c = (y1 * frame.width + x0) * 3;
      const d = (y1 * frame.width + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch]! + (src[b + ch]! - src[a + ch]!) * wx;
        const bottom = src[c + ch]! + (src[d + ch]! - src[c + ch]!) * wx;
        out[o + ch] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { image: { width: input.width, height: input.height, data: out }, geometry };
}

/** Maps a box in input pixels back to frame pixels, clipped to the frame (`undefined` when it lies wholly in the padding). */
export function boxToFrame(box: Box, geometry: LetterboxGeometry): Box | undefined {
  const { frame, content, padX, padY } = geometry;
  const kx = frame.width / content.width;
  const ky = frame.height / content.height;
  const x1 = Math.max(0, (box.x - padX) * kx);
  const y1 = Math.max(0, (box.y - padY) * ky);
  const x2 = Math.min(frame.width, (box.x + box.w - padX) * kx);
  const y2 = Math.min(frame.height, (box.y + box.h - padY) * ky);
  if (!(x2 > x1 && y2 > y1)) return undefined;
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/** How pixels become model input values: the range (`0-1` divides by 255) and the channel order. */
export interface TensorFormat {
  readonly normalize: '0-1' | '0-255';
  readonly channelOrder: 'rgb' | 'bgr';
}

/** Converts an RGB24 image to a float32 NCHW tensor `[1, 3, height, width]`, writing into `out` when given. */
export function toNchw(image: RgbImage, format: TensorFormat, out?: Float32Array): Float32Array {
  const plane = image.width * image.height;
  if (image.data.length !== plane * 3) throw new RangeError('image data is not width*height*3 bytes');
  const tensor = out ?? new Float32Array(plane * 3);
  if (tensor.length !== plane * 3) throw new RangeError(`tensor holds ${tensor.length} values, the image needs ${plane * 3}`);
  const k = format.normalize === '0-1' ? 255 : 1;
  const order = format.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const src = image.data;
  for (let c = 0; c < 3; c++) {
    const from = order[c]!;
    const base = c * plane;
    for (let p = 0; p < plane; p++) tensor[base + p] = src[p * 3 + from]! / k;
  }
  return tensor;
}
