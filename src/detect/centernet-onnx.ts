import { SightlineError } from '../core/errors.ts';
import { decodeCenterNetMaps } from './centernet-decode.ts';
import { CENTERNET_CLASSES, CENTERNET_INPUT, decodeCenterNet } from './centernet-tfjs.ts';
import type { DetectOptions, Detector, RawDetection, RgbImage } from './detector.ts';
import { openCpuSession } from './ort-session.ts';

/** TF node names of the CenterNet outputs the ONNX graph exposes; the peak-finding tail runs in TypeScript. */
export const CENTERNET_ONNX_OUTPUTS = ['tower_0/keypoints', 'tower_0/wh'] as const;

/** Options of {@link createCenterNetOnnx}. */
export interface CenterNetOnnxOptions {
  /** Path of the converted ONNX model (see `ensureOnnxModel`). */
  readonly modelPath: string;
  /** onnxruntime intra-op threads of this model instance. */
  readonly threads: number;
}

function pickOutput(names: readonly string[], wanted: string): string {
  const exact = names.find((n) => n === wanted);
  const found = exact ?? names.find((n) => n.replace(/[:/.]/g, '_').includes(wanted.replace(/[:/.]/g, '_')));
  if (!found) throw new SightlineError('DETECTOR_FAILED', `the converted CenterNet model has no output "${wanted}" (it has ${names.join(', ')})`);
  return found;
}

/** Runs the shipped CenterNet, converted to ONNX, on onnxruntime-node's CPU provider. */
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
  const input = new Float32Array(CENTERNET_INPUT * CENTERNET_INPUT * 3);
  return {
    traits: { name: 'centernet-onnx', inputWidth: CENTERNET_INPUT, inputHeight: CENTERNET_INPUT, classes: CENTERNET_CLASSES },
    async detect(image: RgbImage, opts: DetectOptions): Promise<RawDetection[]> {
      if (image.width !== CENTERNET_INPUT || image.height !== CENTERNET_INPUT) {
        throw new RangeError(`CenterNet needs ${CENTERNET_INPUT}x${CENTERNET_INPUT} input, got ${image.width}x${image.height}`);
      }
      if (image.data.length !== input.length) throw new RangeError('image data is not width*height*3 bytes');
      input.set(image.data);
      const feeds = { [inputName]: new ort.Tensor('float32', input, [1, CENTERNET_INPUT, CENTERNET_INPUT, 3]) };
      const out = await session.run(feeds, [keypointsName, whName]);
      const kp = out[keypointsName];
      const wh = out[whName];
      if (!kp || !wh) throw new SightlineError('DETECTOR_FAILED', 'onnxruntime returned no CenterNet maps');
      const [, h, w, c] = kp.dims;
      const rows = decodeCenterNetMaps({ keypoints: kp.data as Float32Array, wh: wh.data as Float32Array, width: w ?? 0, height: h ?? 0, classes: c ?? 0, stride: CENTERNET_INPUT / (w ?? 1) }, opts.minScore);
      return decodeCenterNet(rows, rows.length / 6, opts);
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}
