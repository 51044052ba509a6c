import { createCenterNetTfjs } from './centernet-tfjs.ts';
import type { Detector } from './detector.ts';
import type { BackendSpec } from './worker-protocol.ts';

/** Loads the detector a backend spec names, in the current thread. */
export async function loadBackend(spec: BackendSpec): Promise<Detector> {
  switch (spec.kind) {
    case 'tfjs-wasm':
      return createCenterNetTfjs();
    case 'centernet-onnx': {
      const { createCenterNetOnnx } = await import('./centernet-onnx.ts');
      return createCenterNetOnnx({ modelPath: spec.modelPath, threads: spec.threads });
    }
    case 'yolo-onnx': {
      const { createYoloOnnx } = await import('./yolo/yolo-onnx.ts');
      const y = spec.yolo;
      return createYoloOnnx({
        modelPath: y.modelPath,
        classNames: y.classNames,
        layout: y.layout,
        normalize: y.normalize,
        channelOrder: y.channelOrder,
        intraOpNumThreads: spec.threads,
        ...(y.inputWidth !== undefined && { inputWidth: y.inputWidth }),
        ...(y.inputHeight !== undefined && { inputHeight: y.inputHeight }),
      });
    }
  }
}
