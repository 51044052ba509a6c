/** The detector options a configuration asks for (config is below detect: it names no detector type). */
import type { AnalyticsConfig } from '../config/schema/index.ts';
import type { DetectOptions } from './detector.ts';

/** Per-frame detector options of a configuration. */
export function resolveDetectOptions(config: AnalyticsConfig): DetectOptions {
  const d = config.detect;
  return Object.freeze({ minScore: Math.min(d.minScore, config.tracker.lowThreshold), classes: d.classes, nmsIou: d.nmsIou, maxDetections: d.maxDetections });
}
