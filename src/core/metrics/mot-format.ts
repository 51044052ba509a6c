/**
 * MOTChallenge text files (`frame,id,x,y,w,h,conf,...`): parsing into boxes grouped by frame,
 * the row filter the reference tools apply to ground truth, frame alignment for the metrics, and
 * serialising tracker output back to MOTChallenge lines.
 *
 * Row filtering, as the reference tools do it:
 * - Ground truth: TrackEval (MOT15 and every MOTChallenge set) drops rows whose 7th column,
 *   truncated to an integer, is 0 ("zero-marked": annotated but not to be evaluated).
 *   py-motmetrics' loader keeps rows with `conf >= min_confidence`; its MOTChallenge app passes
 *   `min_confidence=1` for ground truth, which is the same rule for the 0/1 flags MOTChallenge
 *   uses. We follow TrackEval: {@link evaluableGroundTruth} keeps every row not marked 0.
 * - Tracker output: both tools keep every row whatever its confidence (py-motmetrics' default
 *   `min_confidence=-1` only drops scores below -1), and so do we.
 * - Not done: TrackEval's MOT16+ preprocessing (keep class 1 only, drop tracker boxes matched to
 *   distractor classes); MOT15 files, ours included, have no classes (columns 8-10 are world
 *   coordinates or -1).
 * - Ids repeated within one frame are rejected, as TrackEval does.
 */
import { iou, type Box } from '../geometry.ts';

/** One row of a MOTChallenge file: a box of one object in one frame. */
export interface MotBox {
  /** 1-based frame number. */
  readonly frame: number;
  /** Object (ground truth) or track (tracker output) id, a non-negative integer. */
  readonly id: number;
  /** Box in pixels, top-left corner, width and height, as written in the file. */
  readonly box: Box;
  /** Column 7: a tracker's confidence, or in ground truth 1 = evaluate and 0 = ignore. */
  readonly conf: number;
  /** Numeric columns after the 7th (MOT15: world x, y, z; MOT16+: class, visibility). */
  readonly extra: readonly number[];
  /** 1-based line of the source text, 0 for boxes that did not come from text. */
  readonly line: number;
}

/** The boxes of one frame, in the order of the source. */
export interface MotFrame {
  readonly frame: number;
  readonly boxes: readonly MotBox[];
}

/** A parsed MOTChallenge file: frames in ascending order, each with at least one box. */
export interface MotSequence {
  readonly frames: readonly MotFrame[];
  /** Number of boxes over all frames. */
  readonly boxCount: number;
}

/** Stable codes for what can be wrong with a MOTChallenge line. */
export type MotParseErrorCode = 'too-few-fields' | 'not-a-number' | 'bad-frame' | 'bad-id' | 'bad-size' | 'duplicate-id';

/** Why a MOTChallenge text could not be parsed: the first offending line and what was wrong. */
export interface MotParseError {
  readonly code: MotParseErrorCode;
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

/** The outcome of {@link parseMot}: the sequence, or the first error found. */
export type MotParseResult = { readonly ok: true; readonly value: MotSequence } | { readonly ok: false; readonly error: MotParseError };

/** One frame of tracker output to serialise: anything with a frame number and tracks (a `TrackFrame` fits). */
export interface MotTrackFrame {
  readonly frame: number;
  readonly tracks: readonly { readonly id: number; readonly box: Box; readonly score: number }[];
}

/** Ground-truth and tracker boxes of one frame, with their IoUs (row-major, ground truth × tracker). */
export interface AlignedFrame {
  readonly frame: number;
  readonly gt: readonly MotBox[];
  readonly tracks: readonly MotBox[];
  /** `ious[i * tracks.length + j]` is the IoU of `gt[i]` and `tracks[j]`. */
  readonly ious: Float64Array;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const COLUMNS = ['frame', 'id', 'x', 'y', 'w', 'h', 'conf'] as const;

function fail(code: MotParseErrorCode, line: number, message: string): MotParseResult {
  return { ok: false, error: { code, line, message: `line ${line}: ${message}` } };
}

/**
 * Parses MOTChallenge text. Fields are separated by commas (or, as py-motmetrics allows,
 * whitespace); blank lines, Windows line ends and any number of trailing fields are accepted.
 * Returns the first malformed line as an error instead of throwing.
 */
export function parseMot(text: string): MotParseResult {
  const boxes: MotBox[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const trimmed = (lines[index] ?? '').trim();
    if (trimmed === '') continue;
    const fields = trimmed.split(/\s*,\s*|\s+/);
    while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
    if (fields.length < COLUMNS.length) {
      return fail('too-few-fields', line, `expected at least ${COLUMNS.length} fields (frame,id,x,y,w,h,conf), found ${fields.length}`);
    }
    const values: number[] = [];
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f] ?? '';
      if (!NUMBER.test(field)) {
        const name = COLUMNS[f] ?? `field ${f + 1}`;
        return fail('not-a-number', line, `${name} is not a number: "${field}"`);
      }
      values.push(Number(field));
    }
    const [frame = 0, id = 0, x = 0, y = 0, w = 0, h = 0, conf = 0] = values;
    if (!Number.isInteger(frame) || frame < 1) return fail('bad-frame', line, `frame must be an integer >= 1, found ${frame}`);
    if (!Number.isInteger(id) || id < 0) return fail('bad-id', line, `id must be an integer >= 0, found ${id}`);
    if (!Number.isFinite(x + y + w + h + conf)) return fail('not-a-number', line, 'box or confidence is not finite');
    if (w < 0 || h < 0) return fail('bad-size', line, `width and height must be >= 0, found ${w}x${h}`);
    boxes.push({ frame, id, box: { x, y, w, h }, conf, extra: values.slice(COLUMNS.length), line });
  }
  const duplicate = findDuplicate(boxes);
  if (duplicate) {
    return fail('duplicate-id', duplicate.second.line,
      `id ${duplicate.second.id} appears twice in frame ${duplicate.second.frame} (first on line ${duplicate.first.line})`);
  }
  return { ok: true, value: groupByFrame(boxes) };
}

function findDuplicate(boxes: readonly MotBox[]): { first: MotBox; second: MotBox } | undefined {
  const seen = new Map<string, MotBox>();
  for (const box of boxes) {
    const key = `${box.frame}:${box.id}`;
    const first = seen.get(key);
    if (first) return { first, second: box };
    seen.set(key, box);
  }
  return undefined;
}

function groupByFrame(boxes: readonly MotBox[]): MotSequence {
  const byFrame = new Map<number, MotBox[]>();
  for (const box of boxes) {
    const list = byFrame.get(box.frame);
    if (list) list.push(box);
    else byFrame.set(box.frame, [box]);
  }
  const frames = [...byFrame.entries()].sort((a, b) => a[0] - b[0]).map(([frame, list]) => ({ frame, boxes: list }));
  return { frames, boxCount: boxes.length };
}

/** The ground truth the reference tools evaluate: every row except those whose confidence column is marked 0. */
export function evaluableGroundTruth(gt: MotSequence): MotSequence {
  return groupByFrame(gt.frames.flatMap((f) => f.boxes.filter((b) => Math.trunc(b.conf) !== 0)));
}

/** Builds a sequence from in-memory tracker output (score as confidence); throws on an id repeated within a frame. */
export function sequenceFromTracks(frames: readonly MotTrackFrame[]): MotSequence {
  const boxes = frames.flatMap((f) => f.tracks.map((t): MotBox => ({ frame: f.frame, id: t.id, box: t.box, conf: t.score, extra: [], line: 0 })));
  const duplicate = findDuplicate(boxes);
  if (duplicate) throw new RangeError(`track id ${duplicate.second.id} appears twice in frame ${duplicate.second.frame}`);
  return groupByFrame(boxes);
}

function formatNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/** Serialises tracker output to MOTChallenge lines `frame,id,x,y,w,h,score,-1,-1,-1`, numbers with at most 2 decimals. */
export function formatMot(frames: readonly MotTrackFrame[]): string {
  const out: string[] = [];
  for (const { frame, tracks } of frames) {
    for (const { id, box, score } of tracks) {
      const numbers = [box.x, box.y, box.w, box.h, score].map(formatNumber).join(',');
      out.push(`${frame},${id},${numbers},-1,-1,-1`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Pairs ground truth and tracker output frame by frame: every frame in which either has a box, ascending, with their IoUs. */
export function alignFrames(gt: MotSequence, tracks: MotSequence): AlignedFrame[] {
  const aligned: AlignedFrame[] = [];
  let i = 0;
  let j = 0;
  while (i < gt.frames.length || j < tracks.frames.length) {
    const g = gt.frames[i];
    const t = tracks.frames[j];
    const frame = Math.min(g?.frame ?? Infinity, t?.frame ?? Infinity);
    const gtBoxes = g?.frame === frame ? g.boxes : [];
    const trBoxes = t?.frame === frame ? t.boxes : [];
    if (g?.frame === frame) i++;
    if (t?.frame === frame) j++;
    const ious = new Float64Array(gtBoxes.length * trBoxes.length);
    for (let a = 0; a < gtBoxes.length; a++) {
      for (let b = 0; b < trBoxes.length; b++) ious[a * trBoxes.length + b] = iou(gtBoxes[a]!.box, trBoxes[b]!.box);
    }
    aligned.push({ frame, gt: gtBoxes, tracks: trBoxes, ious });
  }
  return aligned;
}
