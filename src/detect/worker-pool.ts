import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { wholeBuffer } from '../core/buffer-pool.ts';
import { SightlineError } from '../core/errors.ts';
import type { DetectOptions, DetectorTraits, RawDetection, RgbImage } from './detector.ts';
import type { BackendSpec, FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

/** The outcome of one detection in the pool. */
export interface PoolResult {
  readonly detections: RawDetection[];
  /** Milliseconds the worker spent on the frame. */
  readonly ms: number;
  /** The buffer the image's bytes went to the worker in (its own when moved, else a copy), handed back: the caller's to reuse (absent from pools that keep no such buffer). */
  readonly buffer?: ArrayBuffer;
}

/** Detection spread over worker threads, each with its own model; the caller's thread never runs inference. */
export interface DetectorPool {
  readonly traits: DetectorTraits;
  /** Number of worker threads. */
  readonly size: number;
  /** Frames submitted and not yet answered. */
  pending(): number;
  /**
   * Detects objects in an image; its bytes are copied to a worker, or with `transfer` moved there
   * when the image owns its whole buffer (the caller's `image.data` is then emptied), never shared.
   */
  detect(image: RgbImage, options: DetectOptions, how?: { readonly transfer?: boolean }): Promise<PoolResult>;
  /** Stops every worker. */
  close(): Promise<void>;
}

/** Options of {@link createDetectorPool}. */
export interface PoolOptions {
  readonly backend: BackendSpec;
  /** Worker threads; default one per CPU core. */
  readonly workers?: number;
}

interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve: (r: PoolResult) => void; reject: (e: Error) => void }>;
}

/**
 * The worker thread's module. Compiled (dist/detect/worker-pool.js) it is the compiled detect-worker.js,
 * plain JavaScript; run from the TypeScript sources (tests, under tsx) it is worker-entry.js, which
 * registers the TypeScript loader in the new thread first.
 */
const ENTRY = import.meta.url.endsWith('.ts') ? new URL('./worker-entry.js', import.meta.url) : new URL('./detect-worker.js', import.meta.url);

/** The default number of inference workers: one per core. */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}

function startWorker(init: WorkerInit): Promise<{ worker: Worker; traits: DetectorTraits }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: init });
    const onMessage = (m: FromWorker): void => {
      if (m.type === 'ready') {
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve({ worker, traits: m.traits });
      } else if (m.type === 'fatal') {
        void worker.terminate();
        reject(new SightlineError('DETECTOR_FAILED', `detector backend ${init.backend.kind} failed to load: ${m.message}`));
      }
    };
    const onError = (err: Error): void => reject(new SightlineError('DETECTOR_FAILED', `detection worker crashed while loading: ${err.message}`, { cause: err }));
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}

/** Starts a pool of detection workers and waits until every model is loaded. */
export async function createDetectorPool(options: PoolOptions): Promise<DetectorPool> {
  const count = options.workers ?? defaultWorkerCount();
  const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker({ backend: options.backend })));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.worker.terminate() : undefined)));
    throw failed.reason;
  }
  const ok = started.map((s) => (s as PromiseFulfilledResult<{ worker: Worker; traits: DetectorTraits }>).value);
  const traits = ok[0]!.traits;
  const slots: Slot[] = ok.map(({ worker }) => {
    const slot: Slot = { worker, waiting: new Map() };
    worker.on('message', (m: FromWorker) => {
      if (m.type !== 'result' && m.type !== 'error') return;
      const w = slot.waiting.get(m.id);
      if (!w) return;
      slot.waiting.delete(m.id);
      if (m.type === 'result') w.resolve({ detections: m.detections, ms: m.ms, buffer: m.data });
      else w.reject(new SightlineError('DETECTOR_FAILED', `detection failed: ${m.message}`));
    });
    const failAll = (why: string): void => {
      for (const w of slot.waiting.values()) w.reject(new SightlineError('DETECTOR_FAILED', why));
      slot.waiting.clear();
    };
    worker.on('error', (err) => failAll(`detection worker crashed: ${err.message}`));
    worker.on('exit', () => failAll('detection worker exited'));
    return slot;
  });
  let nextId = 1;
  let closed = false;
  return {
    traits,
    size: slots.length,
    pending: () => slots.reduce((n, s) => n + s.waiting.size, 0),
    detect(image: RgbImage, opts: DetectOptions, how = {}): Promise<PoolResult> {
      if (closed) return Promise.reject(new SightlineError('DETECTOR_FAILED', 'the detector pool is closed'));
      const slot = slots.reduce((best, s) => (s.waiting.size < best.waiting.size ? s : best));
      const id = nextId++;
      // Move a buffer of exactly the image's bytes to the worker: the image's own when it may, else a copy.
      const data = (how.transfer === true ? wholeBuffer(image.data) : null) ?? image.data.slice().buffer;
      return new Promise((resolve, reject) => {
        slot.waiting.set(id, { resolve, reject });
        const msg: ToWorker = { type: 'detect', id, width: image.width, height: image.height, data, options: opts };
        slot.worker.postMessage(msg, [data]);
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.worker.once('exit', () => resolve());
              s.worker.postMessage({ type: 'close' } satisfies ToWorker);
              setTimeout(() => void s.worker.terminate(), 5000).unref();
            }),
        ),
      );
    },
  };
}
