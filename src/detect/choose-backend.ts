import type { BackendName } from './worker-protocol.ts';

/** The backend a configured choice resolves to: `auto` takes the fastest backend that loads on this machine. */
export function chooseBackend(configured: 'auto' | BackendName): BackendName {
  // tfjs-wasm is the only backend so far; the onnx backend will be tried first here once it exists.
  return configured === 'auto' ? 'tfjs-wasm' : configured;
}
