/**
 * Zone occupancy as the tracks present say it, kept per minute for the store: for each zone and
 * minute the most objects inside in any analysed frame (`peak`), the object-milliseconds inside
 * (`objectMs`: each frame's count held until the next frame) and the milliseconds the camera was
 * analysing (`observedMs`). Nothing is added up from entrances and exits, so a restart, a dropped
 * connection or a looping clip cannot make it drift: a minute holds what its frames showed.
 *
 * A gap between two frames longer than {@link MAX_GAP_MS} (a camera drop, a stopped camera) is not
 * observed time: the count before the gap is not carried across it.
 */

import type { ZoneOccupancyMinute } from '../store/event-store.ts';

/** Longest pause between two analysed frames that still counts as watching, ms. */
export const MAX_GAP_MS = 5000;

const MINUTE_MS = 60_000;

interface Cell {
  peak: number;
  objectMs: number;
  observedMs: number;
}

/** Folds per-frame zone occupancy into per-minute rows; `drain` hands over the minutes that are complete. */
export class OccupancyTally {
  #last: { readonly at: number; readonly counts: Readonly<Record<string, number>> } | null = null;
  /** minute start → zone → cell. */
  readonly #minutes = new Map<number, Map<string, Cell>>();

  /** A frame at epoch ms `at` (never before the previous one) with `counts` objects inside each zone. */
  frame(at: number, counts: Readonly<Record<string, number>>): void {
    const last = this.#last;
    if (last !== null && at < last.at) return;
    if (last !== null && at - last.at <= MAX_GAP_MS) {
      // The previous frame's counts hold from its time to this one, split at minute borders.
      for (let t = last.at; t < at; ) {
        const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
        const end = Math.min(at, minute + MINUTE_MS);
        for (const [zone, n] of Object.entries(last.counts)) {
          const c = this.#cell(minute, zone);
          c.objectMs += n * (end - t);
          c.observedMs += end - t;
          c.peak = Math.max(c.peak, n);
        }
        t = end;
      }
    }
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    for (const [zone, n] of Object.entries(counts)) {
      const c = this.#cell(minute, zone);
      c.peak = Math.max(c.peak, n);
    }
    this.#last = { at, counts: { ...counts } };
  }

  /**
   * The rows of every minute before the one holding epoch ms `before` (default: every minute, for a
   * stop), oldest first, removed from the tally. After a full drain the next frame starts afresh.
   */
  drain(before = Number.POSITIVE_INFINITY): ZoneOccupancyMinute[] {
    const limit = Number.isFinite(before) ? Math.floor(before / MINUTE_MS) * MINUTE_MS : before;
    const out: ZoneOccupancyMinute[] = [];
    for (const minute of [...this.#minutes.keys()].sort((a, b) => a - b)) {
      if (minute >= limit) break;
      for (const [zone, c] of [...this.#minutes.get(minute)!].sort(([a], [b]) => a.localeCompare(b))) {
        out.push({ zone, minute, peak: c.peak, objectMs: Math.round(c.objectMs), observedMs: Math.round(c.observedMs) });
      }
      this.#minutes.delete(minute);
    }
    if (!Number.isFinite(before)) this.#last = null;
    return out;
  }

  #cell(minute: number, zone: string): Cell {
    let zones = this.#minutes.get(minute);
    if (zones === undefined) this.#minutes.set(minute, (zones = new Map()));
    let c = zones.get(zone);
    if (c === undefined) zones.set(zone, (c = { peak: 0, objectMs: 0, observedMs: 0 }));
    return c;
  }
}
