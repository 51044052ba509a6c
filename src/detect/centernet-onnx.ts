import { SightlineError } from '../core/errors.ts';
import type { ObjectClass } from '../core/detection.ts';
import { decodeCenterNetMaps } from './centernet-decode.ts';
import { CENTERNET_CLASSES, CENTERNET_COCO_INDICES, CENTERNET_INPUT, cocoClass, decodeCenterNet } from './centernet-tfjs.ts';
import type { DetectOptions, Detector, RawDetection, RgbImage } from './detector.ts';
import { openCpuSession } from './ort-session.ts';

/** TF node names of the CenterNet outputs the ONNX graph exposes; the peak-finding tail runs in TypeScript. */
export const CENTERNET_ONNX_OUTPUTS = ['tower_0/keypoints', 'tower_0/wh'] as const;

/**
 * The keypoint channels the converted model keeps (`keepChannels`): the COCO classes Sightline
 * uses, so that channel i of its heat map is {@link CENTERNET_CLASSES}[i].
 */
export const CENTERNET_KEPT_CHANNELS: readonly number[] = CENTERNET_COCO_INDICES;

/** Input sides must be multiples of this (the backbone's total stride) for the symbolic graph to hold. */
export const CENTERNET_SIZE_STEP = 32;

/** The smallest input side CenterNet accepts. */
export const CENTERNET_MIN_SIZE = 64;

/** Options of {@link createCenterNetOnnx}. */
export interface CenterNetOnnxOptions {
  /** Path of the converted ONNX model (see `prepareCenterNetOnnx`). */
  readonly modelPath: string;
  /** onnxruntime intra-op threads of this model instance. */
  readonly threads: number;
}

/** Input buffers kept, one per image size; a detector sees one size or a few (per-camera sizes, tiles). */
const MAX_CACHED_SIZES = 8;

function pickOutput(names: readonly string[], wanted: string): string {
  const exact = names.find((n) => n === wanted);
  const found = exact ?? names.find((n) => n.replace(/[:/.]/g, '_').includes(wanted.replace(/[:/.]/g, '_')));
  if (!found) throw new SightlineError('DETECTOR_FAILED', `the converted CenterNet model has no output "${wanted}" (it has ${names.join(', ')})`);
  return found;
}

/** Throws a RangeError unless `image` is a size the converted CenterNet runs at: sides multiples of 32, at least 64. */
export function checkCenterNetSize(image: RgbImage): void {
  const ok = (d: number): boolean => Number.isInteger(d) && d >= CENTERNET_MIN_SIZE && d % CENTERNET_SIZE_STEP === 0;
  if (!ok(image.width) || !ok(image.height)) {
    throw new RangeError(
      `CenterNet needs a width and height that are multiples of ${CENTERNET_SIZE_STEP} and at least ${CENTERNET_MIN_SIZE} (${CENTERNET_INPUT}x${CENTERNET_INPUT} by default), got ${image.width}x${image.height}`,
    );
  }
  if (image.data.length !== image.width * image.height * 3) throw new RangeError('image data is not width*height*3 bytes');
}

/**
 * What the heat map's channels are: the 6 classes Sightline uses (the model `prepareCenterNetOnnx`
 * writes) or all 80 COCO classes (a model converted without `keepChannels`).
 */
function channelClasses(channels: number): (index: number) => ObjectClass | undefined {
  if (channels === CENTERNET_CLASSES.length) return (i) => CENTERNET_CLASSES[i];
  if (channels === 80) return cocoClass;
  throw new SightlineError('DETECTOR_FAILED', `the converted CenterNet heat map has ${channels} channels, not ${CENTERNET_CLASSES.length} or 80`);
}

/**
 * Runs the shipped CenterNet, converted to ONNX, on onnxruntime-node's CPU provider. The model's
 * input size is symbolic: `detect` takes an image of any width and height that are multiples of 32
 * (at least 64); `traits` declare 512x512, the default size.
 */
export async function createCenterNetOnnx(options: CenterNetOnnxOptions): Promise<Detector> {
  let opened: Awaited<ReturnType<typeof openCpuSession>>;
  try {
    opened = await openCpuSession(options.modelPath, options.threads);
  } catch (cause) {
    throw new SightlineError('DETECTOR_FAILED', `onnxruntime could not load ${options.modelPath}: ${(cause as Error).message}`, { cause });
  }
  const { ort, session } = opened;
  const inputName = session.inputNames[0];
  if (inputName === undefined) throw new SightlineError('DETECTOR_FAILED', 'the converted CenterNet model has no input');
  const keypointsName = pickOutput(session.outputNames, CENTERNET_ONNX_OUTPUTS[0]);
  const whName = pickOutput(session.outputNames, CENTERNET_ONNX_OUTPUTS[1]);
  const inputs = new Map<string, Float32Array>();
  const inputFor = (width: number, height: number): Float32Array => {
    const key = `${width}x${height}`;
    let buffer = inputs.get(key);
    if (buffer === undefined) {
      if (inputs.size >= MAX_CACHED_SIZES) inputs.delete(inputs.keys().next().value!);
      buffer = new Float32Array(width * height * 3);
      inputs.set(key, buffer);
    }
    return buffer;
  };
  return {
    traits: { name: 'centernet-onnx', inputWidth: CENTERNET_INPUT, inputHeight: CENTERNET_INPUT, sizeMultiple: 32, classes: CENTERNET_CLASSES },
    async detect(image: RgbImage, opts: DetectOptions): Promise<RawDetection[]> {
      checkCenterNetSize(image);
      const input = inputFor(image.width, image.height);
      input.set(image.data);
      const feeds = { [inputName]: new ort.Tensor('float32', input, [1, image.height, image.width, 3]) };
      const out = await session.run(feeds, [keypointsName, whName]);
      const kp = out[keypointsName];
      const wh = out[whName];
      if (!kp || !wh) throw new SightlineError('DETECTOR_FAILED', 'onnxruntime returned no CenterNet maps');
      const [, h = 0, w = 0, c = 0] = kp.dims;
      const classOf = channelClasses(c);
      const wanted = new Set(opts.classes);
      const channels = Array.from({ length: c }, (_, i) => i).filter((i) => {
        const cls = classOf(i);
        return cls !== undefined && wanted.has(cls);
      });
      const maps = { keypoints: kp.data as Float32Array, wh: wh.data as Float32Array, width: w, height: h, classes: c, stride: image.width / w };
      const rows = decodeCenterNetMaps(maps, opts.minScore, Math.max(100, opts.maxDetections), channels);
      return decodeCenterNet(rows, rows.length / 6, opts, { width: image.width, height: image.height, classOf });
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}
