/** A point in image pixels, `[x, y]`, x to the right and y down. */
export type Point = readonly [x: number, y: number];

/** An axis-aligned box in image pixels: top-left corner, width and height. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The foot point of a box: its bottom-centre, where a standing person touches the ground. */
export function footPoint(box: Box): Point {
  return [box.x + box.w / 2, box.y + box.h];
}

/** Intersection over union of two boxes, 0 when they do not overlap. */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  if (inter <= 0) return 0;
  return inter / (a.w * a.h + b.w * b.h - inter);
}
