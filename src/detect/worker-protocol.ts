import type { DetectOptions, DetectorTraits, RawDetection } from './detector.ts';

/** The options of a user YOLO model as a worker needs them. */
export interface YoloSpec {
  readonly modelPath: string;
  readonly classNames: readonly string[];
  readonly inputWidth?: number;
  readonly inputHeight?: number;
  readonly layout: 'auto' | 'ultralytics' | 'yolov5' | 'yolox';
  readonly normalize: '0-1' | '0-255';
  readonly channelOrder: 'rgb' | 'bgr';
}

/** Which model and runtime a detection worker loads, with everything it needs to do so. */
export type BackendSpec =
  | { readonly kind: 'tfjs-wasm' }
  | { readonly kind: 'centernet-onnx'; readonly modelPath: string; readonly threads: number }
  | { readonly kind: 'yolo-onnx'; readonly yolo: YoloSpec; readonly threads: number };

/** Data a detection worker starts with. */
export interface WorkerInit {
  readonly backend: BackendSpec;
}

/** Messages from the pool to a worker. */
export type ToWorker =
  | { readonly type: 'detect'; readonly id: number; readonly width: number; readonly height: number; readonly data: ArrayBuffer; readonly options: DetectOptions }
  | { readonly type: 'close' };

/** Messages from a worker to the pool. */
export type FromWorker =
  | { readonly type: 'ready'; readonly traits: DetectorTraits }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly detections: RawDetection[]; readonly ms: number; readonly data: ArrayBuffer }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
