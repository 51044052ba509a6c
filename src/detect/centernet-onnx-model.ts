import { CENTERNET_ONNX_OUTPUTS } from './centernet-onnx.ts';
import { CENTERNET_INPUT } from './centernet-tfjs.ts';
import { readShippedModel } from './model-files.ts';
import { ensureOnnxModel } from './onnx/convert/index.ts';

/**
 * Converts the shipped CenterNet to ONNX once (up to its keypoint and box maps; the peak-finding
 * tail runs in TypeScript) and returns the cached file's path under `cacheDir`.
 */
export async function prepareCenterNetOnnx(cacheDir: string): Promise<string> {
  const files = await readShippedModel('centernet');
  return ensureOnnxModel('centernet', files, { outputs: [...CENTERNET_ONNX_OUTPUTS], inputShape: [1, CENTERNET_INPUT, CENTERNET_INPUT, 3] }, cacheDir);
}
