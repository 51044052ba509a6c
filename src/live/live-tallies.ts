/**
 * What a live camera keeps running between frames, as small pure pieces: today's in/out totals per
 * line, the objects in view per class, and the heat added since the last write to the store.
 */
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent } from '../core/rules/types.ts';

const DAY_MS = 86_400_000;

/** In/out totals of each line since the start of the UTC day, reset when the day changes. */
export class DayTotals {
  private readonly totals = new Map<string, { in: number; out: number }>();
  private day = -1;

  /** Starts the day holding `at` (epoch ms) with the totals already stored for it. */
  load(lines: readonly string[], at: number, stored: readonly { readonly line: string; readonly in: number; readonly out: number }[]): void {
    this.day = Math.floor(at / DAY_MS) * DAY_MS;
    this.totals.clear();
    for (const l of lines) this.totals.set(l, { in: 0, out: 0 });
    for (const r of stored) {
      const t = this.totals.get(r.line);
      if (t) {
        t.in += r.in;
        t.out += r.out;
      }
    }
  }

  /** Counts the line crossings among `events` at `at` (epoch ms) and returns the new totals of the lines they changed. */
  add(events: readonly RuleEvent[], at: number): { readonly line: string; readonly in: number; readonly out: number }[] {
    const day = Math.floor(at / DAY_MS) * DAY_MS;
    if (day !== this.day) {
      this.day = day;
      for (const t of this.totals.values()) {
        t.in = 0;
        t.out = 0;
      }
    }
    const changed = new Set<string>();
    for (const e of events) {
      if (e.type !== 'line_crossing') continue;
      const t = this.totals.get(e.rule) ?? { in: 0, out: 0 };
      if (e.direction === 'in') t.in++;
      else if (e.direction === 'out') t.out++;
      this.totals.set(e.rule, t);
      changed.add(e.rule);
    }
    return [...changed].map((line) => ({ line, ...this.totals.get(line)! }));
  }
}

/** Objects in view per class; reports a change only when a count changed, with classes that left at 0. */
export class ObjectTally {
  private last: Record<string, number> = {};

  /** The counts of this frame's classes, or null when they equal the previous frame's. */
  update(classes: readonly string[]): Record<string, number> | null {
    const counts: Record<string, number> = {};
    for (const c of Object.keys(this.last)) counts[c] = 0;
    for (const c of classes) counts[c] = (counts[c] ?? 0) + 1;
    const same = Object.keys(counts).length === Object.keys(this.last).length && Object.entries(counts).every(([k, v]) => this.last[k] === v);
    if (same) return null;
    this.last = Object.fromEntries(Object.entries(counts).filter(([, v]) => v > 0));
    return counts;
  }
}

/** The heat `grid` gained since `flushed` (an earlier grid of the same camera, or the same grid when nothing was written yet), or null when it gained none. */
export function heatSince(grid: HeatGrid, flushed: HeatGrid | null): HeatGrid | null {
  const seconds = new Float64Array(grid.seconds.length);
  let any = false;
  for (let i = 0; i < seconds.length; i++) {
    const d = grid.seconds[i]! - (flushed === null ? 0 : (flushed.seconds[i] ?? 0));
    if (d > 0) {
      seconds[i] = d;
      any = true;
    }
  }
  return any ? { ...grid, seconds } : null;
}
