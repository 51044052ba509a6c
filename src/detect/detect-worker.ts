import { parentPort, workerData } from 'node:worker_threads';
import { loadBackend } from './backends.ts';
import type { Detector } from './detector.ts';
import { withTiles } from './tiles.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('detect-worker must run in a worker thread');
const init = workerData as WorkerInit;
const send = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let detector: Detector | undefined;
try {
  detector = withTiles(await loadBackend(init.backend));
  send({ type: 'ready', traits: detector.traits });
} catch (err) {
  send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
}

// One frame at a time: messages queue in the port while a detection runs.
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  if (msg.type === 'close') {
    chain = chain.then(async () => {
      await detector?.dispose();
      port.close();
    });
    return;
  }
  chain = chain.then(async () => {
    if (!detector) {
      send({ type: 'error', id: msg.id, message: 'detector not loaded' });
      return;
    }
    const t0 = performance.now();
    try {
      const detections = await detector.detect({ width: msg.width, height: msg.height, data: new Uint8Array(msg.data) }, msg.options);
      // The frame's bytes go back with the answer, for the camera to decode its next frame into.
      send({ type: 'result', id: msg.id, detections, ms: performance.now() - t0, data: msg.data }, [msg.data]);
    } catch (err) {
      send({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
});
