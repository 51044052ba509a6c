/**
 * One-call scoring of a tracker against ground truth (CLEAR-MOT, identity and HOTA scores), and
 * the accuracy of line-crossing counts against true counts.
 */
import { clearMot, type ClearMotResult } from './clear-mot.ts';
import { hotaMetrics, type HotaResult } from './hota.ts';
import { identityMetrics, type IdentityResult } from './identity.ts';
import { evaluableGroundTruth, type MotSequence } from './mot-format.ts';

/**
 * Every tracking score in one object. Names follow the reference CSVs in camelCase:
 * py-motmetrics' `num_false_positives` is `numFalsePositives`; TrackEval's `CLR_TP` is
 * `numDetections`, `CLR_FN` `numMisses`, `CLR_FP` `numFalsePositives`, `IDSW` `numSwitches`,
 * `MT`/`PT`/`ML` `mostlyTracked`/`partiallyTracked`/`mostlyLost`, `Frag` `numFragmentations`,
 * and its `MOTP` (mean IoU) is `motpIou`, while `motp` is py-motmetrics' mean 1 − IoU.
 */
export type TrackingEvaluation = ClearMotResult & IdentityResult & HotaResult;

/**
 * Scores tracker output against ground truth. Ground-truth rows marked 0 in the confidence
 * column are left out first, as both reference tools do; tracker rows are all kept.
 */
export function evaluateTracking(gt: MotSequence, tracks: MotSequence): TrackingEvaluation {
  const truth = evaluableGroundTruth(gt);
  return { ...clearMot(truth, tracks), ...identityMetrics(truth, tracks), ...hotaMetrics(truth, tracks) };
}

/** Crossings of one line per direction. */
export interface DirectionCounts {
  readonly in: number;
  readonly out: number;
}

/** Crossing counts keyed by line name (extra fields on each line, like `events`, are ignored). */
export type LineCounts = Readonly<Record<string, DirectionCounts>>;

/** True and measured count of one line in one direction. */
export interface CountComparison {
  readonly line: string;
  readonly direction: 'in' | 'out';
  readonly truth: number;
  readonly measured: number;
  /** |measured − truth|. */
  readonly absoluteError: number;
}

/** How close measured line counts are to the truth. */
export interface CountingAccuracy {
  /** Lines of the truth in their order, then lines only measured; `in` before `out`. */
  readonly comparisons: readonly CountComparison[];
  readonly totalTruth: number;
  readonly totalAbsoluteError: number;
  /** 1 − Σ|error| / Σ truth, clamped at 0; with no true crossings, 1 if none was measured either, else 0. */
  readonly accuracy: number;
}

/**
 * Compares measured crossing counts with true ones per line and direction. A line missing from
 * the measurement counts as 0 crossings; a line only measured adds its counts as error.
 */
export function countingAccuracy(truth: LineCounts, got: LineCounts): CountingAccuracy {
  const lines = [...Object.keys(truth), ...Object.keys(got).filter((line) => !Object.hasOwn(truth, line))];
  const comparisons: CountComparison[] = [];
  let totalTruth = 0;
  let totalAbsoluteError = 0;
  for (const line of lines) {
    for (const direction of ['in', 'out'] as const) {
      const t = Object.hasOwn(truth, line) ? (truth[line]?.[direction] ?? 0) : 0;
      const measured = Object.hasOwn(got, line) ? (got[line]?.[direction] ?? 0) : 0;
      const absoluteError = Math.abs(measured - t);
      comparisons.push({ line, direction, truth: t, measured, absoluteError });
      totalTruth += t;
      totalAbsoluteError += absoluteError;
    }
  }
  const accuracy = totalTruth > 0 ? Math.max(0, 1 - totalAbsoluteError / totalTruth) : totalAbsoluteError === 0 ? 1 : 0;
  return { comparisons, totalTruth, totalAbsoluteError, accuracy };
}
