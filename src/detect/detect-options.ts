/** The detector options a configuration asks for (config is below detect: it names no detector type). */
import type { AnalyticsConfig } from '../config/schema/index.ts';
import type { DetectOptions, DetectorTraits } from './detector.ts';
import { gridSpan, tileLayout, type Size } from './tiles.ts';

/** Per-frame detector options of a configuration; `tile` is the size of one detector input (see {@link inputSize}), needed when it detects in tiles. */
export function resolveDetectOptions(config: AnalyticsConfig, tile?: Size): DetectOptions {
  const d = config.detect;
  const tiled = d.tiles !== undefined && d.tiles.columns * d.tiles.rows > 1;
  if (tiled && tile === undefined) throw new RangeError('detecting in tiles needs the size of a tile');
  const tiles = tiled ? { tiles: Object.freeze({ ...d.tiles!, width: tile!.width, height: tile!.height }) } : {};
  return Object.freeze({ minScore: Math.min(d.minScore, config.tracker.lowThreshold), classes: d.classes, nmsIou: d.nmsIou, maxDetections: d.maxDetections, ...tiles });
}

/**
 * The size of one detector input (one tile, when detecting in tiles) for a source. A model of one
 * fixed size gets that size. A model that takes any multiple of its `sizeMultiple` gets the aspect
 * ratio of the part of the picture one input covers (the whole picture, or one tile's share of it)
 * at `detect.inputSize` on the long side (default: the model's own long side), the short side
 * rounded to the multiple: a 768x576 camera is seen at 512x384, with no letterbox padding to pay
 * for, and a 640x480 one in 3x2 tiles sharing a fifth at 480x512 a tile.
 */
export function inputSize(traits: Pick<DetectorTraits, 'inputWidth' | 'inputHeight' | 'sizeMultiple'>, detect: AnalyticsConfig['detect'], source: Size): Size {
  const m = traits.sizeMultiple;
  if (m === undefined || !(source.width > 0 && source.height > 0)) return { width: traits.inputWidth, height: traits.inputHeight };
  const long = Math.max(2 * m, Math.round((detect.inputSize ?? Math.max(traits.inputWidth, traits.inputHeight)) / m) * m);
  const short = (a: number, b: number): number => Math.max(2 * m, Math.round((long * a) / b / m) * m);
  // The share of the picture one tile covers.
  const span = detect.tiles === undefined ? { across: 1, down: 1 } : gridSpan(detect.tiles);
  const w = source.width / span.across;
  const h = source.height / span.down;
  return w >= h ? { width: long, height: short(h, w) } : { width: short(w, h), height: long };
}

/** The size frames of `source` are decoded at for the detector: one input, or the whole grid of tiles when the configuration detects in tiles. */
export function analysisSize(traits: Pick<DetectorTraits, 'inputWidth' | 'inputHeight' | 'sizeMultiple'>, detect: AnalyticsConfig['detect'], source: Size): Size {
  const { width, height } = tileLayout(inputSize(traits, detect, source), detect.tiles);
  return { width, height };
}
