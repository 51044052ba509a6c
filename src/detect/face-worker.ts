/**
 * The face detector's thread: BlazeFace on onnxruntime, whose `run` holds the thread it is called
 * on for the whole inference (13 ms of every analysed frame on the server's main thread, measured
 * with `--cpu-prof` on 10 cameras), so it runs here and the event loop stays free.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFaceDetector, type FaceDetector } from './blazeface.ts';
import type { FaceFromWorker, FaceToWorker, FaceWorkerInit } from './face-pool.ts';

const port = parentPort;
if (!port) throw new Error('face-worker must run in a worker thread');
const init = workerData as FaceWorkerInit;
const send = (m: FaceFromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let detector: FaceDetector | undefined;
try {
  detector = await createFaceDetector({ cacheDir: init.cacheDir, ...(init.threads !== undefined && { threads: init.threads }) });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
}

// One picture at a time: messages queue in the port while a detection runs.
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: FaceToWorker) => {
  chain = chain.then(async () => {
    if (msg.type === 'close') {
      await detector?.dispose();
      port.close();
      return;
    }
    try {
      if (!detector) throw new Error('the face detector is not loaded');
      const faces = await detector.detect({ width: msg.width, height: msg.height, data: new Uint8Array(msg.data) });
      // The picture's copy goes back with the answer, for the next picture.
      send({ type: 'result', id: msg.id, faces, data: msg.data }, [msg.data]);
    } catch (err) {
      send({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
});
