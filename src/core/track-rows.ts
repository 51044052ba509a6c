import type { ObjectClass } from './detection.ts';
import type { Box } from './geometry.ts';

/** One tracked box in one frame, as written to MOTChallenge files. */
export interface TrackRow {
  /** 1-based source frame number. */
  readonly frame: number;
  readonly id: number;
  readonly class: ObjectClass;
  readonly box: Box;
  readonly score: number;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/**
 * Fills short gaps in each track by linear interpolation between the observations on either side,
 * for gaps of at most `maxGapFrames` missing frames. Offline only: it needs the observation after
 * the gap. Interpolated rows take the lower score of their two neighbours. Returns rows sorted by
 * frame, then id.
 */
export function interpolateGaps(rows: readonly TrackRow[], maxGapFrames: number): TrackRow[] {
  const byId = new Map<number, TrackRow[]>();
  for (const r of rows) {
    const list = byId.get(r.id);
    if (list) list.push(r);
    else byId.set(r.id, [r]);
  }
  const out: TrackRow[] = [];
  for (const list of byId.values()) {
    list.sort((a, b) => a.frame - b.frame);
    for (let i = 0; i < list.length; i++) {
      const cur = list[i]!;
      out.push(cur);
      const next = list[i + 1];
      if (!next) continue;
      const gap = next.frame - cur.frame - 1;
      if (gap < 1 || gap > maxGapFrames) continue;
      for (let k = 1; k <= gap; k++) {
        const t = k / (gap + 1);
        out.push({
          frame: cur.frame + k,
          id: cur.id,
          class: cur.class,
          score: Math.min(cur.score, next.score),
          box: { x: lerp(cur.box.x, next.box.x, t), y: lerp(cur.box.y, next.box.y, t), w: lerp(cur.box.w, next.box.w, t), h: lerp(cur.box.h, next.box.h, t) },
        });
      }
    }
  }
  return out.sort((a, b) => a.frame - b.frame || a.id - b.id);
}
