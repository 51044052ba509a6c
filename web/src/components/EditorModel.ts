/** The editor's data: the shapes being edited, their selection, checks and small geometry helpers. */
import type { LineRule, MaskRule, Point, ZoneRule } from '../api/types.ts';

/** Everything the editor edits: a camera's counting lines, zones and privacy masks. */
export interface Shapes {
  readonly lines: readonly LineRule[];
  readonly zones: readonly ZoneRule[];
  readonly masks: readonly MaskRule[];
}

/** Which shape is selected: a line, a zone or a privacy mask, by index. */
export type ShapeRef = { readonly kind: 'line' | 'zone' | 'mask'; readonly index: number };

/** A handle of a shape: a line's two points (0, 1) and its inside point (2), or a zone's or mask's vertices. */
export type HandleRef = ShapeRef & { readonly point: number };

/** The drawing tools. */
export type Tool = 'select' | 'line' | 'zone' | 'mask';

/** The tools that draw a polygon, corner by corner, finished with a double-click, Enter or Finish. */
export type PolygonTool = 'zone' | 'mask';

/** Whether a tool draws a polygon. */
export function isPolygonTool(tool: Tool): tool is PolygonTool {
  return tool === 'zone' || tool === 'mask';
}

/** Object classes a rule can apply to. */
export const RULE_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;

/** A valid rule or mask name, as the server checks it (src/config/schema/common.ts's nameSchema). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The fewest corners of a zone or a mask. */
export const POLYGON_MIN_POINTS = 3;

/** What the server takes for privacy masks (src/config/schema/server.ts): masks per camera, corners per mask. */
export const MASK_LIMITS = { masks: 32, maxPoints: 64 } as const;

/** The picture size the rules are drawn in. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/** A point kept inside the frame, in whole pixels. */
export function clampPoint([x, y]: Point, size: FrameSize): Point {
  return [Math.round(Math.min(size.width, Math.max(0, x))), Math.round(Math.min(size.height, Math.max(0, y)))];
}

/** Which side of the segment a-b a point lies on: >0, <0, or 0 on the line. */
export function sideOf([a, b]: readonly [Point, Point], p: Point): number {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}

/** The first free name `prefix-N`. */
export function freeName(prefix: string, taken: readonly string[]): string {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** How a mask is called for people: its name, or its place in the list when it has none. */
export function maskLabel(mask: MaskRule, index: number): string {
  return mask.name !== undefined ? mask.name : `${index + 1} (no name)`;
}

/** Every problem that would keep the server from taking these rules and masks, for people. */
export function problemsOf({ lines, zones, masks }: Shapes): string[] {
  const out: string[] = [];
  const names = [...lines.map((l) => l.name), ...zones.map((z) => z.name)];
  for (const [i, name] of names.entries()) {
    if (!NAME_PATTERN.test(name)) out.push(`“${name}” is not a valid name: use 1-64 letters, digits, - or _, starting with a letter or digit.`);
    else if (names.indexOf(name) !== i) out.push(`The name “${name}” is used twice; every line and zone needs its own name.`);
  }
  for (const l of lines) {
    if (l.classes.length === 0) out.push(`Line “${l.name}” counts no class: pick at least one.`);
    if (l.points[0][0] === l.points[1][0] && l.points[0][1] === l.points[1][1]) out.push(`The two points of line “${l.name}” are the same.`);
    else if (sideOf(l.points, l.inside) === 0) out.push(`The “in” point of line “${l.name}” lies on the line: move it to one side.`);
  }
  for (const z of zones) {
    if (z.classes.length === 0) out.push(`Zone “${z.name}” watches no class: pick at least one.`);
    if (z.polygon.length < POLYGON_MIN_POINTS) out.push(`Zone “${z.name}” needs at least three points.`);
    if (z.crowd !== undefined && z.crowd.count < 2) out.push(`The crowd alarm of zone “${z.name}” needs a count of at least 2.`);
  }
  if (masks.length > MASK_LIMITS.masks) out.push(`There are ${masks.length} privacy masks; a camera can have at most ${MASK_LIMITS.masks}: delete ${masks.length - MASK_LIMITS.masks}.`);
  for (const [i, m] of masks.entries()) {
    const label = maskLabel(m, i);
    if (m.name !== undefined && !NAME_PATTERN.test(m.name)) out.push(`Mask name “${m.name}” is not valid: leave it empty, or use 1-64 letters, digits, - or _, starting with a letter or digit.`);
    if (m.polygon.length < POLYGON_MIN_POINTS) out.push(`Mask ${label} needs at least three points.`);
    if (m.polygon.length > MASK_LIMITS.maxPoints) out.push(`Mask ${label} has ${m.polygon.length} points; a mask can have at most ${MASK_LIMITS.maxPoints}.`);
  }
  return out;
}

/** The point of a handle. */
export function handlePoint({ lines, zones, masks }: Shapes, h: HandleRef): Point | undefined {
  if (h.kind === 'zone') return zones[h.index]?.polygon[h.point];
  if (h.kind === 'mask') return masks[h.index]?.polygon[h.point];
  const l = lines[h.index];
  return l === undefined ? undefined : h.point === 2 ? l.inside : l.points[h.point === 0 ? 0 : 1];
}

/** The polygon with its vertex `k` moved to `p`. */
function moveVertex(polygon: readonly Point[], k: number, p: Point): Point[] {
  return polygon.map((q, i) => (i === k ? p : q));
}

/** The shapes with one handle moved; the other shapes are the same objects. */
export function movePoint({ lines, zones, masks }: Shapes, h: HandleRef, p: Point): { lines: LineRule[]; zones: ZoneRule[]; masks: MaskRule[] } {
  return {
    lines: lines.map((l, i) => {
      if (h.kind !== 'line' || i !== h.index) return l;
      if (h.point === 2) return { ...l, inside: p };
      return { ...l, points: h.point === 0 ? [p, l.points[1]] : [l.points[0], p] };
    }),
    zones: zones.map((z, i) => (h.kind === 'zone' && i === h.index ? { ...z, polygon: moveVertex(z.polygon, h.point, p) } : z)),
    masks: masks.map((m, i) => (h.kind === 'mask' && i === h.index ? { ...m, polygon: moveVertex(m.polygon, h.point, p) } : m)),
  };
}

/** The shapes without the one `s` names. */
export function removeShape({ lines, zones, masks }: Shapes, s: ShapeRef): { lines: LineRule[]; zones: ZoneRule[]; masks: MaskRule[] } {
  const keep = (kind: ShapeRef['kind']) => (_: unknown, i: number) => s.kind !== kind || i !== s.index;
  return { lines: lines.filter(keep('line')), zones: zones.filter(keep('zone')), masks: masks.filter(keep('mask')) };
}

/** Whether two lists of masks are the same masks (names and corners, in order). */
export function sameMasks(a: readonly MaskRule[], b: readonly MaskRule[]): boolean {
  return a.length === b.length && a.every((m, i) => {
    const n = b[i];
    return n !== undefined && m.name === n.name && m.polygon.length === n.polygon.length && m.polygon.every((p, k) => p[0] === n.polygon[k]?.[0] && p[1] === n.polygon[k]?.[1]);
  });
}
