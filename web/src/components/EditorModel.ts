/** The editor's data: the shapes being edited, their selection, checks and small geometry helpers. */
import type { LineRule, Point, ZoneRule } from '../api/types.ts';

/** Which shape is selected: a line or a zone, by index. */
export type ShapeRef = { readonly kind: 'line' | 'zone'; readonly index: number };

/** A handle of a shape: a line's two points (0, 1) and its inside point (2), or a zone's vertices. */
export type HandleRef = ShapeRef & { readonly point: number };

/** The drawing tools. */
export type Tool = 'select' | 'line' | 'zone';

/** Object classes a rule can apply to. */
export const RULE_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;

/** A valid rule name, as the server checks it. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

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

/** Every problem that would keep the server from taking these rules, for people. */
export function problemsOf(lines: readonly LineRule[], zones: readonly ZoneRule[]): string[] {
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
    if (z.polygon.length < 3) out.push(`Zone “${z.name}” needs at least three points.`);
    if (z.crowd !== undefined && z.crowd.count < 2) out.push(`The crowd alarm of zone “${z.name}” needs a count of at least 2.`);
  }
  return out;
}

/** The point of a handle. */
export function handlePoint(lines: readonly LineRule[], zones: readonly ZoneRule[], h: HandleRef): Point | undefined {
  if (h.kind === 'zone') return zones[h.index]?.polygon[h.point];
  const l = lines[h.index];
  return l === undefined ? undefined : h.point === 2 ? l.inside : l.points[h.point === 0 ? 0 : 1];
}

/** The lines and zones with one handle moved. */
export function movePoint(lines: readonly LineRule[], zones: readonly ZoneRule[], h: HandleRef, p: Point): { lines: LineRule[]; zones: ZoneRule[] } {
  if (h.kind === 'zone') {
    return { lines: [...lines], zones: zones.map((z, i) => (i === h.index ? { ...z, polygon: z.polygon.map((q, k) => (k === h.point ? p : q)) } : z)) };
  }
  return {
    lines: lines.map((l, i) => {
      if (i !== h.index) return l;
      if (h.point === 2) return { ...l, inside: p };
      return { ...l, points: h.point === 0 ? [p, l.points[1]] : [l.points[0], p] };
    }),
    zones: [...zones],
  };
}
