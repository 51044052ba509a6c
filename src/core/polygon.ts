import type { Point } from './geometry.ts';

/**
 * Twice the signed area of the triangle a, b, p: the cross product (b − a) × (p − a). In image
 * coordinates (y down) it is positive when p lies to the right of the direction a → b as seen on
 * screen, negative to the left, and exactly 0 when the three points are collinear.
 */
export function orientation(a: Point, b: Point, p: Point): number {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}

/** The side of p relative to the infinite line through a and b: 1 right of a → b on screen, -1 left, 0 on the line (or a = b). */
export function sideOfLine(a: Point, b: Point, p: Point): -1 | 0 | 1 {
  const o = orientation(a, b, p);
  return o > 0 ? 1 : o < 0 ? -1 : 0;
}

/**
 * Signed distance in pixels from p to the infinite line through a and b, positive on the side where
 * `sideOfLine` is 1; when a = b the line is undefined and the distance to a is returned, unsigned.
 */
export function signedDistanceToLine(a: Point, b: Point, p: Point): number {
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (length === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return orientation(a, b, p) / length;
}

/** True when p, known to be collinear with a and b, lies within the closed segment a-b. */
function withinBounds(a: Point, b: Point, p: Point): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** True when p lies on the closed segment a-b (end points included), decided with exact arithmetic on the inputs. */
export function pointOnSegment(a: Point, b: Point, p: Point): boolean {
  return orientation(a, b, p) === 0 && withinBounds(a, b, p);
}

/**
 * How two closed segments p1-p2 and q1-q2 meet:
 * - `cross`: a proper crossing, one shared point interior to both segments;
 * - `touch`: one shared point that is an end point of at least one of them (a T or an L);
 * - `overlap`: collinear and sharing more than one point;
 * - `none`: no shared point.
 * Degenerate segments (a point) are handled: they can only `touch` or be `none`.
 */
export type SegmentContact = 'none' | 'cross' | 'touch' | 'overlap';

/** Classifies how segment p1-p2 meets segment q1-q2 (see `SegmentContact`), robust to collinear and touching cases. */
export function segmentContact(p1: Point, p2: Point, q1: Point, q2: Point): SegmentContact {
  const d1 = orientation(q1, q2, p1);
  const d2 = orientation(q1, q2, p2);
  const d3 = orientation(p1, p2, q1);
  const d4 = orientation(p1, p2, q2);
  if (d1 !== 0 && d2 !== 0 && d3 !== 0 && d4 !== 0) {
    return Math.sign(d1) !== Math.sign(d2) && Math.sign(d3) !== Math.sign(d4) ? 'cross' : 'none';
  }
  if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0) return collinearContact(p1, p2, q1, q2);
  // Exactly one end point lies on the other segment's line: the segments can only touch there.
  if (d1 === 0 && withinBounds(q1, q2, p1)) return 'touch';
  if (d2 === 0 && withinBounds(q1, q2, p2)) return 'touch';
  if (d3 === 0 && withinBounds(p1, p2, q1)) return 'touch';
  if (d4 === 0 && withinBounds(p1, p2, q2)) return 'touch';
  return 'none';
}

/** Contact of two segments that lie on one line (or are points): compared along their dominant axis. */
function collinearContact(p1: Point, p2: Point, q1: Point, q2: Point): SegmentContact {
  const spanX = Math.max(p1[0], p2[0], q1[0], q2[0]) - Math.min(p1[0], p2[0], q1[0], q2[0]);
  const spanY = Math.max(p1[1], p2[1], q1[1], q2[1]) - Math.min(p1[1], p2[1], q1[1], q2[1]);
  const axis: 0 | 1 = spanX >= spanY ? 0 : 1;
  const pLo = Math.min(p1[axis], p2[axis]);
  const pHi = Math.max(p1[axis], p2[axis]);
  const qLo = Math.min(q1[axis], q2[axis]);
  const qHi = Math.max(q1[axis], q2[axis]);
  const lo = Math.max(pLo, qLo);
  const hi = Math.min(pHi, qHi);
  if (lo > hi) return 'none';
  if (lo < hi) return 'overlap';
  // One shared point: it must also agree on the other axis (points on one line that is not the axis).
  const other: 0 | 1 = axis === 0 ? 1 : 0;
  const at = (a: Point, b: Point): number | null => {
    if (a[axis] === lo) return a[other];
    if (b[axis] === lo) return b[other];
    return null;
  };
  const pv = at(p1, p2);
  const qv = at(q1, q2);
  return pv === null || qv === null || pv === qv ? 'touch' : 'none';
}

/** True when the closed segments p1-p2 and q1-q2 share at least one point (crossing, touching or overlapping). */
export function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  return segmentContact(p1, p2, q1, q2) !== 'none';
}

/** True when the segments p1-p2 and q1-q2 cross properly: one shared point interior to both. */
export function segmentsCross(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  return segmentContact(p1, p2, q1, q2) === 'cross';
}

/**
 * True when p lies inside the polygon or on its boundary (the polygon is closed: a point on an edge
 * or a vertex counts as inside, so a foot point resting on a zone's edge is in the zone). Interior
 * is decided by the even-odd rule, so a self-intersecting polygon's doubly covered parts are
 * outside. Polygons with fewer than three vertices contain only their boundary points.
 */
export function pointInPolygon(p: Point, polygon: readonly Point[]): boolean {
  const n = polygon.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % n]!;
    if (pointOnSegment(a, b, p)) return true;
  }
  if (n < 3) return false;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    // Half-open rule on y: an edge counts when it straddles the horizontal ray from p, so a vertex
    // exactly at p's height is counted once.
    if (a[1] > p[1] !== b[1] > p[1]) {
      const x = a[0] + ((p[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
      if (p[0] < x) inside = !inside;
    }
  }
  return inside;
}
