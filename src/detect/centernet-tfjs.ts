import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ObjectClass } from '../core/detection.ts';
import type { DetectOptions, Detector, RawDetection, RgbImage } from './detector.ts';
import { humanModelsDir, readShippedModel, tfjsWasmDir } from './model-files.ts';
import { loadTfjsGraph } from './tfjs-graph.ts';
import { nonMaxSuppression } from './nms.ts';

/** COCO class index (0-based, as CenterNet reports it) of each class Sightline uses. */
const COCO_TO_CLASS: ReadonlyMap<number, ObjectClass> = new Map([
  [0, 'person'],
  [1, 'bicycle'],
  [2, 'car'],
  [3, 'motorcycle'],
  [5, 'bus'],
  [7, 'truck'],
]);

/** Classes the shipped CenterNet reports that Sightline uses. */
export const CENTERNET_CLASSES: readonly ObjectClass[] = [...COCO_TO_CLASS.values()];

/** The COCO index of each of {@link CENTERNET_CLASSES}, in that order: the heat-map channels Sightline reads. */
export const CENTERNET_COCO_INDICES: readonly number[] = [...COCO_TO_CLASS.keys()];

/** The Sightline class of COCO class `index`, or undefined when Sightline does not use it. */
export function cocoClass(index: number): ObjectClass | undefined {
  return COCO_TO_CLASS.get(index);
}

/** Square input side of the CenterNet model shipped in `@vladmandic/human`. */
export const CENTERNET_INPUT = 512;

/** The image CenterNet's rows refer to: its size (boxes are clamped to it) and what a row's class index means. */
export interface CenterNetFrame {
  readonly width: number;
  readonly height: number;
  /** The Sightline class of a row's class index, or undefined to drop the row. */
  readonly classOf: (index: number) => ObjectClass | undefined;
}

/** The frame of the graph's own `detections` output: the 512x512 input, COCO class indices. */
const GRAPH_FRAME: CenterNetFrame = { width: CENTERNET_INPUT, height: CENTERNET_INPUT, classOf: cocoClass };

/**
 * Turns CenterNet's `detections` output (rows of x1, y1, x2, y2, score, class in input pixels) into
 * raw detections: classes mapped, low scores dropped, boxes clamped to the image, per-class NMS
 * applied. `frame` gives the image size and the class indices (by default the graph's own: 512x512, COCO).
 */
export function decodeCenterNet(rows: ArrayLike<number>, count: number, options: DetectOptions, frame: CenterNetFrame = GRAPH_FRAME): RawDetection[] {
  const wanted = new Set(options.classes);
  const out: RawDetection[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * 6;
    const score = rows[o + 4]!;
    if (!(score >= options.minScore)) continue;
    const cls = frame.classOf(Math.round(rows[o + 5]!));
    if (cls === undefined || !wanted.has(cls)) continue;
    const x1 = Math.max(0, rows[o]!);
    const y1 = Math.max(0, rows[o + 1]!);
    const x2 = Math.min(frame.width, rows[o + 2]!);
    const y2 = Math.min(frame.height, rows[o + 3]!);
    if (!(x2 > x1 && y2 > y1)) continue;
    out.push({ box: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 }, score, class: cls });
  }
  return nonMaxSuppression(out, options.nmsIou, options.maxDetections);
}

let backendReady: Promise<void> | undefined;

/** Selects tfjs's WebAssembly backend once per thread. */
function ensureWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    setWasmPaths(tfjsWasmDir());
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('the tfjs WebAssembly backend failed to initialise');
    await tf.ready();
  })();
  return backendReady;
}

/** Loads the CenterNet graph of `@vladmandic/human` into tfjs (whichever backend is active). */
export async function loadCenterNetGraph(modelsDir: string = humanModelsDir()): Promise<tf.GraphModel> {
  return loadTfjsGraph(await readShippedModel('centernet', modelsDir));
}

/** Loads the CenterNet model of `@vladmandic/human` on the tfjs WebAssembly backend. */
export async function createCenterNetTfjs(modelsDir: string = humanModelsDir()): Promise<Detector> {
  await ensureWasmBackend();
  const model = await loadCenterNetGraph(modelsDir);
  return {
    traits: {
      name: 'centernet-tfjs-wasm',
      inputWidth: CENTERNET_INPUT,
      inputHeight: CENTERNET_INPUT,
      classes: CENTERNET_CLASSES,
    },
    async detect(image: RgbImage, options: DetectOptions): Promise<RawDetection[]> {
      if (image.width !== CENTERNET_INPUT || image.height !== CENTERNET_INPUT) {
        throw new RangeError(`CenterNet needs ${CENTERNET_INPUT}x${CENTERNET_INPUT} input, got ${image.width}x${image.height}`);
      }
      if (image.data.length !== image.width * image.height * 3) throw new RangeError('image data is not width*height*3 bytes');
      const input = tf.tidy(() => tf.tensor4d(Float32Array.from(image.data), [1, CENTERNET_INPUT, CENTERNET_INPUT, 3], 'float32'));
      try {
        const output = model.execute(input, ['tower_0/detections']) as tf.Tensor;
        try {
          const rows = await output.data();
          return decodeCenterNet(rows, output.shape[1] ?? 0, options);
        } finally {
          output.dispose();
        }
      } finally {
        input.dispose();
      }
    },
    async dispose(): Promise<void> {
      model.dispose();
    },
  };
}
