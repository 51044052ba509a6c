import type { Detector } from './detector.ts';
import type { DetectorPool } from './worker-pool.ts';

/** Presents a worker pool as a `Detector`, so the pool passes the same contract as one model. */
export function poolAsDetector(pool: DetectorPool): Detector {
  return {
    traits: pool.traits,
    detect: async (image, options) => (await pool.detect(image, options)).detections,
    dispose: () => pool.close(),
  };
}
