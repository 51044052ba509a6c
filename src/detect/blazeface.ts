/**
 * BlazeFace, the face detector shipped in `@vladmandic/human`, converted to ONNX once (like
 * CenterNet) and run on onnxruntime's CPU provider. Redaction uses it beside the head region of
 * every tracked person: a face close to the camera is found even where the person detector has no
 * box (a face filling a doorbell's picture). It finds where faces are and nothing else: no
 * landmarks are kept, no identity, no attribute of the person.
 *
 * The model takes a 256x256 RGB picture scaled to -1..1 and answers, for each of 896 anchors (a
 * 16x16 grid with 2 anchors per cell and an 8x8 grid with 6), a logit and 16 numbers of which the
 * first four are the box's centre offset and size in input pixels. The decode is pure and tested.
 */
import sharp from 'sharp';
import type { Box } from '../core/geometry.ts';
import { iou } from '../core/geometry.ts';
import { SightlineError } from '../core/errors.ts';
import { readShippedModel } from './model-files.ts';
import { ensureOnnxModel } from './onnx/convert/index.ts';
import { openCpuSession } from './ort-session.ts';

/** The square input size of the shipped BlazeFace. */
export const BLAZEFACE_INPUT = 256;

/** TF node names of the model's outputs: scores and boxes of the 16x16 grid, then of the 8x8 grid. */
const OUTPUTS = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] as const;

/** Numbers per anchor in the box outputs (box centre and size, then six landmarks we do not use). */
const BOX_STRIDE = 16;

/** A face found in a picture, in that picture's pixels, with the detector's confidence (0..1). */
export interface FaceBox {
  readonly box: Box;
  readonly score: number;
}

/** How faces are kept from the model's answers. */
export interface FaceDecodeOptions {
  /** Faces less confident than this are dropped. */
  readonly minScore: number;
  /** Of two faces overlapping more than this (IoU), the less confident is dropped. */
  readonly iouThreshold: number;
  /** At most this many faces, best first. */
  readonly maxFaces: number;
}

/**
 * Defaults: a low confidence floor (a face missed shows a face, a false alarm blurs a patch), the
 * Human library's overlap rule, and room for a crowd.
 */
export const DEFAULT_FACE_DECODE: FaceDecodeOptions = { minScore: 0.2, iouThreshold: 0.3, maxFaces: 50 };

/** The anchor centres of a BlazeFace input `size` pixels square, in the order of the model's outputs (16x16 grid first). */
export function blazeFaceAnchors(size = BLAZEFACE_INPUT): Float32Array {
  const grids = [
    { stride: size / 16, perCell: 2 },
    { stride: size / 8, perCell: 6 },
  ];
  const out: number[] = [];
  for (const { stride, perCell } of grids) {
    const cells = Math.ceil(size / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

/** The anchors of the shipped model's input, computed once: every frame's decode uses them. */
const DEFAULT_ANCHORS = blazeFaceAnchors();

/** The model's raw answer: per anchor a logit (`scores`) and {@link BOX_STRIDE} numbers (`boxes`), anchors in the order of {@link blazeFaceAnchors}. */
export interface BlazeFaceOutput {
  readonly scores: Float32Array;
  readonly boxes: Float32Array;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The faces of one BlazeFace answer, in input pixels (0..`size`), confident enough, overlaps
 * suppressed, best first.
 */
export function decodeBlazeFace(output: BlazeFaceOutput, options: FaceDecodeOptions = DEFAULT_FACE_DECODE, size = BLAZEFACE_INPUT): FaceBox[] {
  const anchors = size === BLAZEFACE_INPUT ? DEFAULT_ANCHORS : blazeFaceAnchors(size);
  const count = anchors.length / 2;
  if (output.scores.length !== count || output.boxes.length !== count * BOX_STRIDE) {
    throw new SightlineError('DETECTOR_FAILED', `BlazeFace answered ${output.scores.length} scores and ${output.boxes.length} box numbers, not ${count} and ${count * BOX_STRIDE}`);
  }
  const found: FaceBox[] = [];
  for (let i = 0; i < count; i++) {
    const score = sigmoid(output.scores[i]!);
    if (score < options.minScore) continue;
    const o = i * BOX_STRIDE;
    const cx = anchors[2 * i]! + output.boxes[o]!;
    const cy = anchors[2 * i + 1]! + output.boxes[o + 1]!;
    const w = output.boxes[o + 2]!;
    const h = output.boxes[o + 3]!;
    if (!(w > 0 && h > 0)) continue;
    found.push({ box: { x: cx - w / 2, y: cy - h / 2, w, h }, score });
  }
  found.sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const f of found) {
    if (kept.length >= options.maxFaces) break;
    if (kept.some((k) => iou(k.box, f.box) > options.iouThreshold)) continue;
    kept.push(f);
  }
  return kept;
}

/** A picture of 8-bit RGB pixels, row by row. */
export interface RgbPicture {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Finds faces in pictures. */
export interface FaceDetector {
  /** The faces of `picture`, in its pixels, best first. */
  detect(picture: RgbPicture): Promise<FaceBox[]>;
  dispose(): Promise<void>;
}

/** Converts the shipped BlazeFace to ONNX once and returns the cached file's path under `cacheDir`. */
export async function prepareBlazeFaceOnnx(cacheDir: string): Promise<string> {
  const files = await readShippedModel('blazeface');
  return ensureOnnxModel('blazeface', files, { outputs: [...OUTPUTS], inputShape: [1, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 3] }, cacheDir);
}

/** Options of {@link createFaceDetector}. */
export interface FaceDetectorOptions {
  /** Where the converted model is cached (`<dataDir>/models`). */
  readonly cacheDir: string;
  /** onnxruntime intra-op threads (default 1: faces are found beside the person detector, not instead of it). */
  readonly threads?: number;
  readonly decode?: FaceDecodeOptions;
}

/**
 * BlazeFace on onnxruntime: each picture is fitted into the square input (scaled to its longer
 * side, padded black at the right or bottom, by libvips off the event loop), and the faces are
 * mapped back to the picture's pixels.
 */
export async function createFaceDetector(options: FaceDetectorOptions): Promise<FaceDetector> {
  let opened: Awaited<ReturnType<typeof openCpuSession>>;
  try {
    opened = await openCpuSession(await prepareBlazeFaceOnnx(options.cacheDir), options.threads ?? 1);
  } catch (cause) {
    if (cause instanceof SightlineError) throw cause;
    throw new SightlineError('DETECTOR_FAILED', `the face detector (BlazeFace on onnxruntime) could not load: ${(cause as Error).message}`, { cause });
  }
  const { ort, session } = opened;
  const inputName = session.inputNames[0];
  if (inputName === undefined) throw new SightlineError('DETECTOR_FAILED', 'the converted BlazeFace model has no input');
  for (const name of OUTPUTS) {
    if (!session.outputNames.includes(name)) throw new SightlineError('DETECTOR_FAILED', `the converted BlazeFace model has no output ${name} (it has ${session.outputNames.join(', ')})`);
  }
  const size = BLAZEFACE_INPUT;
  const input = new Float32Array(size * size * 3);
  const decode = options.decode ?? DEFAULT_FACE_DECODE;
  return {
    async detect(picture: RgbPicture): Promise<FaceBox[]> {
      if (picture.data.length !== picture.width * picture.height * 3) throw new RangeError('picture data is not width*height*3 bytes');
      const scale = size / Math.max(picture.width, picture.height);
      const w = Math.max(1, Math.round(picture.width * scale));
      const h = Math.max(1, Math.round(picture.height * scale));
      const fitted = await sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } })
        .resize(w, h, { fit: 'fill', kernel: 'linear' })
        .extend({ right: size - w, bottom: size - h, background: { r: 0, g: 0, b: 0 } })
        .raw()
        .toBuffer();
      for (let i = 0; i < input.length; i++) input[i] = fitted[i]! / 127.5 - 1;
      const out = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, size, size, 3]) }, [...OUTPUTS]);
      const part = (name: (typeof OUTPUTS)[number]): Float32Array => {
        const t = out[name];
        if (!t) throw new SightlineError('DETECTOR_FAILED', `onnxruntime returned no ${name}`);
        return t.data as Float32Array;
      };
      const scores = concat(part('Identity'), part('Identity_1'));
      const boxes = concat(part('Identity_2'), part('Identity_3'));
      const sx = picture.width / w;
      const sy = picture.height / h;
      return decodeBlazeFace({ scores, boxes }, decode, size).map((f) => ({ score: f.score, box: { x: f.box.x * sx, y: f.box.y * sy, w: f.box.w * sx, h: f.box.h * sy } }));
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The face detector of a server or a batch redaction, in a worker thread of its own (face-pool.ts),
 * or null with the line to tell the user when it cannot load here (onnxruntime missing, say):
 * redaction then hides the heads of tracked people only.
 */
export async function loadFaceDetector(cacheDir: string): Promise<{ readonly faces: FaceDetector | null; readonly notice?: string }> {
  try {
    const { createFaceDetectorWorker } = await import('./face-pool.ts');
    return { faces: await createFaceDetectorWorker({ cacheDir }) };
  } catch (error) {
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { faces: null, notice: `faces are not detected for redaction (${why}); only the heads of tracked people are hidden` };
  }
}
