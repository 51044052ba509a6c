import * as tf from '@tensorflow/tfjs';
import type { io } from '@tensorflow/tfjs';
import type { GraphModelFiles } from './model-files.ts';

/** Loads a TFJS graph model read from disk (see `readGraphModel`) into tfjs, on whichever backend is active. */
export function loadTfjsGraph(files: GraphModelFiles): Promise<tf.GraphModel> {
  const handler: io.IOHandler = {
    load: async (): Promise<io.ModelArtifacts> => {
      const artifacts: io.ModelArtifacts = {
        modelTopology: files.json.modelTopology as NonNullable<io.ModelArtifacts['modelTopology']>,
        weightSpecs: files.json.weightsManifest.flatMap((g) => g.weights) as io.WeightsManifestEntry[],
        weightData: files.weights,
        format: files.json.format ?? 'graph-model',
        generatedBy: files.json.generatedBy ?? '',
        convertedBy: files.json.convertedBy ?? null,
      };
      if (files.json.signature !== undefined) artifacts.signature = files.json.signature as NonNullable<io.ModelArtifacts['signature']>;
      return artifacts;
    },
  };
  return tf.loadGraphModel(handler);
}
