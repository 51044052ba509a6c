import path from 'node:path';
import type { AnalyticsConfig } from '../config/schema/index.ts';
import { SightlineError } from '../core/errors.ts';
import type { BackendSpec } from './worker-protocol.ts';

/** What {@link resolveBackend} decided, and the one line to tell the user when it fell back. */
export interface BackendChoice {
  readonly spec: BackendSpec;
  /** Set when `auto` could not use onnxruntime and fell back to tfjs-wasm: one line saying why. */
  readonly notice?: string;
}

/** How the resolver reaches onnxruntime and the converter; tests replace them. */
export interface BackendDeps {
  /** Loads onnxruntime-node, throwing when it cannot load on this machine. */
  readonly loadOnnxRuntime: () => Promise<unknown>;
  /** Converts (or finds in the cache) the shipped CenterNet as ONNX and returns its path. */
  readonly prepareCenterNet: (cacheDir: string) => Promise<string>;
}

const defaultDeps: BackendDeps = {
  loadOnnxRuntime: () => import('onnxruntime-node'),
  prepareCenterNet: async (cacheDir) => (await import('./centernet-onnx-model.ts')).prepareCenterNetOnnx(cacheDir),
};

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

/**
 * Turns the configured backend into what the workers load. `auto` prefers CenterNet on
 * onnxruntime and falls back to tfjs-wasm with a notice; `onnx` and `yolo` fail with a clear error
 * when onnxruntime or the model cannot load. Converted models are cached under `<dataDir>/models`.
 */
export async function resolveBackend(detect: AnalyticsConfig['detect'], dataDir: string, deps: BackendDeps = defaultDeps): Promise<BackendChoice> {
  const cacheDir = path.join(dataDir, 'models');
  switch (detect.backend) {
    case 'tfjs-wasm':
      return { spec: { kind: 'tfjs-wasm' } };
    case 'yolo': {
      const y = detect.yolo;
      if (!y) throw new SightlineError('CONFIG_INVALID', 'backend "yolo" needs detect.yolo with the model path');
      try {
        await deps.loadOnnxRuntime();
      } catch (err) {
        throw new SightlineError('DETECTOR_FAILED', `backend "yolo" needs onnxruntime-node, which cannot load here: ${reason(err)}`, { cause: err });
      }
      return {
        spec: {
          kind: 'yolo-onnx',
          threads: detect.threads,
          yolo: {
            modelPath: y.path,
            classNames: y.classes,
            layout: y.layout,
            normalize: y.normalize,
            channelOrder: y.channelOrder,
            ...(y.inputWidth !== undefined && { inputWidth: y.inputWidth }),
            ...(y.inputHeight !== undefined && { inputHeight: y.inputHeight }),
          },
        },
      };
    }
    case 'onnx':
    case 'auto': {
      try {
        await deps.loadOnnxRuntime();
        const modelPath = await deps.prepareCenterNet(cacheDir);
        return { spec: { kind: 'centernet-onnx', modelPath, threads: detect.threads } };
      } catch (err) {
        if (detect.backend === 'onnx') {
          if (err instanceof SightlineError) throw err;
          throw new SightlineError('DETECTOR_FAILED', `backend "onnx": onnxruntime-node cannot run the model here: ${reason(err)}`, { cause: err });
        }
        return {
          spec: { kind: 'tfjs-wasm' },
          notice: `onnxruntime is not available (${reason(err)}); detecting on the tfjs WebAssembly backend instead, about 3x slower`,
        };
      }
    }
  }
}
