import { createCenterNetTfjs } from './centernet-tfjs.ts';
import type { Detector } from './detector.ts';
import type { BackendName } from './worker-protocol.ts';

/** Loads the detector of the named backend in the current thread. */
export async function loadBackend(name: BackendName): Promise<Detector> {
  switch (name) {
    case 'tfjs-wasm':
      return createCenterNetTfjs();
  }
}
