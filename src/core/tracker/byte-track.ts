/**
 * ByteTrack (Zhang et al., 2022): multi-object tracking by associating every detection box,
 * the low-score ones included. Each frame the tracks' Kalman predictions are matched first to
 * the high-score detections, then the tracks still unmatched to the low-score ones, so an object
 * that is partly hidden and scored low keeps its track; only high-score detections start tracks.
 * Pure: `stepByteTrack` takes a state and returns a new one, and the caller's state is never changed.
 */
import { solveAssignment } from '../assignment.ts';
import type { Detection, ObjectClass, Track } from '../detection.ts';
import { iou, type Box } from '../geometry.ts';
import { boxFromMeasurement, initiateKalman, measurementFromBox, predictKalman, updateKalman, type KalmanState } from './kalman.ts';

/** Settings of the ByteTrack tracker; DEFAULT_BYTE_TRACK holds the reference implementation's values. */
export interface ByteTrackConfig {
  /** Detections scoring at least this are "high" and take part in the first association (ByteTrack's track_thresh). */
  readonly highThreshold: number;
  /** Detections scoring at least this but under highThreshold are "low": they can only keep an existing track alive. */
  readonly lowThreshold: number;
  /** An unmatched high detection starts a new track only if it scores at least this (ByteTrack: track_thresh + 0.1). */
  readonly newTrackThreshold: number;
  /** Largest cost (1 - IoU, or 1 - IoU x score when fuseScore is on) accepted in the first association. */
  readonly matchThreshold: number;
  /** Largest cost (1 - IoU) accepted when matching low detections to the tracks left over. */
  readonly secondMatchThreshold: number;
  /** Largest cost accepted when matching tentative (not yet confirmed) tracks to the high detections left over. */
  readonly unconfirmedMatchThreshold: number;
  /** Multiply IoU by the detection score in the first and tentative associations, as ByteTrack's fuse_score (off in its MOT20 setting). */
  readonly fuseScore: boolean;
  /** A confirmed track missed for more than this many consecutive frames is removed; until then it coasts and can be found again with its id. */
  readonly maxLostFrames: number;
  /** Consecutive matched frames, the first detection included, before a new track is confirmed and given an id; 1 confirms at once. */
  readonly minHits: number;
  /** Confirm every track born on the tracker's first frame at once, as ByteTrack does, since those objects were already in view. */
  readonly confirmOnFirstFrame: boolean;
  /** Also report confirmed tracks that are currently lost, with `observed: false` and their predicted box. */
  readonly outputCoasting: boolean;
  /** A tracked and a lost track of one class overlapping by more than this IoU are duplicates, and the younger one is dropped (ByteTrack: 0.85). */
  readonly duplicateIou: number;
}

/** ByteTrack's reference settings (MOT17, 30 frames/s), with coasting tracks left out of the output. */
export const DEFAULT_BYTE_TRACK: ByteTrackConfig = Object.freeze({
  highThreshold: 0.5,
  lowThreshold: 0.1,
  newTrackThreshold: 0.6,
  matchThreshold: 0.8,
  secondMatchThreshold: 0.5,
  unconfirmedMatchThreshold: 0.7,
  fuseScore: true,
  maxLostFrames: 30,
  minHits: 2,
  confirmOnFirstFrame: true,
  outputCoasting: false,
  duplicateIou: 0.85,
});

/** One track as the tracker keeps it between frames, tentative or confirmed, tracked or lost. */
export interface Tracklet {
  /** The public id, given on confirmation; null while the track is tentative. */
  readonly id: number | null;
  readonly class: ObjectClass;
  /** Kalman state: the corrected estimate after a match, the prediction while lost. */
  readonly kalman: KalmanState;
  /** Score of the detection last matched. */
  readonly score: number;
  /** True when the track was missed in its last frame and is coasting on its prediction. */
  readonly lost: boolean;
  /** Consecutive frames with a match, the current one included; 0 while lost. */
  readonly hits: number;
  /** Frame in which the track was born. */
  readonly startFrame: number;
  /** Frame of the track's last match. */
  readonly lastFrame: number;
}

/** Everything the tracker carries from one frame to the next. */
export interface ByteTrackState {
  /** Frames stepped so far; the first step is frame 1. */
  readonly frame: number;
  /** The id the next confirmed track will get; ids are never reused. */
  readonly nextId: number;
  readonly tracklets: readonly Tracklet[];
}

/** What one frame did: the new state, the confirmed tracks after it, and which detection each observed track took. */
export interface ByteTrackStep {
  readonly state: ByteTrackState;
  /** Confirmed tracks in ascending id order: observed ones, and lost ones too when outputCoasting is on. */
  readonly tracks: readonly Track[];
  /** For each observed track's id, the index in this frame's detections of the detection matched to it (its raw box). */
  readonly matches: ReadonlyMap<number, number>;
}

/** The state of a tracker that has seen no frame yet. */
export const INITIAL_BYTE_TRACK_STATE: ByteTrackState = Object.freeze({ frame: 0, nextId: 1, tracklets: Object.freeze([]) });

/** Smallest height and aspect ratio a track's box may take, so that boxes stay positive while coasting. */
const MIN_HEIGHT = 1e-3;
const MIN_ASPECT = 1e-4;

/** A track under work within one step; never seen by the caller. */
interface Work {
  id: number | null;
  readonly cls: ObjectClass;
  kalman: KalmanState;
  box: Box;
  score: number;
  lost: boolean;
  hits: number;
  readonly startFrame: number;
  lastFrame: number;
  /** Index of the detection matched in this frame, -1 when none. */
  detection: number;
  alive: boolean;
}

/** True for a detection with a finite, non-empty box and a finite score; any other detection is ignored. */
function isTrackable(d: Detection): boolean {
  const { x, y, w, h } = d.box;
  return Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0 && Number.isFinite(d.score);
}

/** The state with aspect and height held positive, or null when the mean is not finite. */
function sanitize(k: KalmanState): KalmanState | null {
  const m = k.mean;
  for (let i = 0; i < 8; i++) if (!Number.isFinite(m[i]!)) return null;
  if (m[2]! >= MIN_ASPECT && m[3]! >= MIN_HEIGHT) return k;
  const mean = new Float64Array(m);
  if (mean[2]! < MIN_ASPECT) {
    mean[2] = MIN_ASPECT;
    mean[6] = Math.max(0, mean[6]!);
  }
  if (mean[3]! < MIN_HEIGHT) {
    mean[3] = MIN_HEIGHT;
    mean[7] = Math.max(0, mean[7]!);
  }
  return { mean, covariance: k.covariance };
}

/** A tracklet moved `steps` frames ahead; a lost track's height velocity is zeroed first, as in ByteTrack. */
function predicted(t: Tracklet, steps: number): Work | null {
  let k = t.kalman;
  if (t.lost) {
    const mean = new Float64Array(k.mean);
    mean[7] = 0;
    k = { mean, covariance: k.covariance };
  }
  const kalman = sanitize(predictKalman(k, undefined, steps));
  if (kalman === null) return null;
  return { id: t.id, cls: t.class, kalman, box: boxFromMeasurement(kalman.mean), score: t.score, lost: t.lost,
    hits: t.hits, startFrame: t.startFrame, lastFrame: t.lastFrame, detection: -1, alive: true };
}

/** Corrects a track with the detection it was matched to. */
function correct(w: Work, detections: readonly Detection[], index: number, frame: number): void {
  const det = detections[index]!;
  const kalman = sanitize(updateKalman(w.kalman, measurementFromBox(det.box)));
  if (kalman === null) {
    w.alive = false;
    return;
  }
  w.kalman = kalman;
  w.box = boxFromMeasurement(kalman.mean);
  w.score = det.score;
  w.hits = w.lost ? 1 : w.hits + 1;
  w.lost = false;
  w.lastFrame = frame;
  w.detection = index;
}

/** The outcome of one association: matched pairs, and the tracks and detections left over, in their input order. */
interface Association {
  readonly pairs: readonly (readonly [Work, number])[];
  readonly tracks: readonly Work[];
  readonly detections: readonly number[];
}

/**
 * Minimum-cost matching of tracks to detections on 1 - IoU (times score when fused), keeping pairs
 * at or under the threshold. Costs are clipped at the threshold before solving, which gives the
 * same matching as ByteTrack's lapjv with cost_limit: a pair over the threshold never displaces a
 * pair under it. Pairs of different classes or without overlap are never matched.
 */
function associate(tracks: readonly Work[], candidates: readonly number[], detections: readonly Detection[],
  threshold: number, fuse: boolean): Association {
  if (tracks.length === 0 || candidates.length === 0) return { pairs: [], tracks, detections: candidates };
  const limit = Math.min(threshold, 1);
  const cost = tracks.map((t) => candidates.map((c) => {
    const det = detections[c]!;
    if (det.class !== t.cls) return Infinity;
    const overlap = iou(t.box, det.box);
    return overlap > 0 ? 1 - overlap * (fuse ? det.score : 1) : Infinity;
  }));
  const assigned = solveAssignment(cost.map((row) => row.map((c) => Math.min(c, limit))));
  const pairs: (readonly [Work, number])[] = [];
  const leftTracks: Work[] = [];
  const taken = new Set<number>();
  tracks.forEach((t, i) => {
    const j = assigned[i]!;
    if (j >= 0 && cost[i]![j]! <= threshold) {
      pairs.push([t, candidates[j]!]);
      taken.add(j);
    } else {
      leftTracks.push(t);
    }
  });
  return { pairs, tracks: leftTracks, detections: candidates.filter((_, j) => !taken.has(j)) };
}

/** Drops the younger of each tracked/lost pair of one class that overlap so much they must be one object (ByteTrack's remove_duplicate_stracks). */
function removeDuplicates(work: readonly Work[], minIou: number): void {
  const tracked = work.filter((w) => w.alive && !w.lost);
  const lost = work.filter((w) => w.alive && w.lost);
  const drop: Work[] = [];
  for (const p of tracked) {
    for (const q of lost) {
      if (p.cls !== q.cls || iou(p.box, q.box) <= minIou) continue;
      drop.push(p.lastFrame - p.startFrame > q.lastFrame - q.startFrame ? q : p);
    }
  }
  for (const w of drop) w.alive = false;
}

/**
 * Advances the tracker by one frame of detections and returns the new state and the confirmed tracks after it.
 * `steps` is how many frames of motion the predictions cover (default 1), more than one after a
 * dropped frame; the frame loop passes whole frames (`motionSteps`).
 */
export function stepByteTrack(state: ByteTrackState, detections: readonly Detection[], config: ByteTrackConfig = DEFAULT_BYTE_TRACK, steps = 1): ByteTrackStep {
  const frame = state.frame + 1;
  const high: number[] = [];
  const low: number[] = [];
  detections.forEach((d, i) => {
    if (!isTrackable(d)) return;
    if (d.score >= config.highThreshold) high.push(i);
    else if (d.score >= config.lowThreshold) low.push(i);
  });

  const work: Work[] = [];
  for (const t of state.tracklets) {
    const w = predicted(t, steps);
    if (w !== null) work.push(w);
  }
  const confirmed = work.filter((w) => w.id !== null);
  const tentative = work.filter((w) => w.id === null);

  // 1. Confirmed tracks, tracked or lost, against the high detections.
  const first = associate(confirmed, high, detections, config.matchThreshold, config.fuseScore);
  for (const [w, d] of first.pairs) correct(w, detections, d, frame);
  // 2. Tracks that were tracked until now and are still unmatched, against the low detections; the rest are lost.
  const second = associate(first.tracks.filter((w) => !w.lost), low, detections, config.secondMatchThreshold, false);
  for (const [w, d] of second.pairs) correct(w, detections, d, frame);
  for (const w of second.tracks) {
    w.lost = true;
    w.hits = 0;
  }
  // 3. Tentative tracks against the high detections left over; a tentative track that misses a frame is dropped.
  const third = associate(tentative, first.detections, detections, config.unconfirmedMatchThreshold, config.fuseScore);
  for (const [w, d] of third.pairs) correct(w, detections, d, frame);
  for (const w of third.tracks) w.alive = false;
  // 4. New tracks from the high detections nobody took.
  for (const d of third.detections) {
    const det = detections[d]!;
    if (det.score < config.newTrackThreshold) continue;
    const kalman = initiateKalman(measurementFromBox(det.box));
    work.push({ id: null, cls: det.class, kalman, box: det.box, score: det.score, lost: false, hits: 1,
      startFrame: frame, lastFrame: frame, detection: d, alive: true });
  }
  // 5. Forget tracks lost for too long, then duplicates.
  for (const w of work) if (w.lost && frame - w.lastFrame > config.maxLostFrames) w.alive = false;
  removeDuplicates(work, config.duplicateIou);

  let nextId = state.nextId;
  const tracklets: Tracklet[] = [];
  const tracks: Track[] = [];
  const matches = new Map<number, number>();
  for (const w of work) {
    if (!w.alive) continue;
    if (w.id === null && (w.hits >= config.minHits || (frame === 1 && config.confirmOnFirstFrame))) w.id = nextId++;
    tracklets.push({ id: w.id, class: w.cls, kalman: w.kalman, score: w.score, lost: w.lost, hits: w.hits,
      startFrame: w.startFrame, lastFrame: w.lastFrame });
    if (w.id === null || (w.lost && !config.outputCoasting)) continue;
    tracks.push({ id: w.id, class: w.cls, box: w.box, score: w.score, observed: !w.lost });
    if (!w.lost) matches.set(w.id, w.detection);
  }
  tracks.sort((a, b) => a.id - b.id);
  return { state: { frame, nextId, tracklets }, tracks, matches };
}

/** A ByteTrack tracker that keeps its own state, for callers that prefer a method to a step function. */
export interface ByteTracker {
  /** Feeds one frame of detections and returns the confirmed tracks after it, as stepByteTrack does. */
  update(detections: readonly Detection[]): readonly Track[];
  /** The state after the last update. */
  readonly state: ByteTrackState;
}

/** Creates a ByteTrack tracker; settings not given take DEFAULT_BYTE_TRACK's values. */
export function createTracker(config: Partial<ByteTrackConfig> = {}): ByteTracker {
  const full: ByteTrackConfig = { ...DEFAULT_BYTE_TRACK, ...config };
  let state = INITIAL_BYTE_TRACK_STATE;
  return {
    update(detections) {
      const step = stepByteTrack(state, detections, full);
      state = step.state;
      return step.tracks;
    },
    get state() {
      return state;
    },
  };
}

/**
 * Where the confirmed tracks that were observed at the last step will be `steps` steps later, by
 * their motion model, without changing the state: the boxes of a frame the detector skipped.
 */
export function predictTracks(state: ByteTrackState, steps: number): Track[] {
  const out: Track[] = [];
  for (const t of state.tracklets) {
    if (t.id === null || t.lost || t.lastFrame !== state.frame) continue;
    const k = sanitize(predictKalman(t.kalman, undefined, steps));
    if (k === null) continue;
    out.push({ id: t.id, class: t.class, box: boxFromMeasurement(k.mean), score: t.score, observed: false });
  }
  return out.sort((a, b) => a.id - b.id);
}
