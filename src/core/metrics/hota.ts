/**
 * HOTA (Luiten et al. 2020) as TrackEval's `HOTA.eval_sequence` computes it:
 * 1. Over the whole sequence, a global alignment score between every ground-truth id g and
 *    tracker id t: the per-frame IoUs normalised by their row and column sums, summed, divided by
 *    (frames of g + frames of t − that sum).
 * 2. Per frame, one maximum-score assignment with score = alignment(g, t) · IoU (every box of the
 *    smaller side is assigned, as SciPy's rectangular solver does).
 * 3. For each alpha in 0.05, 0.10 … 0.95 the assigned pairs with IoU >= alpha are true positives:
 *    DetA = TP / (TP + FN + FP), AssA = Σ over TPs of the pair's association Jaccard
 *    TPA / (TPA + FNA + FPA), divided by TP, LocA = mean IoU of the TPs (1 when none),
 *    HOTA = √(DetA · AssA).
 * 4. The reported HOTA, DetA, AssA and LocA are the means over the 19 alphas.
 */
import { solveAssignment } from '../assignment.ts';
import { alignFrames, type AlignedFrame, type MotSequence } from './mot-format.ts';

/** HOTA and its sub-scores. */
export interface HotaScores {
  readonly hota: number;
  readonly detA: number;
  readonly assA: number;
  readonly locA: number;
  readonly detRe: number;
  readonly detPr: number;
  readonly assRe: number;
  readonly assPr: number;
}

/** HOTA and its sub-scores at one localisation threshold alpha, with its match counts. */
export interface HotaAtAlpha extends HotaScores {
  readonly alpha: number;
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
}

/** HOTA scores averaged over alpha (TrackEval's summary), with the per-alpha values. */
export interface HotaResult extends HotaScores {
  readonly perAlpha: readonly HotaAtAlpha[];
}

/** The 19 localisation thresholds TrackEval uses: 0.05, 0.10 … 0.95. */
export const HOTA_ALPHAS: readonly number[] = Array.from({ length: 19 }, (_, i) => 0.05 + i * 0.05);

const EPS = 2.220446049250313e-16;

interface IdFrame {
  readonly g: Int32Array;
  readonly t: Int32Array;
  readonly sim: Float64Array;
}

function denseIds(frames: readonly AlignedFrame[]): { frames: IdFrame[]; gtCount: number[]; trCount: number[] } {
  const gtIndex = new Map<number, number>();
  const trIndex = new Map<number, number>();
  const gtCount: number[] = [];
  const trCount: number[] = [];
  const index = (ids: Map<number, number>, counts: number[], id: number): number => {
    let k = ids.get(id);
    if (k === undefined) {
      k = ids.size;
      ids.set(id, k);
      counts.push(0);
    }
    counts[k]!++;
    return k;
  };
  const out = frames.map((f) => ({
    g: Int32Array.from(f.gt, (b) => index(gtIndex, gtCount, b.id)),
    t: Int32Array.from(f.tracks, (b) => index(trIndex, trCount, b.id)),
    sim: f.ious,
  }));
  return { frames: out, gtCount, trCount };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Computes HOTA, DetA, AssA and LocA of tracker output against ground truth, as TrackEval does. */
export function hotaMetrics(gt: MotSequence, tracks: MotSequence): HotaResult {
  const { frames, gtCount, trCount } = denseIds(alignFrames(gt, tracks));
  const nT = trCount.length;

  // 1. Global alignment score between ids.
  const potential = new Float64Array(gtCount.length * nT);
  for (const { g, t, sim } of frames) {
    const n = g.length;
    const m = t.length;
    if (n === 0 || m === 0) continue;
    const rowSum = new Float64Array(n);
    const colSum = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        rowSum[i]! += sim[i * m + j]!;
        colSum[j]! += sim[i * m + j]!;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const denom = colSum[j]! + rowSum[i]! - sim[i * m + j]!;
        if (denom > EPS) potential[g[i]! * nT + t[j]!]! += sim[i * m + j]! / denom;
      }
    }
  }
  const alignment = new Float64Array(potential.length);
  for (let a = 0; a < gtCount.length; a++) {
    for (let b = 0; b < nT; b++) {
      const p = potential[a * nT + b]!;
      alignment[a * nT + b] = p / (gtCount[a]! + trCount[b]! - p);
    }
  }

  // 2-3. Per-frame assignment, then counts per alpha.
  const A = HOTA_ALPHAS.length;
  const tp = new Float64Array(A);
  const fn = new Float64Array(A);
  const fp = new Float64Array(A);
  const locSum = new Float64Array(A);
  const matches = HOTA_ALPHAS.map(() => new Map<number, number>());
  for (const { g, t, sim } of frames) {
    const n = g.length;
    const m = t.length;
    if (n === 0 || m === 0) {
      for (let a = 0; a < A; a++) {
        fp[a]! += m;
        fn[a]! += n;
      }
      continue;
    }
    const cost = Array.from({ length: n }, (_, i) =>
      Array.from({ length: m }, (_, j) => -alignment[g[i]! * nT + t[j]!]! * sim[i * m + j]!));
    const assignment = solveAssignment(cost);
    for (let a = 0; a < A; a++) {
      const threshold = HOTA_ALPHAS[a]! - EPS;
      let count = 0;
      assignment.forEach((j, i) => {
        if (j < 0 || sim[i * m + j]! < threshold) return;
        count++;
        locSum[a]! += sim[i * m + j]!;
        const key = g[i]! * nT + t[j]!;
        matches[a]!.set(key, (matches[a]!.get(key) ?? 0) + 1);
      });
      tp[a]! += count;
      fn[a]! += n - count;
      fp[a]! += m - count;
    }
  }

  // Association scores per alpha, then the final fields.
  const perAlpha = HOTA_ALPHAS.map((alpha, a): HotaAtAlpha => {
    let assA = 0;
    let assRe = 0;
    let assPr = 0;
    for (const [key, c] of matches[a]!) {
      const gc = gtCount[Math.floor(key / nT)]!;
      const tc = trCount[key % nT]!;
      assA += (c * c) / Math.max(1, gc + tc - c);
      assRe += (c * c) / Math.max(1, gc);
      assPr += (c * c) / Math.max(1, tc);
    }
    const TP = tp[a]!;
    const FN = fn[a]!;
    const FP = fp[a]!;
    const detA = TP / Math.max(1, TP + FN + FP);
    const assoc = assA / Math.max(1, TP);
    return {
      alpha,
      hota: Math.sqrt(detA * assoc),
      detA,
      assA: assoc,
      locA: Math.max(1e-10, locSum[a]!) / Math.max(1e-10, TP),
      detRe: TP / Math.max(1, TP + FN),
      detPr: TP / Math.max(1, TP + FP),
      assRe: assRe / Math.max(1, TP),
      assPr: assPr / Math.max(1, TP),
      tp: TP,
      fn: FN,
      fp: FP,
    };
  });
  const avg = (pick: (s: HotaAtAlpha) => number): number => mean(perAlpha.map(pick));
  return {
    hota: avg((s) => s.hota),
    detA: avg((s) => s.detA),
    assA: avg((s) => s.assA),
    locA: avg((s) => s.locA),
    detRe: avg((s) => s.detRe),
    detPr: avg((s) => s.detPr),
    assRe: avg((s) => s.assRe),
    assPr: avg((s) => s.assPr),
    perAlpha,
  };
}
