// Worker thread entry when a detection worker runs from the TypeScript sources (tests, under tsx):
// registers the TypeScript loader in this thread, then runs the worker module named in
// `workerData.module` (default the detection worker). The compiled code (dist/) starts
// dist/detect/detect-worker.js or face-worker.js directly, with no loader; this file is not compiled.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.module ?? './detect-worker.ts');
