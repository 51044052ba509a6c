/**
 * Which person of a batch analysis is the one a live event saw: the subject of a subject-access
 * export. Live and batch analyses number their tracks each on their own, so a live event's track id
 * means nothing in the batch; what carries over is where and when the person was: the event's box
 * (source pixels) at its time into the clip. The batch track whose box overlaps that box best, on
 * the analysed frame nearest that time, is the subject.
 */
import type { ObjectClass } from './detection.ts';
import { iou, type Box } from './geometry.ts';
import type { SeenFrame } from './redaction.ts';

/** Where and when the person to find was seen: seconds into the video, and their box in source pixels. */
export interface SubjectSighting {
  readonly seconds: number;
  readonly box: Box;
}

/** How a sighting is matched to a track. */
export interface SubjectMatchOptions {
  /** Frames per second of the video: frame `index` (1-based) is at `(index - 1) / fps` s. */
  readonly fps: number;
  /** The least overlap (IoU) of a track's box with the sighting's box that counts as the same person. */
  readonly minIou: number;
  /**
   * How far (s) from the sighting's time frames are searched, nearest first, when the nearest frame
   * has no match: the live analysis sees a few frames per second and its time is that of the frame
   * it analysed. A wider window finds a person whose time is further off, and more often someone
   * else standing where they stood a moment before or after: a stranger left visible.
   */
  readonly windowSeconds: number;
  /** Classes a subject can be. */
  readonly classes: readonly ObjectClass[];
}

/**
 * Defaults: an IoU of 0.3 is what the tracker itself takes as the same object from one frame to the
 * next at a few frames per second; two different people's boxes overlap that much only when one
 * stands right in front of the other. Half a second either way covers the live analysis rate; a
 * sighting whose time is further off (clocks that differ) should fail, not find a stranger.
 */
export const DEFAULT_SUBJECT_MATCH: Omit<SubjectMatchOptions, 'fps'> = { minIou: 0.3, windowSeconds: 0.5, classes: ['person'] };

/** The track found for a sighting: its id, the frame it was matched on, its box there and how well that overlapped the sighting's. */
export interface SubjectMatch {
  readonly trackId: number;
  readonly frame: number;
  readonly box: Box;
  readonly iou: number;
}

/**
 * The track of `frames` that is the person of `sighting`: on the analysed frame nearest its time
 * (the earlier on a tie), the track of a subject class whose box overlaps the sighting's box best,
 * at least `minIou`; when that frame has none, the next nearest within `windowSeconds`, and so on.
 * Null when no frame of the window holds such a track.
 */
export function matchSubject(frames: readonly SeenFrame[], sighting: SubjectSighting, options: SubjectMatchOptions): SubjectMatch | null {
  const classes = new Set(options.classes);
  const distance = (f: SeenFrame): number => Math.abs((f.index - 1) / options.fps - sighting.seconds);
  const near = frames.filter((f) => distance(f) <= options.windowSeconds).sort((a, b) => distance(a) - distance(b) || a.index - b.index);
  for (const f of near) {
    let best: SubjectMatch | null = null;
    for (const t of f.tracks) {
      if (!classes.has(t.class)) continue;
      const overlap = iou(t.box, sighting.box);
      if (overlap >= options.minIou && (best === null || overlap > best.iou)) best = { trackId: t.id, frame: f.index, box: t.box, iou: overlap };
    }
    if (best !== null) return best;
  }
  return null;
}

/** The picture of a sequence most like another, how much they differ, and how much the others of the range differ. */
export interface PictureMatch {
  /** 0-based index into the sequence. */
  readonly index: number;
  /** Mean absolute difference per value (0 to 255). */
  readonly meanDiff: number;
  /** The median of the same over the range: the one found is that moment when it is well below it. */
  readonly medianDiff: number;
}

/**
 * The picture of `frames[from..to]` (inclusive, clipped to the sequence) most like `picture`: the
 * least mean absolute difference, the earlier on a tie. All pictures must have the same size and
 * layout. Null when the range holds none.
 */
export function mostAlike(frames: readonly Uint8Array[], picture: Uint8Array, from: number, to: number): PictureMatch | null {
  const diffs: number[] = [];
  let best = -1;
  const first = Math.max(0, from);
  for (let i = first; i <= Math.min(frames.length - 1, to); i++) {
    const f = frames[i]!;
    if (f.length !== picture.length) throw new RangeError(`picture ${i} has ${f.length} values, the one to match ${picture.length}`);
    let sum = 0;
    for (let j = 0; j < f.length; j++) sum += Math.abs(f[j]! - picture[j]!);
    diffs.push(f.length === 0 ? 0 : sum / f.length);
    if (best < 0 || diffs.at(-1)! < diffs[best]!) best = diffs.length - 1;
  }
  if (best < 0) return null;
  const sorted = [...diffs].sort((a, b) => a - b);
  return { index: first + best, meanDiff: diffs[best]!, medianDiff: sorted[Math.floor(sorted.length / 2)]! };
}
