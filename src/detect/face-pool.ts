/**
 * The face detector in a worker thread of its own (face-worker.ts), behind the same `FaceDetector`
 * interface: onnxruntime's inference holds the thread it runs on, and on the server that thread
 * would be the event loop.
 */
import { Worker } from 'node:worker_threads';
import { BufferPool } from '../core/buffer-pool.ts';
import { SightlineError } from '../core/errors.ts';
import type { FaceBox, FaceDetector, RgbPicture } from './blazeface.ts';

/** What the face worker starts with. */
export interface FaceWorkerInit {
  readonly cacheDir: string;
  readonly threads?: number;
  /** The module worker-entry.js loads when running from the TypeScript sources. */
  readonly module?: string;
}

/** Messages to the face worker. */
export type FaceToWorker = { readonly type: 'detect'; readonly id: number; readonly width: number; readonly height: number; readonly data: ArrayBuffer } | { readonly type: 'close' };

/** Messages from the face worker. */
export type FaceFromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly faces: FaceBox[]; readonly data: ArrayBuffer }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const ENTRY = FROM_SOURCES ? new URL('./worker-entry.js', import.meta.url) : new URL('./face-worker.js', import.meta.url);

/** Starts BlazeFace in a worker thread and resolves once its model is loaded (rejects with DETECTOR_FAILED when it cannot load). */
export function createFaceDetectorWorker(options: { readonly cacheDir: string; readonly threads?: number }): Promise<FaceDetector> {
  const init: FaceWorkerInit = { ...options, ...(FROM_SOURCES && { module: new URL('./face-worker.ts', import.meta.url).href }) };
  const worker = new Worker(ENTRY, { workerData: init });
  const waiting = new Map<number, { resolve: (faces: FaceBox[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let gone: string | null = null;
  // The pictures' copies come back with the answers: one buffer per picture in flight, reused.
  const copies = new BufferPool(8);
  const failAll = (why: string): void => {
    gone ??= why;
    for (const w of waiting.values()) w.reject(new SightlineError('DETECTOR_FAILED', why));
    waiting.clear();
  };
  return new Promise((resolve, reject) => {
    worker.on('message', (m: FaceFromWorker) => {
      if (m.type === 'ready') {
        resolve({
          detect(picture: RgbPicture): Promise<FaceBox[]> {
            if (gone !== null) return Promise.reject(new SightlineError('DETECTOR_FAILED', gone));
            if (picture.data.length !== picture.width * picture.height * 3) return Promise.reject(new RangeError('picture data is not width*height*3 bytes'));
            const id = nextId++;
            // A copy: the caller keeps its picture (for snapshots).
            const data = copies.copyOf(picture.data).buffer as ArrayBuffer;
            return new Promise<FaceBox[]>((res, rej) => {
              waiting.set(id, { resolve: res, reject: rej });
              worker.postMessage({ type: 'detect', id, width: picture.width, height: picture.height, data } satisfies FaceToWorker, [data]);
            });
          },
          async dispose(): Promise<void> {
            if (gone !== null) return;
            gone = 'the face detector is closed';
            const exited = new Promise<void>((r) => worker.once('exit', () => r()));
            worker.postMessage({ type: 'close' } satisfies FaceToWorker);
            await exited;
            failAll('the face detector is closed');
          },
        });
      } else if (m.type === 'fatal') {
        void worker.terminate();
        reject(new SightlineError('DETECTOR_FAILED', m.message));
      } else {
        const w = waiting.get(m.id);
        if (w === undefined) return;
        waiting.delete(m.id);
        if (m.type === 'result') {
          copies.give(m.data);
          w.resolve(m.faces);
        }
        else w.reject(new SightlineError('DETECTOR_FAILED', `face detection failed: ${m.message}`));
      }
    });
    worker.on('error', (err) => {
      reject(new SightlineError('DETECTOR_FAILED', `the face detector's thread crashed: ${err.message}`, { cause: err }));
      failAll(`the face detector's thread crashed: ${err.message}`);
    });
    worker.on('exit', () => failAll('the face detector thread exited'));
  });
}
