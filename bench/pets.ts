import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { analyticsConfigSchema, type AnalyticsConfig } from '../src/config/schema/index.ts';
import { countingAccuracy, evaluateTracking, type CountingAccuracy, type LineCounts, type TrackingEvaluation } from '../src/core/metrics/evaluate.ts';
import { clearMot } from '../src/core/metrics/clear-mot.ts';
import { evaluableGroundTruth, parseMot, sequenceFromTracks } from '../src/core/metrics/mot-format.ts';
import type { Detection } from '../src/core/detection.ts';

/** The PETS09-S2L1 sample beside the project. */
export const PETS_DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'pets09-s2l1');
/** The PETS video. */
export const PETS_VIDEO = path.join(PETS_DIR, 'vtest.avi');

/** The analytics config of the benchmark: defaults plus the two counting lines of lines.json. */
export async function petsConfig(): Promise<AnalyticsConfig> {
  const lines = JSON.parse(await readFile(path.join(PETS_DIR, 'lines.json'), 'utf8')) as { name: string; points: [[number, number], [number, number]]; inside: [number, number] }[];
  return analyticsConfigSchema.parse({ lines: lines.map((l) => ({ ...l, classes: ['person'] })) });
}

/** Scores a `tracks.txt` (as `sightline analyze` writes it) and line counts against the PETS ground truth and line truth. */
export async function scorePets(tracksTxt: string, lines: LineCounts): Promise<{ tracking: TrackingEvaluation; counting: CountingAccuracy; truth: LineCounts }> {
  const gt = parseMot(await readFile(path.join(PETS_DIR, 'gt.txt'), 'utf8'));
  if (!gt.ok) throw new Error(`gt.txt: ${gt.error.message}`);
  const tracks = parseMot(tracksTxt);
  if (!tracks.ok) throw new Error(`tracks.txt: ${tracks.error.message}`);
  const tracking = evaluateTracking(gt.value, tracks.value);
  const truth = JSON.parse(await readFile(path.join(PETS_DIR, 'lines-truth.json'), 'utf8')) as LineCounts;
  return { tracking, counting: countingAccuracy(truth, lines), truth };
}

/** Recall and precision of raw person detections scoring at least `minScore`, each box its own identity. */
export async function scoreDetections(byFrame: ReadonlyMap<number, readonly Detection[]>, minScore: number): Promise<{ recall: number; precision: number }> {
  const gt = parseMot(await readFile(path.join(PETS_DIR, 'gt.txt'), 'utf8'));
  if (!gt.ok) throw new Error(`gt.txt: ${gt.error.message}`);
  let id = 1;
  const frames = [...byFrame].map(([frame, dets]) => ({
    frame,
    tracks: dets.filter((d) => d.class === 'person' && d.score >= minScore).map((d) => ({ id: id++, box: d.box, score: d.score })),
  }));
  const r = clearMot(evaluableGroundTruth(gt.value), sequenceFromTracks(frames));
  return { recall: r.recall, precision: r.precision };
}
