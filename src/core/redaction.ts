/**
 * Redaction, the pure part: which rectangles of a frame hide a person's identity, and the
 * pixelation that destroys their detail. CCTV faces are often too small to detect, so the head is
 * taken from every tracked person's box (its top part, padded), whatever the face detector finds;
 * faces and, later, licence plates are added as further rectangles. Boxes are known only on
 * analysed frames; between them a rectangle is the union of the two analysed frames around it, or
 * the last one grown by how far the person can have moved, so nobody walks out of the redaction.
 */
import type { Detection, ObjectClass, Track } from './detection.ts';
import { iou, type Box } from './geometry.ts';
import { interpolateGaps, type TrackRow } from './track-rows.ts';

/** An integer pixel rectangle: `x`, `y` its top-left, `w`, `h` > 0. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** How a person's box becomes the rectangle that hides the head. */
export interface HeadShape {
  /** The head's share of the box's height, from its top. */
  readonly heightFraction: number;
  /** Padding added on the left and right, as a share of the box's width. */
  readonly padX: number;
  /** Padding added above the box, as a share of the box's height. */
  readonly padTop: number;
}

/**
 * A standing person's head is the top sixth to fifth of the box; a box that is cut off, a person
 * bending or a detector box that starts at the shoulders needs more, so a third of it and some
 * air above and beside it.
 */
export const DEFAULT_HEAD_SHAPE: HeadShape = { heightFraction: 0.4, padX: 0.3, padTop: 0.15 };

/** The rectangle hiding the head of a person in `box`, before clipping to the frame. */
export function headRect(box: Box, shape: HeadShape = DEFAULT_HEAD_SHAPE): Box {
  const padX = shape.padX * box.w;
  const padTop = shape.padTop * box.h;
  return { x: box.x - padX, y: box.y - padTop, w: box.w + 2 * padX, h: shape.heightFraction * box.h + padTop };
}

/** How much a face found by the face detector is grown on every side, in its longer side's lengths: hair, ears and chin. */
export const FACE_PAD = 0.25;

/** The rectangle hiding a face the face detector found, before clipping to the frame. */
export function faceRect(face: Box): Box {
  return grow(face, FACE_PAD * Math.max(face.w, face.h));
}

/** `box` grown by `by` pixels on every side. */
export function grow(box: Box, by: number): Box {
  return { x: box.x - by, y: box.y - by, w: box.w + 2 * by, h: box.h + 2 * by };
}

/** `box` rounded outwards to whole pixels and clipped to a `width` x `height` frame; null when nothing is left. */
export function toPixels(box: Box, width: number, height: number): PixelRect | null {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.ceil(box.x + box.w));
  const y1 = Math.min(height, Math.ceil(box.y + box.h));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/**
 * The pixelation block for a rectangle: at least 8 px, and large enough that the rectangle holds at
 * most about five blocks across its longer side, so a large face becomes a coarse mosaic of a few
 * flat cells, not a low-resolution picture of itself.
 */
export function blockSize(rect: PixelRect): number {
  return Math.max(8, Math.ceil(Math.max(rect.w, rect.h) / 5));
}

/**
 * Pixelates `rect` of an interleaved picture in place: every block (anchored on the rectangle's
 * top-left) becomes the mean of its pixels. Irreversible: each block keeps one colour and no detail.
 */
export function pixelate(data: Uint8Array, width: number, channels: number, rect: PixelRect, block = blockSize(rect)): void {
  const sums = new Float64Array(channels);
  for (let by = rect.y; by < rect.y + rect.h; by += block) {
    const y1 = Math.min(rect.y + rect.h, by + block);
    for (let bx = rect.x; bx < rect.x + rect.w; bx += block) {
      const x1 = Math.min(rect.x + rect.w, bx + block);
      sums.fill(0);
      for (let y = by; y < y1; y++) {
        let i = (y * width + bx) * channels;
        for (let x = bx; x < x1; x++) for (let c = 0; c < channels; c++) sums[c]! += data[i++]!;
      }
      const n = (y1 - by) * (x1 - bx);
      for (let c = 0; c < channels; c++) sums[c] = Math.round(sums[c]! / n);
      for (let y = by; y < y1; y++) {
        let i = (y * width + bx) * channels;
        for (let x = bx; x < x1; x++) for (let c = 0; c < channels; c++) data[i++] = sums[c]!;
      }
    }
  }
}

/** The boxes to redact in one analysed frame, at time `time` (seconds on any clock the caller keeps). */
export interface RedactionFrame {
  readonly time: number;
  /** Rectangles to hide in source pixels: heads of people, faces, plates. */
  readonly boxes: readonly Box[];
}

/** How the boxes of analysed frames cover the frames between them. */
export interface CarryOptions {
  /** Analysed frames further apart than this (s) are not bridged: a frame that far from any analysed one gets its nearest analysed frame's boxes, grown. */
  readonly maxGapSeconds: number;
  /** How fast a box's edge can move, in its own heights per second: what a box is grown by per second away from the analysed frame it comes from. */
  readonly growthPerSecond: number;
}

/** Walking pace seen from a CCTV camera is under about one body height per second; carried boxes grow by that. */
export const DEFAULT_CARRY: CarryOptions = { maxGapSeconds: 1.5, growthPerSecond: 0.6 };

function grownBy(boxes: readonly Box[], seconds: number, growthPerSecond: number): Box[] {
  return boxes.map((b) => grow(b, Math.max(0, seconds) * growthPerSecond * b.h));
}

/**
 * The rectangles to hide at `time`, from the analysed frames `before` (at or before `time`) and
 * `after` (after it; unknown in live view). Between two analysed frames close enough, the boxes of
 * both, each grown by how far it may have moved since; with only one side, that side's boxes grown
 * by the time since it. A person entering between two analysed frames is covered from the next one.
 */
export function carriedBoxes(time: number, before: RedactionFrame | null, after: RedactionFrame | null, options: CarryOptions = DEFAULT_CARRY): Box[] {
  const out: Box[] = [];
  const near = (f: RedactionFrame | null): f is RedactionFrame => f !== null && Math.abs(f.time - time) <= options.maxGapSeconds;
  if (near(before)) out.push(...grownBy(before.boxes, time - before.time, options.growthPerSecond));
  if (near(after)) out.push(...grownBy(after.boxes, after.time - time, options.growthPerSecond));
  return out;
}

/** Analysed frames in time order, for finding the two around any time: what a recording keeps beside its video. */
export class RedactionTimeline {
  readonly #frames: RedactionFrame[] = [];

  /** Adds an analysed frame; frames must come in time order (an earlier one is refused). */
  add(frame: RedactionFrame): void {
    const last = this.#frames.at(-1);
    if (last !== undefined && frame.time < last.time) throw new RangeError(`redaction frame at ${frame.time} s comes before the last one at ${last.time} s`);
    this.#frames.push(frame);
  }

  get size(): number {
    return this.#frames.length;
  }

  /** Forgets the frames older than `time` (a live window). */
  dropBefore(time: number): void {
    let n = 0;
    while (n < this.#frames.length && this.#frames[n]!.time < time) n++;
    if (n > 0) this.#frames.splice(0, n);
  }

  /** The analysed frames at or before `time` and after it (binary search), null where there is none. */
  around(time: number): { before: RedactionFrame | null; after: RedactionFrame | null } {
    const lo = this.#firstAfter(time);
    return { before: this.#frames[lo - 1] ?? null, after: this.#frames[lo] ?? null };
  }

  /** The index of the first frame after `time` (binary search). */
  #firstAfter(time: number): number {
    let lo = 0;
    let hi = this.#frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#frames[mid]!.time <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The rectangles to hide at `time` (see {@link carriedBoxes}), or null when no analysed frame is
   * within `maxGapSeconds` of it: then nothing says where the people are, and the caller hides the
   * whole picture ({@link WHOLE_PICTURE}).
   */
  boxesAt(time: number, options: CarryOptions = DEFAULT_CARRY, slackSeconds = 0): Box[] | null {
    const { before, after } = this.around(time);
    const near = (f: RedactionFrame | null): boolean => f !== null && Math.abs(f.time - time) <= options.maxGapSeconds;
    if (!near(before) && !near(after)) return null;
    const out = carriedBoxes(time, before, after, options);
    if (slackSeconds > 0) {
      for (let i = this.#firstAfter(time - slackSeconds - 1e-9); i < this.#frames.length && this.#frames[i]!.time <= time + slackSeconds; i++) out.push(...this.#frames[i]!.boxes);
    }
    return out;
  }
}

/**
 * How far apart, at most, the clock of a recording and the clock of the analysis that keeps its
 * boxes may be, s. The recorder and the live decoder are two ffmpeg processes on one stream, each
 * putting its timestamps on the wall clock from when data reached it; the decoder hands over
 * frames a few hundred ms after the recorder sees their packets (measured 0.4 s on the test
 * machine). A recorded picture is therefore hidden with the boxes of every analysed frame this
 * close to it: the path of each person over that time, whichever way the clocks differ.
 */
export const RECORDING_CLOCK_SLACK_S = 0.6;

/** What the analysis saw in one frame, as the redaction plan needs it. */
export interface SeenFrame {
  /** 1-based frame index. */
  readonly index: number;
  /** Every track of the frame, observed or coasting, in source pixels. */
  readonly tracks: readonly Track[];
  /** The detector's boxes of the frame (weak ones included), in source pixels. */
  readonly detections: readonly Detection[];
}

/** How a batch redaction turns tracks and detections into the people to hide in each frame. */
export interface PlanOptions {
  /** Frames per second of the video: the times below are turned into frames with it. */
  readonly fps: number;
  /** Classes whose boxes are people to hide (a rider is detected as a person as well). */
  readonly classes: readonly ObjectClass[];
  /** Detections this confident are hidden even when no track holds them (a person not yet confirmed, or lost). */
  readonly minDetectionScore: number;
  /** Such a detection is hidden this long (s) before and after its own frame too, grown. */
  readonly holdSeconds: number;
  /** What part of a person's box hides the head. */
  readonly shape: HeadShape;
  /** A track is hidden this long (s) before its first frame and after its last, holding its first and last box, grown. */
  readonly extendSeconds: number;
  /** Gaps in a track up to this long (s) are bridged by interpolation. */
  readonly maxGapSeconds: number;
  /** How fast a held box grows, in its heights per second (see {@link CarryOptions}). */
  readonly growthPerSecond: number;
  /** A track left visible (a subject-access export): its boxes, and detections that overlap them, are not hidden. */
  readonly keepTrack?: number;
}

/**
 * Defaults of the batch plan: weak detections count (a miss shows a face, a false alarm blurs a
 * patch), and each is held a little before and after its frame, since a person half hidden behind
 * a post is detected in some frames and not in the next. Chosen on PETS S2L1 (`npm run bench`,
 * Redaction section): in-sample figures.
 */
export const DEFAULT_PLAN: Omit<PlanOptions, 'fps'> = { classes: ['person'], minDetectionScore: 0.15, holdSeconds: 0.15, extendSeconds: 0.5, maxGapSeconds: 3, growthPerSecond: DEFAULT_CARRY.growthPerSecond, shape: DEFAULT_HEAD_SHAPE };

/**
 * The rectangles to hide in each frame of a video analysed in full (batch: the whole track is
 * known, so gaps are bridged and tracks extended both ways). Keys are frame indices; rectangles are
 * in source pixels, not yet clipped to the frame.
 */
export function planRedaction(frames: readonly SeenFrame[], options: PlanOptions): Map<number, Box[]> {
  const classes = new Set(options.classes);
  const plan = new Map<number, Box[]>();
  const add = (index: number, box: Box): void => {
    const rect = headRect(box, options.shape);
    const list = plan.get(index);
    if (list) list.push(rect);
    else plan.set(index, [rect]);
  };
  const kept = new Map<number, Box>();
  const rows: TrackRow[] = [];
  for (const f of frames) {
    for (const t of f.tracks) {
      if (!classes.has(t.class)) continue;
      if (t.id === options.keepTrack) kept.set(f.index, t.box);
      else rows.push({ frame: f.index, id: t.id, class: t.class, box: t.box, score: t.score });
    }
  }
  const maxGap = Math.max(0, Math.round(options.maxGapSeconds * options.fps));
  const extend = Math.max(0, Math.round(options.extendSeconds * options.fps));
  const first = frames[0]?.index ?? 1;
  const last = frames.at(-1)?.index ?? 0;
  const ends = new Map<number, { first: TrackRow; last: TrackRow }>();
  for (const r of interpolateGaps(rows, maxGap)) {
    add(r.frame, r.box);
    const e = ends.get(r.id);
    if (!e) ends.set(r.id, { first: r, last: r });
    else {
      if (r.frame < e.first.frame) e.first = r;
      if (r.frame > e.last.frame) e.last = r;
    }
  }
  const growth = (frames: number): number => (frames / options.fps) * options.growthPerSecond;
  for (const { first: a, last: b } of ends.values()) {
    for (let k = 1; k <= extend; k++) {
      if (a.frame - k >= first) add(a.frame - k, grow(a.box, growth(k) * a.box.h));
      if (b.frame + k <= last) add(b.frame + k, grow(b.box, growth(k) * b.box.h));
    }
  }
  const hold = Math.max(0, Math.round(options.holdSeconds * options.fps));
  for (const f of frames) {
    // The kept person's detections are told by their own frame: held to the frames around it, a
    // detection stays where it was while the person walks on, and must not hide them there.
    const keep = kept.get(f.index);
    for (const d of f.detections) {
      if (!classes.has(d.class) || d.score < options.minDetectionScore) continue;
      if (keep !== undefined && iou(keep, d.box) >= 0.3) continue;
      for (let k = -hold; k <= hold; k++) {
        const at = f.index + k;
        if (at < first || at > last) continue;
        add(at, grow(d.box, growth(Math.abs(k)) * d.box.h));
      }
    }
  }
  return plan;
}

/**
 * The rectangles hiding the people of one analysed frame, as a live camera sees it (no future
 * frames): the head part of every person track, observed or coasting, and of every person
 * detection at least `minScore` confident that no track holds yet, and every face the face
 * detector found (`faces`, source pixels), padded.
 */
export function frameRects(tracks: readonly Track[], detections: readonly Detection[], faces: readonly Box[] = [], minScore = DEFAULT_PLAN.minDetectionScore, shape: HeadShape = DEFAULT_HEAD_SHAPE): Box[] {
  const out: Box[] = faces.map(faceRect);
  for (const t of tracks) if (t.class === 'person') out.push(headRect(t.box, shape));
  for (const d of detections) if (d.class === 'person' && d.score >= minScore) out.push(headRect(d.box, shape));
  return out;
}

/** A rectangle as fractions of a picture: `[x, y, w, h]`, each in 0..1. */
export type UnitRect = readonly [x: number, y: number, w: number, h: number];

/** One analysed frame's rectangles as fractions of the picture, at epoch ms `time`: what a recording keeps beside its video. */
export interface RedactionBoxFrame {
  readonly time: number;
  readonly rects: readonly UnitRect[];
}

/** The whole of any picture: what is hidden when no analysed frame is near enough to say where the people are. */
export const WHOLE_PICTURE: readonly Box[] = [{ x: 0, y: 0, w: Number.MAX_SAFE_INTEGER, h: Number.MAX_SAFE_INTEGER }];

/** `boxes` (pixels of a `size` picture) as fractions of it, clipped to it; boxes left with no area are dropped. */
export function toUnitRects(boxes: readonly Box[], size: { readonly width: number; readonly height: number }): UnitRect[] {
  const out: UnitRect[] = [];
  for (const b of boxes) {
    const x0 = Math.max(0, b.x / size.width);
    const y0 = Math.max(0, b.y / size.height);
    const x1 = Math.min(1, (b.x + b.w) / size.width);
    const y1 = Math.min(1, (b.y + b.h) / size.height);
    if (x1 > x0 && y1 > y0) out.push([x0, y0, x1 - x0, y1 - y0]);
  }
  return out;
}

/** `rects` (fractions) as boxes in pixels of a `size` picture. */
export function fromUnitRects(rects: readonly UnitRect[], size: { readonly width: number; readonly height: number }): Box[] {
  return rects.map(([x, y, w, h]) => ({ x: x * size.width, y: y * size.height, w: w * size.width, h: h * size.height }));
}

/** Pixelates every rectangle of `boxes` (pixels) in an interleaved picture, clipped to it; returns how many were pixelated. */
export function redactPicture(data: Uint8Array, width: number, height: number, channels: number, boxes: readonly Box[]): number {
  let n = 0;
  for (const b of boxes) {
    const rect = toPixels(b, width, height);
    if (rect === null) continue;
    pixelate(data, width, channels, rect);
    n++;
  }
  return n;
}
