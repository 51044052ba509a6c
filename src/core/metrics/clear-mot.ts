/**
 * CLEAR-MOT metrics computed the way py-motmetrics does (`MOTAccumulator.update` with an IoU
 * distance, `metrics.create()`):
 * - distance = 1 − IoU; a pair can match only when the distance is <= 1 − minIou (IoU >= 0.5).
 * - Per frame, first every object keeps the hypothesis it was last matched to when that
 *   hypothesis is present and still within the threshold (objects in file order); the rest are
 *   paired by a minimum-distance assignment in which forbidden pairs cost 2·max + 1, as
 *   py-motmetrics' SciPy path does. A pair whose object was last matched to another hypothesis
 *   (any number of frames before) is a switch. Unpaired objects are misses, unpaired
 *   hypotheses false positives.
 * - Fragmentations: per object, over the frames it is present between its first and last
 *   tracked frame, the number of times it goes from tracked to missed.
 * - Mostly tracked: tracked in >= 80 % of the frames it is present; mostly lost: < 20 %.
 * - Ratios divide as py-motmetrics does: 0/0 is NaN, x/0 is ±Infinity.
 * TrackEval agrees on TUD-Campus; it differs in corner cases: it keeps a match only from the
 * immediately preceding frame, counts "mostly tracked" as > 80 %, and starts a new fragment
 * when an object leaves the ground truth for a while.
 */
import { solveAssignment } from '../assignment.ts';
import { alignFrames, type MotSequence } from './mot-format.ts';

/** CLEAR-MOT scores with py-motmetrics' names in camelCase. */
export interface ClearMotResult {
  /** Frames in which ground truth or tracker output has a box. */
  readonly numFrames: number;
  /** Pairs that continue an object's last pairing or start its first one. */
  readonly numMatches: number;
  /** Pairs in which an object changed hypothesis (ID switches). */
  readonly numSwitches: number;
  /** Matches plus switches: every paired ground-truth box (TrackEval's CLR_TP). */
  readonly numDetections: number;
  readonly numFalsePositives: number;
  readonly numMisses: number;
  /** Ground-truth boxes over all frames. */
  readonly numObjects: number;
  /** Tracker boxes over all frames. */
  readonly numPredictions: number;
  /** Distinct ground-truth ids. */
  readonly numUniqueObjects: number;
  readonly mostlyTracked: number;
  readonly partiallyTracked: number;
  readonly mostlyLost: number;
  readonly numFragmentations: number;
  /** 1 − (misses + switches + false positives) / objects. */
  readonly mota: number;
  /** py-motmetrics' MOTP: mean distance (1 − IoU) of the paired boxes; lower is better. */
  readonly motp: number;
  /** TrackEval's MOTP: mean IoU of the paired boxes (0 when none); higher is better. */
  readonly motpIou: number;
  /** Detections / objects. */
  readonly recall: number;
  /** Detections / (detections + false positives). */
  readonly precision: number;
}

/** Options of {@link clearMot}. */
export interface ClearMotOptions {
  /** Smallest IoU at which a ground-truth box and a tracker box may be paired; 0.5 by default. */
  readonly minIou?: number;
}

interface ObjectState {
  present: number;
  tracked: number;
  everTracked: boolean;
  missedSinceTracked: boolean;
  fragmentations: number;
}

function pairRemaining(dist: Float64Array, cols: number, rows: readonly number[], columns: readonly number[]): [number, number][] {
  let maxValid = -Infinity;
  for (const i of rows) for (const j of columns) if (!Number.isNaN(dist[i * cols + j]!)) maxValid = Math.max(maxValid, dist[i * cols + j]!);
  if (maxValid === -Infinity) return [];
  const forbidden = 2 * maxValid + 1;
  const cost = rows.map((i) => columns.map((j) => {
    const d = dist[i * cols + j]!;
    return Number.isNaN(d) ? forbidden : d;
  }));
  const assignment = solveAssignment(cost);
  const pairs: [number, number][] = [];
  assignment.forEach((c, r) => {
    if (c < 0) return;
    const i = rows[r]!;
    const j = columns[c]!;
    if (!Number.isNaN(dist[i * cols + j]!)) pairs.push([i, j]);
  });
  return pairs;
}

/** Computes CLEAR-MOT metrics of tracker output against ground truth, as py-motmetrics does. */
export function clearMot(gt: MotSequence, tracks: MotSequence, options: ClearMotOptions = {}): ClearMotResult {
  const maxDistance = 1 - (options.minIou ?? 0.5);
  const lastPartner = new Map<number, number>();
  const objects = new Map<number, ObjectState>();
  let numMatches = 0;
  let numSwitches = 0;
  let numFalsePositives = 0;
  let numMisses = 0;
  let numObjects = 0;
  let numPredictions = 0;
  let distanceSum = 0;
  let iouSum = 0;
  const frames = alignFrames(gt, tracks);

  for (const { gt: objs, tracks: hyps, ious } of frames) {
    const n = objs.length;
    const m = hyps.length;
    numObjects += n;
    numPredictions += m;
    const objPaired = new Uint8Array(n);
    const hypPaired = new Uint8Array(m);
    const dist = new Float64Array(n * m);
    for (let k = 0; k < n * m; k++) {
      const d = 1 - ious[k]!;
      dist[k] = d > maxDistance ? NaN : d;
    }
    const pair = (i: number, j: number): void => {
      objPaired[i] = 1;
      hypPaired[j] = 1;
      const oid = objs[i]!.id;
      const hid = hyps[j]!.id;
      const previous = lastPartner.get(oid);
      if (previous !== undefined && previous !== hid) numSwitches++;
      else numMatches++;
      lastPartner.set(oid, hid);
      distanceSum += dist[i * m + j]!;
      iouSum += ious[i * m + j]!;
    };

    if (n > 0 && m > 0) {
      // 1. Keep established pairings that are still within the threshold.
      for (let i = 0; i < n; i++) {
        const previous = lastPartner.get(objs[i]!.id);
        if (previous === undefined) continue;
        const j = hyps.findIndex((h, k) => hypPaired[k] === 0 && h.id === previous);
        if (j >= 0 && !Number.isNaN(dist[i * m + j]!)) pair(i, j);
      }
      // 2. Minimum-distance assignment of what is left.
      const rows = [...objPaired.keys()].filter((i) => objPaired[i] === 0);
      const columns = [...hypPaired.keys()].filter((j) => hypPaired[j] === 0);
      if (rows.length > 0 && columns.length > 0) {
        for (const [i, j] of pairRemaining(dist, m, rows, columns)) pair(i, j);
      }
    }

    for (let i = 0; i < n; i++) {
      const oid = objs[i]!.id;
      let state = objects.get(oid);
      if (!state) {
        state = { present: 0, tracked: 0, everTracked: false, missedSinceTracked: false, fragmentations: 0 };
        objects.set(oid, state);
      }
      state.present++;
      if (objPaired[i]) {
        state.tracked++;
        if (state.missedSinceTracked) state.fragmentations++;
        state.everTracked = true;
        state.missedSinceTracked = false;
      } else {
        numMisses++;
        if (state.everTracked) state.missedSinceTracked = true;
      }
    }
    for (let j = 0; j < m; j++) if (!hypPaired[j]) numFalsePositives++;
  }

  let mostlyTracked = 0;
  let partiallyTracked = 0;
  let mostlyLost = 0;
  let numFragmentations = 0;
  for (const state of objects.values()) {
    const ratio = state.tracked / state.present;
    if (ratio >= 0.8) mostlyTracked++;
    else if (ratio >= 0.2) partiallyTracked++;
    else mostlyLost++;
    numFragmentations += state.fragmentations;
  }
  const numDetections = numMatches + numSwitches;
  return {
    numFrames: frames.length,
    numMatches,
    numSwitches,
    numDetections,
    numFalsePositives,
    numMisses,
    numObjects,
    numPredictions,
    numUniqueObjects: objects.size,
    mostlyTracked,
    partiallyTracked,
    mostlyLost,
    numFragmentations,
    mota: 1 - (numMisses + numSwitches + numFalsePositives) / numObjects,
    motp: distanceSum / numDetections,
    motpIou: iouSum / Math.max(1, numDetections),
    recall: numDetections / numObjects,
    precision: numDetections / (numFalsePositives + numDetections),
  };
}
