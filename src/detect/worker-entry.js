// Worker thread entry: registers the TypeScript loader in this thread, then runs the detection worker.
import { register } from 'tsx/esm/api';

register();
await import('./detect-worker.ts');
