// Worker thread entry when the detector pool runs from the TypeScript sources (tests, under tsx):
// registers the TypeScript loader in this thread, then runs the detection worker. The compiled pool
// (dist/) starts dist/detect/detect-worker.js directly, with no loader; this file is not compiled.
import { register } from 'tsx/esm/api';

register();
await import('./detect-worker.ts');
