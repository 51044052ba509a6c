import { createCenterNetTfjs } from '../src/detect/centernet-tfjs.ts';
import { poolAsDetector } from '../src/detect/pool-detector.ts';
import { createDetectorPool } from '../src/detect/worker-pool.ts';
import { detectorContract } from './contracts/detector-contract.ts';

detectorContract('CenterNet on tfjs-wasm, in this thread', () => createCenterNetTfjs());
detectorContract('CenterNet on tfjs-wasm, pool of 2 worker threads', async () => poolAsDetector(await createDetectorPool({ backend: { kind: 'tfjs-wasm' }, workers: 2 })));
