import type { InferenceSession } from 'onnxruntime-node';

/** The onnxruntime-node module, loaded on demand so that a machine without it can still use tfjs. */
export type OnnxRuntime = typeof import('onnxruntime-node');

/**
 * Opens an ONNX model on onnxruntime's CPU provider with full graph optimisation (its NCHWc layout
 * is most of the speed), `threads` intra-op threads and one inter-op thread.
 */
export async function openCpuSession(modelPath: string, threads: number): Promise<{ ort: OnnxRuntime; session: InferenceSession }> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  return { ort, session };
}
