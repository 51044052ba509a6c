/**
 * The one frame loop of Sightline: frames in, per-frame results out (detections, tracks, rule
 * events, zone occupancy), in frame order. `sightline analyze`, every live camera and the
 * benchmarks run it; batch adds only its file writers, live cameras only their sinks (event
 * lifecycle, store, bus, snapshots, health). One policy for everything both paths must agree on:
 *
 * - Detection: frames the motion gate passes go to the shared detector pool, up to `maxInFlight`
 *   at once (batch keeps every worker busy; a live camera sends one frame at a time and its source
 *   drops the frames it cannot take); a frame without motion carries the previous detections.
 * - Detector errors: a frame whose detection fails is reported and tracked with the previous
 *   detections, so tracker and rules keep their time; {@link MAX_CONSECUTIVE_DETECTOR_ERRORS}
 *   failures in a row end the loop with DETECTOR_FAILED (a broken model, not a bad frame).
 * - Boxes: detections are mapped to source pixels (empty ones dropped), filtered per class (the
 *   object filters' minimum score and size) and tracked as they are;
 *   the rules see the tracker's boxes (a foot point may lie just outside the picture); the tracks
 *   reported (track rows, the live overlay, object counts) are clipped to the picture, and those
 *   with no area left are left out.
 * - Timing: the tracker is set up for the analysed frame rate; rules run on the frames' stream time.
 * - End of stream and restarts: `finish()` ends the rules (zone exits of the tracks still inside,
 *   open alarms) at the last frame; a restarted source gets a new loop, so no state leaks across.
 */
import type { AnalyticsConfig } from '../config/schema/index.ts';
import { resolveRuleSet, resolveTracker } from '../config/resolve.ts';
import { analysisSize, inputSize, resolveDetectOptions } from '../detect/detect-options.ts';
import type { Detection, Track } from '../core/detection.ts';
import { wholeBuffer } from '../core/buffer-pool.ts';
import { SightlineError } from '../core/errors.ts';
import type { Box } from '../core/geometry.ts';
import { filterDetections, strictestFilters, type ObjectFilters } from '../core/object-filter.ts';
import { createRuleState, finishRules, stepRules, type Occupancy, type RuleState } from '../core/rules/engine.ts';
import type { HeatGrid } from '../core/rules/heat-grid.ts';
import type { RuleEvent, RuleSet } from '../core/rules/types.ts';
import { INITIAL_BYTE_TRACK_STATE, predictTracks, stepByteTrack, type ByteTrackState } from '../core/tracker/byte-track.ts';
import { DEFAULT_SCHEDULE, detectionReason } from '../core/detect-schedule.ts';
import type { RawDetection } from '../detect/detector.ts';
import type { DetectorPool, PoolResult } from '../detect/worker-pool.ts';
import { fitGeometry, toSourceBox, type FitGeometry, type Size } from '../ingest/ffmpeg-args.ts';
import type { Frame } from '../ingest/frame-source.ts';
import { createMotionGate, type MotionGate } from './motion-gate.ts';

/** Detection failures in a row after which the loop gives up with DETECTOR_FAILED. */
export const MAX_CONSECUTIVE_DETECTOR_ERRORS = 5;

/** What a frame loop is built from. */
export interface FrameLoopOptions {
  readonly config: AnalyticsConfig;
  readonly pool: DetectorPool;
  /** Size of the source video: every box and rule is in these pixels. */
  readonly sourceSize: Size;
  /** Frames analysed per second (the tracker's motion model follows it). */
  readonly analysedFps: number;
  /** Frames in flight to the detector at most; default two per worker. */
  readonly maxInFlight?: number;
  /** Called with each frame before its pixels move to a detector worker (a live camera keeps a copy for snapshots). */
  readonly beforeDetect?: (frame: Frame) => void;
  /**
   * Receives each frame's pixel buffer once the loop is done with it, for the source to decode a later
   * frame into (see BufferPool): the buffer the detector handed back, or the frame's own when it was
   * not detected. Without it the buffers are left to the garbage collector.
   */
  readonly recycle?: (buffer: ArrayBuffer) => void;
  /**
   * The server-wide object filters, read on every detected frame so that a change applies at once;
   * the camera's own `detect.filters` apply too, the stricter of the two winning. Default none.
   */
  readonly objectFilters?: () => ObjectFilters;
  /** Called when the detection of a frame failed and the frame was tracked with the previous detections. */
  readonly onDetectorError?: (frame: { readonly index: number; readonly time: number }, error: unknown) => void;
}

/** What the loop made of one frame. */
export interface FrameResult {
  readonly index: number;
  /** Stream time of the frame, seconds. */
  readonly time: number;
  /** Whether the detector ran on this frame (false: no motion, or its detection failed). */
  readonly detected: boolean;
  /** Detections the tracker got, in source pixels. */
  readonly detections: readonly Detection[];
  /** Every track of the frame (observed or coasting) with some area in the picture, boxes in source pixels, clipped to it. */
  readonly tracks: readonly Track[];
  readonly events: readonly RuleEvent[];
  /** Objects inside each zone in this frame, by zone name (from the tracks present). */
  readonly occupancy: Occupancy;
  /** Inference milliseconds of this frame's detection (0 when it did not run). */
  readonly inferenceMs: number;
}

/** The rule events of the end of a stream: zone exits of the tracks still inside, open alarms ended. */
export interface FrameLoopEnd {
  readonly index: number;
  readonly time: number;
  readonly events: readonly RuleEvent[];
}

interface Pending {
  readonly frame: Frame;
  readonly job: Promise<PoolResult> | null;
  /** Set when the adaptive schedule skipped the frame: it is tracked on the motion model's prediction. */
  readonly predicted?: boolean;
}

/**
 * The tracker's clock: its motion model advances this many steps per second of video, whatever the
 * analysed rate, so a track's predicted motion and its uncertainty between two detections follow
 * the time between them. At 5 fps each frame is 4 steps; ByteTrack's noise, tuned per frame at high
 * rates, made the filter too sure of itself at low ones. On PETS S2L1 (`analyze --fps 5`) this took
 * MOTA from 0.714 to 0.798, IDF1 from 0.567 to 0.839 and line-count errors from 10 to 7; at 10 fps
 * MOTA 0.803 to 0.805, IDF1 0.813 to 0.830 (errors 2 to 3); 30 steps per second did worse at both.
 */
export const TRACKER_STEPS_PER_SECOND = 20;

/** Largest number of frames of motion one prediction covers: after a longer gap, tracks are not flung on. */
const MAX_MOTION_STEPS = 5;

/**
 * How many whole frames of the analysed rate `seconds` between two frames are, for the tracker's
 * predictions: a frame dropped while the detector was busy doubles a gap, and the tracks should
 * move on by two frames, not one. Whole frames only: frames picked at 5 fps from a 7 fps camera
 * come 1/7 and 2/7 s apart, and predicting those as 0.7 and 1.4 frames counted worse on PETS
 * (vertical out 12/15 against 14/15 at one frame each, `bench/live.ts`).
 */
export function motionSteps(seconds: number, fps: number): number {
  const steps = Math.round(seconds * fps);
  if (!Number.isFinite(steps)) return 1;
  return Math.min(MAX_MOTION_STEPS, Math.max(1, steps));
}

/** `box` cut to the picture; zero width or height when nothing is left. */
export function clipBox(box: Box, size: Size): Box {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(size.width, box.x + box.w);
  const y1 = Math.min(size.height, box.y + box.h);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/** How many detections score at least `threshold`. */
function strong(detections: readonly Detection[], threshold: number): number {
  let n = 0;
  for (const d of detections) if (d.score >= threshold) n++;
  return n;
}

function toDetections(raw: readonly RawDetection[], geometry: FitGeometry): Detection[] {
  const out: Detection[] = [];
  for (const d of raw) {
    const box = toSourceBox(geometry, d.box);
    if (box.w > 0 && box.h > 0) out.push({ box, score: d.score, class: d.class });
  }
  return out;
}

/** One source's analysis: iterate `run(frames)` once, then call `finish()`. */
export class FrameLoop {
  readonly ruleSet: RuleSet;
  readonly #o: FrameLoopOptions;
  readonly #tracker;
  readonly #detectOptions;
  readonly #geometry: FitGeometry;
  readonly #gate: MotionGate;
  #tracks: ByteTrackState = INITIAL_BYTE_TRACK_STATE;
  #rules: RuleState;
  #previous: readonly Detection[] = [];
  #failures = 0;
  #last: { index: number; time: number } | null = null;
  /** The last frame the tracker and rules stepped (a frame the schedule skipped is not one). */
  #stepped: { index: number; time: number } | null = null;
  #finished = false;
  /** What the adaptive schedule looks at: the last step's tracks and detection counts, frames skipped since. */
  #schedule = { tracks: [] as readonly Track[], detections: 0, previousDetections: 0, skipped: 0 };
  #occupancy: Occupancy = {};

  constructor(options: FrameLoopOptions) {
    this.#o = options;
    const { config, pool } = options;
    this.ruleSet = resolveRuleSet(config);
    this.#tracker = resolveTracker(config, options.analysedFps);
    this.#detectOptions = resolveDetectOptions(config, inputSize(pool.traits, config.detect, options.sourceSize));
    this.#geometry = fitGeometry(options.sourceSize, analysisSize(pool.traits, config.detect, options.sourceSize), config.detect.fit);
    this.#gate = createMotionGate(config.detect.motion);
    this.#rules = createRuleState(this.ruleSet, options.sourceSize, { heatCellSize: config.heatmap.cellSize, heatClasses: config.heatmap.classes });
  }

  /** How detector frames map to source pixels (letterbox padding, scale). */
  get geometry(): FitGeometry {
    return this.#geometry;
  }

  /** The heat map accumulated so far. */
  get heat(): HeatGrid {
    return this.#rules.heat.grid;
  }

  /** The newest frame analysed, or null before the first. */
  get last(): { readonly index: number; readonly time: number } | null {
    return this.#last;
  }

  /** Analyses every frame of `frames` in order, yielding one result per frame; stops early when the consumer breaks. */
  async *run(frames: AsyncIterable<Frame>): AsyncGenerator<FrameResult, void, undefined> {
    const { pool } = this.#o;
    const adaptive = this.#o.config.detect.adaptive;
    // The schedule decides from the step before, so adaptive frames go one at a time, in batch as live.
    const maxInFlight = adaptive.enabled ? 1 : Math.max(1, this.#o.maxInFlight ?? 2 * pool.size);
    const queue: Pending[] = [];
    try {
      for await (const frame of frames) {
        this.#o.beforeDetect?.(frame);
        const moving = this.#gate.shouldDetect(frame);
        if (moving && adaptive.enabled && this.#settled(adaptive.maxSkip)) {
          this.#schedule.skipped++;
          queue.push({ frame, job: null, predicted: true });
          this.#recycle(frame);
        } else if (moving) {
          this.#schedule.skipped = 0;
          // The frame's pixels are not needed after this, so they move to the worker instead of being copied.
          const job = pool.detect(frame, this.#detectOptions, { transfer: true });
          // A rejection is handled when the frame's turn comes; this only keeps Node from reporting it early.
          job.catch(() => undefined);
          queue.push({ frame, job });
        } else {
          queue.push({ frame, job: null });
          this.#recycle(frame);
        }
        while (queue.length >= maxInFlight) yield await this.#step(queue.shift()!);
      }
      while (queue.length > 0) yield await this.#step(queue.shift()!);
    } finally {
      // Jobs of frames never stepped (the consumer broke out) settle on their own; nothing waits for them.
      queue.length = 0;
    }
  }

  /** Ends the rules at the last frame: the events of the end of the stream. Once; later calls give no events. */
  finish(): FrameLoopEnd {
    const at = this.#last ?? { index: 0, time: 0 };
    if (this.#finished) return { ...at, events: [] };
    this.#finished = true;
    const done = finishRules(this.#rules);
    this.#rules = done.state;
    return { ...at, events: done.events };
  }

  #filtered(detections: readonly Detection[]): readonly Detection[] {
    const own = this.#o.config.detect.filters;
    const filters = this.#o.objectFilters === undefined ? own : strictestFilters(own, this.#o.objectFilters());
    const { width, height } = this.#o.sourceSize;
    return filterDetections(detections, filters, width * height);
  }

  /** Hands a frame the detector does not get back to the source; the loop reads its pixels no more (the motion gate has seen them). */
  #recycle(frame: Frame): void {
    if (this.#o.recycle === undefined) return;
    const own = wholeBuffer(frame.data);
    if (own !== null) this.#o.recycle(own);
  }

  /** True when the adaptive schedule lets the next frame go without the detector. */
  #settled(maxSkip: number): boolean {
    const s = this.#schedule;
    return detectionReason({ tracker: this.#tracks, tracks: s.tracks, detections: s.detections, previousDetections: s.previousDetections, skipped: s.skipped }, this.ruleSet, { ...DEFAULT_SCHEDULE, maxSkip }) === null;
  }

  /** The tracker's steps from the last stepped frame to one at `time` (see {@link TRACKER_STEPS_PER_SECOND}). */
  #trackerSteps(time: number): number {
    const frames = this.#stepped === null ? 1 : motionSteps(time - this.#stepped.time, this.#o.analysedFps);
    return (frames * TRACKER_STEPS_PER_SECOND) / this.#o.analysedFps;
  }

  /** The tracks cut to the picture, those with no area left out. */
  #clipped(tracks: readonly Track[]): Track[] {
    const out: Track[] = [];
    for (const t of tracks) {
      const box = clipBox(t.box, this.#o.sourceSize);
      if (box.w > 0 && box.h > 0) out.push(box === t.box ? t : { ...t, box });
    }
    return out;
  }

  /** A frame the schedule skipped: the tracks where their motion model puts them; the tracker and the rules wait for the next detection. */
  #predict(p: Pending): FrameResult {
    const tracks = this.#clipped(predictTracks(this.#tracks, this.#trackerSteps(p.frame.time)));
    this.#last = { index: p.frame.index, time: p.frame.time };
    return { index: p.frame.index, time: p.frame.time, detected: false, detections: [], tracks, events: [], occupancy: this.#occupancy, inferenceMs: 0 };
  }

  async #step(p: Pending): Promise<FrameResult> {
    if (p.predicted === true) return this.#predict(p);
    let detections = this.#previous;
    let detected = false;
    let inferenceMs = 0;
    if (p.job) {
      try {
        const r = await p.job;
        if (r.buffer !== undefined) this.#o.recycle?.(r.buffer);
        detections = this.#filtered(toDetections(r.detections, this.#geometry));
        this.#previous = detections;
        detected = true;
        inferenceMs = r.ms;
        this.#failures = 0;
      } catch (error) {
        this.#failures++;
        if (this.#failures >= MAX_CONSECUTIVE_DETECTOR_ERRORS) {
          const why = error instanceof Error ? error.message : String(error);
          throw new SightlineError('DETECTOR_FAILED', `the detector failed on ${this.#failures} frames in a row (the last at frame ${p.frame.index}): ${why}`, { cause: error });
        }
        this.#o.onDetectorError?.({ index: p.frame.index, time: p.frame.time }, error);
      }
    }
    const step = stepByteTrack(this.#tracks, detections, this.#tracker, this.#trackerSteps(p.frame.time));
    this.#tracks = step.state;
    const tracks = this.#clipped(step.tracks);
    const r = stepRules(this.#rules, { frame: p.frame.index, time: p.frame.time, tracks: step.tracks });
    this.#rules = r.state;
    this.#last = { index: p.frame.index, time: p.frame.time };
    this.#stepped = this.#last;
    this.#occupancy = r.occupancy;
    if (detected) this.#schedule = { tracks: step.tracks, detections: strong(detections, this.#tracker.highThreshold), previousDetections: this.#schedule.detections, skipped: this.#schedule.skipped };
    return { index: p.frame.index, time: p.frame.time, detected, detections, tracks, events: r.events, occupancy: r.occupancy, inferenceMs };
  }
}
