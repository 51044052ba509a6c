import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { resolveDetectOptions } from '../src/detect/detect-options.ts';
import type { AnalyticsConfig } from '../src/config/schema/index.ts';
import type { Detector } from '../src/detect/detector.ts';
import type { DetectorPool } from '../src/detect/worker-pool.ts';
import { decodeArgs } from '../src/ingest/ffmpeg-args.ts';
import { FfmpegSource } from '../src/ingest/ffmpeg-source.ts';
import type { Frame } from '../src/ingest/frame-source.ts';
import { analyze } from '../src/pipeline/analyze.ts';
import { PETS_VIDEO } from './pets.ts';
import { analysisSize } from '../src/detect/detect-options.ts';

/** Size of the PETS video. */
export const PETS_SIZE = { width: 768, height: 576 };

/** Decodes the first `count` PETS frames at a detector's input size. */
export async function decodeFrames(size: { width: number; height: number }, fit: AnalyticsConfig['detect']['fit'], count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  const source = new FfmpegSource({ url: PETS_VIDEO, live: false, size, fit });
  for await (const f of source) {
    frames.push(f);
    if (frames.length >= count) break;
  }
  await source.close();
  return frames;
}

/** Mean milliseconds per frame of one detector in this thread, after one warm-up frame. */
export async function msPerFrame(detector: Detector, config: AnalyticsConfig, frames: readonly Frame[]): Promise<number> {
  const options = resolveDetectOptions(config);
  await detector.detect(frames[0]!, options);
  const t0 = performance.now();
  for (const f of frames) await detector.detect(f, options);
  return (performance.now() - t0) / frames.length;
}

/** Frames per second a pool answers when fed pre-decoded frames as fast as it takes them. */
export async function bareInference(pool: DetectorPool, config: AnalyticsConfig, frames: readonly Frame[], total: number): Promise<number> {
  const options = resolveDetectOptions(config);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) await pool.detect(frames[next++ % frames.length]!, options);
  };
  await Promise.all(Array.from({ length: 2 }, lane));
  const t0 = performance.now();
  next = 0;
  await Promise.all(Array.from({ length: 2 * pool.size }, lane));
  return total / ((performance.now() - t0) / 1000);
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** How one live-paced stream kept up. */
export interface StreamResult {
  readonly frames: number;
  readonly dropped: number;
  readonly detected: number;
  readonly lagP95: number;
  /** Mean lag over the last quarter minus the first quarter, seconds: positive and large means falling behind. */
  readonly lagGrowth: number;
}

/**
 * Runs `n` live-paced PETS streams at once (ffmpeg `-re`, `fps` selected, first `seconds` of the
 * video, latest-frame scheduling), each with its own tracker and rules, sharing one pool.
 */
export async function concurrentStreams(pool: DetectorPool, config: AnalyticsConfig, n: number, fps: number, seconds: number, video: string = PETS_VIDEO): Promise<StreamResult[]> {
  const size = analysisSize(pool.traits, config.detect, PETS_SIZE);
  const one = async (): Promise<StreamResult> => {
    const args = decodeArgs(video, { size, fit: config.detect.fit, fps });
    args.splice(args.indexOf('-i'), 0, '-re', '-t', String(seconds));
    const source = new FfmpegSource({ url: video, live: false, latestOnly: true, args });
    const lags: number[] = [];
    let start: number | null = null;
    const r = await analyze({
      frames: source,
      sourceSize: PETS_SIZE,
      analysedFps: fps,
      config,
      pool,
      maxInFlight: 2,
      onFrame: (_frame, time) => {
        const now = performance.now() / 1000;
        start ??= now - time;
        lags.push(now - start - time);
      },
    });
    const q = Math.max(1, Math.floor(lags.length / 4));
    const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
    return { frames: r.stats.frames, dropped: source.droppedFrames, detected: r.stats.detectedFrames, lagP95: percentile(lags, 0.95), lagGrowth: mean(lags.slice(-q)) - mean(lags.slice(0, q)) };
  };
  return Promise.all(Array.from({ length: n }, one));
}

/** Writes a quiet scene for the motion-gating test: the first PETS frame held still for `seconds` at 10 fps (H.264). */
export function makeStillClip(dir: string, seconds: number): string {
  const file = path.join(dir, 'pets-still.mp4');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', PETS_VIDEO, '-frames:v', '1', '-f', 'image2', '-update', '1', path.join(dir, 'still.png')]);
  const v = spawnSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-framerate', '10', '-t', String(seconds), '-i', path.join(dir, 'still.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  if (r.status !== 0 || v.status !== 0) throw new Error(`ffmpeg could not make the still clip: ${r.stderr.toString()}${v.stderr.toString()}`);
  return file;
}

/** True when every stream kept real time: under 2% of frames dropped, lag p95 under 1 s and not growing. */
export function keptUp(results: readonly StreamResult[]): boolean {
  return results.every((r) => r.dropped <= 0.02 * (r.frames + r.dropped) && r.lagP95 < 1 && r.lagGrowth < 0.25);
}
