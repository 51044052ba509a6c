/**
 * Identity metrics (Ristani et al. 2016) as py-motmetrics and TrackEval compute them: each
 * ground-truth id is paired with at most one tracker id for the whole sequence so that the number
 * of frames in which the paired boxes overlap with IoU >= 0.5 (IDTP) is as large as possible.
 * Both tools solve this as a min-cost assignment over a (gt + tracker) square matrix of
 * IDFN + IDFP; that minimum is reached exactly where the paired overlap count is largest, so we
 * solve the smaller gt × tracker maximum-overlap assignment. Ratios follow py-motmetrics:
 * 0/0 is NaN (TrackEval reports 0 there).
 */
import { solveAssignment } from '../assignment.ts';
import { alignFrames, type MotSequence } from './mot-format.ts';

/** Identity scores with py-motmetrics' and TrackEval's names in camelCase. */
export interface IdentityResult {
  /** Boxes of the paired ids that overlap enough, summed over frames. */
  readonly idtp: number;
  /** Ground-truth boxes not covered by their paired tracker id. */
  readonly idfn: number;
  /** Tracker boxes not covering their paired ground-truth id. */
  readonly idfp: number;
  /** IDTP / (IDTP + IDFP). */
  readonly idp: number;
  /** IDTP / (IDTP + IDFN). */
  readonly idr: number;
  /** 2·IDTP / (ground-truth boxes + tracker boxes). */
  readonly idf1: number;
}

/** Options of {@link identityMetrics}. */
export interface IdentityOptions {
  /** Smallest IoU at which two boxes count as the same object in a frame; 0.5 by default. */
  readonly minIou?: number;
}

/** Computes IDF1, IDP, IDR, IDTP, IDFN and IDFP of tracker output against ground truth. */
export function identityMetrics(gt: MotSequence, tracks: MotSequence, options: IdentityOptions = {}): IdentityResult {
  const maxDistance = 1 - (options.minIou ?? 0.5);
  // overlaps.get(gtId).get(trackId): frames in which the two boxes overlap enough.
  const overlaps = new Map<number, Map<number, number>>();
  for (const { gt: objs, tracks: hyps, ious } of alignFrames(gt, tracks)) {
    for (let i = 0; i < objs.length; i++) {
      for (let j = 0; j < hyps.length; j++) {
        if (1 - ious[i * hyps.length + j]! > maxDistance) continue;
        const gtId = objs[i]!.id;
        const trackId = hyps[j]!.id;
        let row = overlaps.get(gtId);
        if (!row) overlaps.set(gtId, (row = new Map()));
        row.set(trackId, (row.get(trackId) ?? 0) + 1);
      }
    }
  }

  // Ids that never overlap add nothing to IDTP whatever they are paired with: leave them out.
  const rows = [...overlaps.values()];
  const trackIds = [...new Set(rows.flatMap((row) => [...row.keys()]))];
  let most = 0;
  for (const row of rows) for (const count of row.values()) most = Math.max(most, count);
  const cost = rows.map((row) => trackIds.map((id) => most - (row.get(id) ?? 0)));
  let idtp = 0;
  solveAssignment(cost).forEach((col, r) => {
    if (col >= 0) idtp += rows[r]!.get(trackIds[col]!) ?? 0;
  });
  const numObjects = gt.boxCount;
  const numPredictions = tracks.boxCount;
  const idfn = numObjects - idtp;
  const idfp = numPredictions - idtp;
  return {
    idtp,
    idfn,
    idfp,
    idp: idtp / (idtp + idfp),
    idr: idtp / (idtp + idfn),
    idf1: (2 * idtp) / (numObjects + numPredictions),
  };
}
