/**
 * Which boxes go over the picture on screen. `tracks` messages carry the stream time of their
 * analysed frame; the live player says which stream time it shows. The overlay draws the boxes of
 * that moment: interpolated between the analysed frames just before and after it (an analysed
 * rate below the camera's leaves pictures in between), the newest before it while the next
 * analysis has not come yet, nothing once that is too old.
 */

/** One tracked object as the `tracks` topic sends it. */
export interface OverlayTrack {
  readonly id: number;
  readonly class: string;
  /** `[x, y, w, h]` in picture pixels. */
  readonly box: readonly [number, number, number, number];
  readonly observed: boolean;
}

/** The boxes of one analysed frame, at its stream time (s). */
export interface TimedTracks {
  readonly streamTime: number;
  readonly tracks: readonly OverlayTrack[];
}

/** Analysed frames further apart than this are not interpolated between, s. */
export const MAX_INTERPOLATION_GAP_SECONDS = 1;
/** The newest boxes before the picture are shown for at most this long after their frame, s. */
export const MAX_HOLD_SECONDS = 1;
/** Stream time kept behind the newest frame, s. */
export const KEEP_SECONDS = 10;

/** `history` (in stream time order) with `next` added and what is older than {@link KEEP_SECONDS} before it dropped; a frame from an earlier time starts it again (a new stream). */
export function addTracks(history: readonly TimedTracks[], next: TimedTracks): TimedTracks[] {
  const last = history.at(-1);
  if (last !== undefined && next.streamTime <= last.streamTime) return [next];
  const kept = history.filter((h) => h.streamTime >= next.streamTime - KEEP_SECONDS);
  kept.push(next);
  return kept;
}

const lerp = (a: number, b: number, f: number): number => a + (b - a) * f;

/** The boxes to draw over the picture at stream time `t` (s), from `history` in stream time order. */
export function tracksAt(history: readonly TimedTracks[], t: number): readonly OverlayTrack[] {
  let after = 0;
  while (after < history.length && history[after]!.streamTime <= t) after++;
  const before = history[after - 1];
  const next = history[after];
  if (before === undefined) return next !== undefined && next.streamTime - t <= MAX_HOLD_SECONDS / 2 ? next.tracks : [];
  if (next === undefined || next.streamTime - before.streamTime > MAX_INTERPOLATION_GAP_SECONDS) {
    return t - before.streamTime <= MAX_HOLD_SECONDS ? before.tracks : [];
  }
  const f = (t - before.streamTime) / (next.streamTime - before.streamTime);
  const later = new Map(next.tracks.map((tr) => [tr.id, tr]));
  const out: OverlayTrack[] = [];
  for (const a of before.tracks) {
    const b = later.get(a.id);
    if (b === undefined) {
      // Gone by the next frame: shown until half way there.
      if (f < 0.5) out.push(a);
      continue;
    }
    later.delete(a.id);
    const box = [lerp(a.box[0], b.box[0], f), lerp(a.box[1], b.box[1], f), lerp(a.box[2], b.box[2], f), lerp(a.box[3], b.box[3], f)] as const;
    out.push({ ...(f < 0.5 ? a : b), box });
  }
  // New in the next frame: shown from half way there.
  if (f >= 0.5) out.push(...later.values());
  return out;
}

/** The video keeps this far behind the newest analysed frame, s, so the boxes of its picture have come. */
const BEHIND_ANALYSIS_SECONDS = 0.05;
/** Further behind than this, s, the video plays faster to catch up. */
const CATCH_UP_SECONDS = 0.35;
/** With no analysed frame for this long, s, the video plays at its own pace. */
const ANALYSIS_STALLED_SECONDS = 2;

/**
 * The playback rate that keeps the picture on screen (stream time `shown`) just behind the newest
 * analysed frame: the analysis takes longer than the video's way to the browser, and boxes cannot
 * be drawn for a picture not analysed yet. Slower while ahead, faster while far behind, with
 * hysteresis; normal speed when the analysis has stalled.
 */
export function pace(shown: number, newestAnalysed: number | null, rate: number): number {
  if (newestAnalysed === null || shown - newestAnalysed > ANALYSIS_STALLED_SECONDS) return 1;
  const lead = shown - (newestAnalysed - BEHIND_ANALYSIS_SECONDS);
  if (lead > 0) return 0.75;
  if (lead < -CATCH_UP_SECONDS) return 1.25;
  // In between: keep slowing until a little behind, keep hurrying until near.
  if (rate < 1 && lead > -0.05) return rate;
  if (rate > 1 && lead < -0.15) return rate;
  return 1;
}
