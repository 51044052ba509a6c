import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { OBJECT_CLASSES, type Detection } from '../../core/detection.ts';
import { SightlineError } from '../../core/errors.ts';
import { forbiddenInferenceNames } from '../../core/forbidden-inference.ts';
import type { DetectOptions, Detector, RawDetection, RgbImage } from '../detector.ts';
import { openCpuSession, type OnnxRuntime } from '../ort-session.ts';
import {
  boxToFrame,
  decodeYolo,
  letterboxImage,
  mapClassNames,
  resolveLayout,
  toNchw,
  type LetterboxOptions,
  type PixelSize,
  type ResolvedLayout,
  type TensorFormat,
  type YoloLayoutOption,
} from './yolo-decode.ts';

/** Options of {@link createYoloOnnx}. */
export interface YoloOnnxOptions {
  /** Path of the user's YOLO model in ONNX format. */
  readonly modelPath: string;
  /** The model's class names, one per class index, in order (e.g. the 80 COCO names); names that are no Sightline class are dropped. */
  readonly classNames: readonly string[];
  /** Input width; the model's own when its input is static, else this, else `inputHeight`, else 640. */
  readonly inputWidth?: number;
  /** Input height; the model's own when its input is static, else this, else `inputWidth`, else 640. */
  readonly inputHeight?: number;
  /** Output layout; default `auto` (inferred from the output shape and the class count). */
  readonly layout?: YoloLayoutOption;
  /** Input range the model was trained on; default `0-1` (Ultralytics, YOLOv5); YOLOX wants `0-255`. */
  readonly normalize?: TensorFormat['normalize'];
  /** Channel order the model was trained on; default `rgb` (Ultralytics, YOLOv5); YOLOX wants `bgr`. */
  readonly channelOrder?: TensorFormat['channelOrder'];
  /** onnxruntime intra-op threads of this model instance; default 1 (one worker per core). */
  readonly intraOpNumThreads?: number;
}

function configError(message: string): SightlineError {
  return new SightlineError('CONFIG_INVALID', message);
}

function failed(message: string, cause?: unknown): SightlineError {
  return new SightlineError('DETECTOR_FAILED', message, cause === undefined ? undefined : { cause });
}

/** Checks the options that need no model; throws `CONFIG_INVALID` on the first problem. */
function checkOptions(options: YoloOnnxOptions): void {
  if (options.classNames.length === 0) throw configError('classNames is empty; list the model\'s class names in index order');
  if (!mapClassNames(options.classNames).some((c) => c !== undefined)) {
    throw configError(`none of the model's ${options.classNames.length} class names is a Sightline class (${OBJECT_CLASSES.join(', ')})`);
  }
  for (const [key, value] of [['inputWidth', options.inputWidth], ['inputHeight', options.inputHeight], ['intraOpNumThreads', options.intraOpNumThreads]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw configError(`${key} must be a positive integer, got ${value}`);
  }
}

/** Proves the model file exists, so a wrong path fails as a configuration error rather than a load failure. */
async function checkModelFile(modelPath: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(modelPath)).isFile();
  } catch (cause) {
    throw new SightlineError('CONFIG_INVALID', `the YOLO model file ${modelPath} does not exist or cannot be read`, { cause });
  }
  if (!isFile) throw configError(`the YOLO model path ${modelPath} is not a file`);
}

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/** The model's input size: its static dimensions where it has them, else the configured or default ones. */
function inputSize(session: OrtSession, options: YoloOnnxOptions, modelPath: string): PixelSize {
  const meta = session.inputMetadata[0];
  if (meta === undefined || !meta.isTensor) throw failed(`${modelPath} has no tensor input`);
  if (meta.type !== 'float32') throw failed(`${modelPath} takes ${meta.type} input; only float32 models are supported (export without half precision)`);
  const dims = meta.shape;
  if (dims.length !== 0 && (dims.length !== 4 || (typeof dims[1] === 'number' && dims[1] !== 3))) {
    throw failed(`${modelPath} takes input [${dims.join(', ')}]; a YOLO model takes [1, 3, height, width]`);
  }
  const fixed = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);
  const modelW = fixed(dims[3]);
  const modelH = fixed(dims[2]);
  for (const [key, own, asked] of [['inputWidth', modelW, options.inputWidth], ['inputHeight', modelH, options.inputHeight]] as const) {
    if (own !== undefined && asked !== undefined && own !== asked) throw configError(`${key} is ${asked}, but ${modelPath} has a fixed input ${key === 'inputWidth' ? 'width' : 'height'} of ${own}`);
  }
  return {
    width: modelW ?? options.inputWidth ?? options.inputHeight ?? 640,
    height: modelH ?? options.inputHeight ?? options.inputWidth ?? 640,
  };
}

/**
 * Loads a user-supplied YOLO model (Ultralytics YOLOv8/v11, YOLOv5/v7, or YOLOX exported with
 * `--decode_in_inference`) in ONNX format on onnxruntime-node's CPU provider. Runs the model once on
 * a grey image to learn its output shape, so a wrong layout or class list fails here rather than on
 * the first frame. Its `detect` takes an image already at the input size (letterboxed by ingest);
 * see {@link detectInFrame} for frames of another size.
 */
export async function createYoloOnnx(options: YoloOnnxOptions): Promise<Detector> {
  checkOptions(options);
  await checkModelFile(options.modelPath);
  let opened: Awaited<ReturnType<typeof openCpuSession>>;
  try {
    opened = await openCpuSession(options.modelPath, options.intraOpNumThreads ?? 1);
  } catch (cause) {
    throw failed(`${options.modelPath} is not an ONNX model onnxruntime can load: ${message(cause)}`, cause);
  }
  const { ort, session } = opened;
  try {
    return await wrapSession(ort, session, options);
  } catch (error) {
    await session.release();
    throw error;
  }
}

/** Builds the detector around a loaded session, checking its input and (by one run) its output. */
async function wrapSession(ort: OnnxRuntime, session: OrtSession, options: YoloOnnxOptions): Promise<Detector> {
  const { modelPath } = options;
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (inputName === undefined || outputName === undefined) throw failed(`${modelPath} has no input or no output`);
  // Sightline never infers ethnicity, gender, age or emotion: a model that names such an output or class is refused.
  const forbidden = forbiddenInferenceNames([path.basename(modelPath, '.onnx'), ...session.outputNames, ...options.classNames]);
  if (forbidden.length > 0) throw configError(`${modelPath} infers what Sightline never does (ethnicity, gender, age or emotion): ${forbidden.slice(0, 5).join(', ')}`);
  const size = inputSize(session, options, modelPath);
  const format: TensorFormat = { normalize: options.normalize ?? '0-1', channelOrder: options.channelOrder ?? 'rgb' };
  const classMap = mapClassNames(options.classNames);
  const requested = options.layout ?? 'auto';
  const tensor = new Float32Array(size.width * size.height * 3);

  const run = async (): Promise<{ data: Float32Array; layout: ResolvedLayout }> => {
    let out: OrtTensor | undefined;
    try {
      const result = await session.run({ [inputName]: new ort.Tensor('float32', tensor, [1, 3, size.height, size.width]) }, [outputName]);
      out = result[outputName];
    } catch (cause) {
      throw failed(`onnxruntime failed to run ${modelPath} on a ${size.width}x${size.height} input: ${message(cause)}`, cause);
    }
    if (out === undefined || out.type !== 'float32') throw failed(`${modelPath}'s output ${outputName} is ${out?.type ?? 'missing'}, not float32`);
    const resolved = resolveLayout(out.dims, options.classNames.length, requested);
    if (!resolved.ok) throw resolved.error;
    return { data: out.data as Float32Array, layout: resolved.value };
  };

  toNchw({ ...size, data: new Uint8Array(tensor.length).fill(114) }, format, tensor);
  const probe = await run();
  return {
    traits: {
      name: `yolo-onnx-${probe.layout.layout}:${path.basename(modelPath, '.onnx')}`,
      inputWidth: size.width,
      inputHeight: size.height,
      classes: OBJECT_CLASSES.filter((c) => classMap.includes(c)),
    },
    async detect(image: RgbImage, opts: DetectOptions): Promise<RawDetection[]> {
      if (image.width !== size.width || image.height !== size.height) {
        throw new RangeError(`this YOLO model needs ${size.width}x${size.height} input, got ${image.width}x${image.height}`);
      }
      toNchw(image, format, tensor);
      const { data, layout } = await run();
      return decodeYolo(data, layout, classMap, size, opts);
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

/**
 * Detects in a frame of any size: letterboxes it into the detector's input (centred, grey 114, as
 * Ultralytics does, unless `fit` says otherwise), detects, and maps boxes back to frame pixels.
 */
export async function detectInFrame(detector: Detector, frame: RgbImage, options: DetectOptions, fit: LetterboxOptions = {}): Promise<Detection[]> {
  const { inputWidth: width, inputHeight: height } = detector.traits;
  const { image, geometry } = letterboxImage(frame, { width, height }, fit);
  const found: Detection[] = [];
  for (const d of await detector.detect(image, options)) {
    const box = boxToFrame(d.box, geometry);
    if (box !== undefined) found.push({ ...d, box });
  }
  return found;
}
