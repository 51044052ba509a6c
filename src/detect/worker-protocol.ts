import type { DetectOptions, DetectorTraits, RawDetection } from './detector.ts';

/** Which backend a detection worker loads. */
export type BackendName = 'tfjs-wasm';

/** Data a detection worker starts with. */
export interface WorkerInit {
  readonly backend: BackendName;
}

/** Messages from the pool to a worker. */
export type ToWorker =
  | { readonly type: 'detect'; readonly id: number; readonly width: number; readonly height: number; readonly data: ArrayBuffer; readonly options: DetectOptions }
  | { readonly type: 'close' };

/** Messages from a worker to the pool. */
export type FromWorker =
  | { readonly type: 'ready'; readonly traits: DetectorTraits }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly detections: RawDetection[]; readonly ms: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
