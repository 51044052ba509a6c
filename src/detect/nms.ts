import type { Detection } from '../core/detection.ts';
import { iou } from '../core/geometry.ts';

/**
 * Greedy per-class non-maximum suppression: keeps the best-scoring box and drops same-class boxes
 * overlapping it by more than `iouThreshold`, up to `max` boxes, best first.
 */
export function nonMaxSuppression<T extends Pick<Detection, 'box' | 'score' | 'class'>>(
  detections: readonly T[],
  iouThreshold: number,
  max: number,
): T[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const d of sorted) {
    if (kept.length >= max) break;
    if (kept.some((k) => k.class === d.class && iou(k.box, d.box) > iouThreshold)) continue;
    kept.push(d);
  }
  return kept;
}
