import { CENTERNET_KEPT_CHANNELS, CENTERNET_ONNX_OUTPUTS } from './centernet-onnx.ts';
import { CENTERNET_INPUT } from './centernet-tfjs.ts';
import { readShippedModel } from './model-files.ts';
import { type ConvertOptions, ensureOnnxModel } from './onnx/convert/index.ts';

/**
 * How Sightline converts the shipped CenterNet: up to its keypoint and box maps (the peak-finding
 * tail runs in TypeScript), traced at 512x512 but with a symbolic input size (any multiple of 32
 * runs), hard-swishes as ONNX `HardSwish`, and a heat map of only the 6 classes Sightline uses.
 */
export const CENTERNET_CONVERT_OPTIONS: ConvertOptions = {
  outputs: [...CENTERNET_ONNX_OUTPUTS],
  inputShape: [1, CENTERNET_INPUT, CENTERNET_INPUT, 3],
  symbolicSize: true,
  keepChannels: { [CENTERNET_ONNX_OUTPUTS[0]]: CENTERNET_KEPT_CHANNELS },
};

/** Converts the shipped CenterNet to ONNX once (see {@link CENTERNET_CONVERT_OPTIONS}) and returns the cached file's path under `cacheDir`. */
export async function prepareCenterNetOnnx(cacheDir: string): Promise<string> {
  return ensureOnnxModel('centernet', await readShippedModel('centernet'), CENTERNET_CONVERT_OPTIONS, cacheDir);
}
