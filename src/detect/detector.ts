import type { ObjectClass } from '../core/detection.ts';
import type { Box } from '../core/geometry.ts';

/** An RGB24 image (3 bytes per pixel, rows top to bottom, no padding). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** What a detector declares about itself, as data: shared code never switches on its name. */
export interface DetectorTraits {
  /** Short name for logs and benchmarks, e.g. `centernet-tfjs-wasm`. */
  readonly name: string;
  /** Width of the image the detector wants; frames are scaled to this by ingest. */
  readonly inputWidth: number;
  /** Height of the image the detector wants. */
  readonly inputHeight: number;
  /** Set when the model also takes any other size whose sides are multiples of this (at least twice it); inputWidth x inputHeight is then its default. */
  readonly sizeMultiple?: number;
  /** Classes it can report. */
  readonly classes: readonly ObjectClass[];
}

/** Per-call options of a detector. */
export interface DetectOptions {
  /** Drop detections scoring below this (0..1). */
  readonly minScore: number;
  /** Report only these classes. */
  readonly classes: readonly ObjectClass[];
  /** Overlap (IoU) above which the weaker of two same-class boxes is suppressed. */
  readonly nmsIou: number;
  /** Keep at most this many detections, best first. */
  readonly maxDetections: number;
  /** Detect in a grid of overlapping tiles, each the model's input, over a frame of the grid's size (see `tileLayout` in tiles.ts). */
  readonly tiles?: { readonly columns: number; readonly rows: number; readonly overlap: number; readonly width: number; readonly height: number };
}

/** A detection in the detector's input pixels (before mapping back to the source frame). */
export interface RawDetection {
  readonly box: Box;
  readonly score: number;
  readonly class: ObjectClass;
}

/** An object detector: one model instance, one call at a time. */
export interface Detector {
  readonly traits: DetectorTraits;
  /** Detects objects in an image of `traits.inputWidth` x `traits.inputHeight` (or, with `traits.sizeMultiple`, of any multiple of it). */
  detect(image: RgbImage, options: DetectOptions): Promise<RawDetection[]>;
  /** Frees the model. */
  dispose(): Promise<void>;
}
