/** The detector options a configuration asks for (config is below detect: it names no detector type). */
import type { AnalyticsConfig } from '../config/schema/index.ts';
import type { DetectOptions, DetectorTraits } from './detector.ts';
import { tileLayout } from './tiles.ts';

/** Per-frame detector options of a configuration. */
export function resolveDetectOptions(config: AnalyticsConfig): DetectOptions {
  const d = config.detect;
  const tiles = d.tiles !== undefined && d.tiles.columns * d.tiles.rows > 1 ? { tiles: Object.freeze({ ...d.tiles }) } : {};
  return Object.freeze({ minScore: Math.min(d.minScore, config.tracker.lowThreshold), classes: d.classes, nmsIou: d.nmsIou, maxDetections: d.maxDetections, ...tiles });
}

/** The size frames are decoded at for the detector: its input, or the whole grid of tiles when the configuration detects in tiles. */
export function analysisSize(traits: Pick<DetectorTraits, 'inputWidth' | 'inputHeight'>, detect: AnalyticsConfig['detect']): { width: number; height: number } {
  const { width, height } = tileLayout({ width: traits.inputWidth, height: traits.inputHeight }, detect.tiles);
  return { width, height };
}
