/**
 * Object filters: per class, the smallest score and the smallest box a detection must have to be
 * tracked at all. A filter is plain data; {@link passesFilter} decides one detection, and
 * {@link strictestFilters} combines the server-wide filters with a camera's own (the stricter
 * value of each field wins), so a camera can tighten the filters but never loosen them.
 */
import type { Detection, ObjectClass } from './detection.ts';

/** What a detection of one class must reach to be kept. */
export interface ObjectFilter {
  /** Lowest score kept, 0..1. */
  readonly minScore?: number | undefined;
  /** Smallest box kept, as a fraction (0..1) of the picture's area. */
  readonly minArea?: number | undefined;
}

/** Filters by class; a class not listed keeps every detection. */
export type ObjectFilters = Partial<Readonly<Record<ObjectClass, ObjectFilter>>>;

/** Whether a detection passes its class's filter in a picture of `pictureArea` pixels. */
export function passesFilter(d: Detection, filters: ObjectFilters, pictureArea: number): boolean {
  const f = filters[d.class];
  if (f === undefined) return true;
  if (f.minScore !== undefined && d.score < f.minScore) return false;
  if (f.minArea !== undefined && pictureArea > 0 && (d.box.w * d.box.h) / pictureArea < f.minArea) return false;
  return true;
}

/** The detections that pass their class's filter, in input order (the same array when all pass). */
export function filterDetections(detections: readonly Detection[], filters: ObjectFilters, pictureArea: number): readonly Detection[] {
  const kept = detections.filter((d) => passesFilter(d, filters, pictureArea));
  return kept.length === detections.length ? detections : kept;
}

function larger(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Both sets of filters at once: for each class and field, the stricter (larger) value of the two. */
export function strictestFilters(a: ObjectFilters, b: ObjectFilters): ObjectFilters {
  const out: Partial<Record<ObjectClass, ObjectFilter>> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<ObjectClass>) {
    const fa = a[k] ?? {};
    const fb = b[k] ?? {};
    const minScore = larger(fa.minScore, fb.minScore);
    const minArea = larger(fa.minArea, fb.minArea);
    out[k] = { ...(minScore !== undefined && { minScore }), ...(minArea !== undefined && { minArea }) };
  }
  return out;
}

/** True when no class has a filter with a value in it. */
export function noFilters(filters: ObjectFilters): boolean {
  return Object.values(filters).every((f) => f === undefined || (f.minScore === undefined && f.minArea === undefined));
}
