import type { AnalyticsConfig } from '../config/schema/index.ts';
import type { Detection } from '../core/detection.ts';
import { summarize, type Occupancy, type RuleSummary } from '../core/rules/engine.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent, RuleSet } from '../core/rules/types.ts';
import type { TrackRow } from '../core/track-rows.ts';
import type { DetectorPool } from '../detect/worker-pool.ts';
import type { FrameSource } from '../ingest/frame-source.ts';
import { FrameLoop } from './frame-loop.ts';

/** What the analysis of one video needs. */
export interface AnalyzeInput {
  /** Frames at the detector's input size, fitted as `config.detect.fit` says. */
  readonly frames: FrameSource;
  /** Size of the source video, in pixels: results are reported in these pixels. */
  readonly sourceSize: { readonly width: number; readonly height: number };
  /** Frames analysed per second (the source rate, or the `--fps` chosen). */
  readonly analysedFps: number;
  readonly config: AnalyticsConfig;
  readonly pool: DetectorPool;
  /** Frames in flight to the detector at most; default two per worker (batch), use 1-2 for live sources sharing a pool. */
  readonly maxInFlight?: number;
  /** Called after each analysed frame. */
  readonly onFrame?: (frame: number, time: number) => void;
  /** Called with each analysed frame's detections (source pixels) before tracking, for diagnostics. */
  readonly onDetections?: (frame: number, detections: readonly Detection[]) => void;
  /** Called when a frame's detection failed and the frame was tracked with the previous detections (see frame-loop.ts). */
  readonly onDetectorError?: (frame: number, error: unknown) => void;
}

/** Counters of where the time went. */
export interface AnalyzeStats {
  /** Frames analysed (tracked and run through the rules). */
  readonly frames: number;
  /** Frames sent to the detector. */
  readonly detectedFrames: number;
  /** Frames in which nothing moved, whose detections carried over. */
  readonly motionSkippedFrames: number;
  /** Frames whose detection failed, tracked with the previous detections. */
  readonly detectorErrors: number;
  /** Sum of the workers' inference milliseconds. */
  readonly inferenceMs: number;
}

/** Everything the analysis of one video produced. */
export interface AnalyzeResult {
  readonly ruleSet: RuleSet;
  /** Observed boxes of confirmed tracks, in source pixels, in frame order. */
  readonly rows: readonly TrackRow[];
  readonly events: readonly RuleEvent[];
  readonly summary: RuleSummary;
  readonly occupancy: readonly { readonly frame: number; readonly time: number; readonly zones: Occupancy }[];
  readonly heat: HeatGrid;
  /** Time of the last analysed frame (0 for an empty video). */
  readonly lastTime: number;
  readonly stats: AnalyzeStats;
}

/**
 * Runs the frame loop (src/pipeline/frame-loop.ts) over every frame of a source and collects what
 * the batch outputs need: track rows of observed tracks, rule events, the occupancy series and the
 * heat map. Wiring only: every decision is made by the loop and the pure core.
 */
export async function analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
  let detectorErrors = 0;
  const loop = new FrameLoop({
    config: input.config,
    pool: input.pool,
    sourceSize: input.sourceSize,
    analysedFps: input.analysedFps,
    ...(input.maxInFlight !== undefined && { maxInFlight: input.maxInFlight }),
    onDetectorError: (frame, error) => {
      detectorErrors++;
      input.onDetectorError?.(frame.index, error);
    },
  });
  const rows: TrackRow[] = [];
  const events: RuleEvent[] = [];
  const occupancy: { frame: number; time: number; zones: Occupancy }[] = [];
  let detectedFrames = 0;
  let inferenceMs = 0;
  let frames = 0;
  try {
    for await (const r of loop.run(input.frames)) {
      if (r.detected) detectedFrames++;
      inferenceMs += r.inferenceMs;
      input.onDetections?.(r.index, r.detections);
      for (const t of r.tracks) if (t.observed) rows.push({ frame: r.index, id: t.id, class: t.class, box: t.box, score: t.score });
      events.push(...r.events);
      if (loop.ruleSet.zones.length > 0) occupancy.push({ frame: r.index, time: r.time, zones: r.occupancy });
      frames++;
      input.onFrame?.(r.index, r.time);
    }
  } finally {
    await input.frames.close();
  }
  events.push(...loop.finish().events);
  return {
    ruleSet: loop.ruleSet,
    rows,
    events,
    summary: summarize(events, loop.ruleSet, occupancy.map((o) => o.zones)),
    occupancy,
    heat: loop.heat,
    lastTime: loop.last?.time ?? 0,
    stats: { frames, detectedFrames, motionSkippedFrames: frames - detectedFrames - detectorErrors, detectorErrors, inferenceMs },
  };
}
