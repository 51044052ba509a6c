import type { AnalyticsConfig } from '../config/schema/index.ts';
import { resolveDetectOptions, resolveRuleSet, resolveTracker } from '../config/resolve.ts';
import type { Detection } from '../core/detection.ts';
import type { Box } from '../core/geometry.ts';
import { createRuleState, finishRules, stepRules, summarize, type Occupancy, type RuleSummary } from '../core/rules/engine.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent, RuleSet } from '../core/rules/types.ts';
import type { TrackRow } from '../core/track-rows.ts';
import { INITIAL_BYTE_TRACK_STATE, stepByteTrack } from '../core/tracker/byte-track.ts';
import type { RawDetection } from '../detect/detector.ts';
import type { DetectorPool } from '../detect/worker-pool.ts';
import { fitGeometry, toSourceBox, type FitGeometry } from '../ingest/ffmpeg-args.ts';
import type { Frame, FrameSource } from '../ingest/frame-source.ts';
import { createMotionGate, type MotionGate } from './motion-gate.ts';

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
}

/** Counters of where the time went. */
export interface AnalyzeStats {
  /** Frames analysed (tracked and run through the rules). */
  readonly frames: number;
  /** Frames sent to the detector. */
  readonly detectedFrames: number;
  /** Frames in which nothing moved, whose detections carried over. */
  readonly motionSkippedFrames: number;
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

interface Pending {
  readonly frame: Frame;
  readonly job: Promise<readonly RawDetection[]> | null;
}

function toDetections(raw: readonly RawDetection[], geometry: FitGeometry): Detection[] {
  const out: Detection[] = [];
  for (const d of raw) {
    const box = toSourceBox(geometry, d.box);
    if (box.w > 0 && box.h > 0) out.push({ box, score: d.score, class: d.class });
  }
  return out;
}

function clipBox(box: Box, size: { readonly width: number; readonly height: number }): Box {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(size.width, box.x + box.w);
  const y1 = Math.min(size.height, box.y + box.h);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/**
 * Runs detection, tracking and the rules over every frame of a source, in frame order, keeping
 * the worker pool busy with up to two frames per worker in flight. Wiring only: every decision is
 * made by the pure core.
 */
export async function analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
  const { config, pool } = input;
  const ruleSet = resolveRuleSet(config);
  const trackerConfig = resolveTracker(config, input.analysedFps);
  const detectOptions = resolveDetectOptions(config);
  const size = { width: pool.traits.inputWidth, height: pool.traits.inputHeight };
  const geometry = fitGeometry(input.sourceSize, size, config.detect.fit);
  const gate: MotionGate = createMotionGate(config.detect.motion);
  let tracker = INITIAL_BYTE_TRACK_STATE;
  let rules = createRuleState(ruleSet, input.sourceSize, { heatCellSize: config.heatmap.cellSize, heatClasses: config.heatmap.classes });
  const rows: TrackRow[] = [];
  const events: RuleEvent[] = [];
  const occupancy: { frame: number; time: number; zones: Occupancy }[] = [];
  let previous: readonly Detection[] = [];
  let detectedFrames = 0;
  let motionSkippedFrames = 0;
  let inferenceMs = 0;
  let frames = 0;
  let lastTime = 0;

  const finish = async (p: Pending): Promise<void> => {
    let detections = previous;
    if (p.job) {
      detections = toDetections(await p.job, geometry);
      previous = detections;
    }
    input.onDetections?.(p.frame.index, detections);
    const step = stepByteTrack(tracker, detections, trackerConfig);
    tracker = step.state;
    for (const t of step.tracks) {
      if (!t.observed) continue;
      const box = clipBox(t.box, input.sourceSize);
      if (box.w > 0 && box.h > 0) rows.push({ frame: p.frame.index, id: t.id, class: t.class, box, score: t.score });
    }
    const r = stepRules(rules, { frame: p.frame.index, time: p.frame.time, tracks: step.tracks });
    rules = r.state;
    events.push(...r.events);
    if (ruleSet.zones.length > 0) occupancy.push({ frame: p.frame.index, time: p.frame.time, zones: r.occupancy });
    frames++;
    lastTime = p.frame.time;
    input.onFrame?.(p.frame.index, p.frame.time);
  };

  const queue: Pending[] = [];
  const maxInFlight = Math.max(1, input.maxInFlight ?? 2 * pool.size);
  try {
    for await (const frame of input.frames) {
      const needed = gate.shouldDetect(frame);
      let job: Promise<readonly RawDetection[]> | null = null;
      if (needed) {
        detectedFrames++;
        // The frame's pixels are not needed after this, so they move to the worker instead of being copied.
        job = pool.detect(frame, detectOptions, { transfer: true }).then((r) => {
          inferenceMs += r.ms;
          return r.detections;
        });
        // A rejection is handled when the frame's turn comes; this only keeps Node from reporting it early.
        job.catch(() => undefined);
      } else {
        motionSkippedFrames++;
      }
      queue.push({ frame, job });
      while (queue.length >= maxInFlight) await finish(queue.shift()!);
    }
    while (queue.length > 0) await finish(queue.shift()!);
  } finally {
    await input.frames.close();
  }
  const done = finishRules(rules);
  events.push(...done.events);
  return {
    ruleSet,
    rows,
    events,
    summary: summarize(events, ruleSet, occupancy.map((o) => o.zones)),
    occupancy,
    heat: done.state.heat.grid,
    lastTime,
    stats: { frames, detectedFrames, motionSkippedFrames, inferenceMs },
  };
}
