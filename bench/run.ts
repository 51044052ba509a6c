/**
 * `npm run bench`: measures Sightline on the PETS09-S2L1 sample beside the project and writes
 * BENCHMARKS.md. Everything runs in one process, so ratios compare like with like:
 *   1. per-frame cost of each CenterNet backend in this thread (tfjs-wasm, onnxruntime 1 thread);
 *   2. pool layouts for onnxruntime (workers x intra-op threads);
 *   3. the default pool: bare inference, full analysis of all 795 frames, bare inference again
 *      (efficiency = analysis / mean bare), accuracy against the ground truth;
 *   4. the same analysis on tfjs-wasm and with stretched frames, for accuracy and speed;
 *   5. concurrent live-paced 7 fps streams on the default pool, with and without motion gating.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AnalyticsConfig } from '../src/config/schema/index.ts';
import type { Detection } from '../src/core/detection.ts';
import { createCenterNetOnnx } from '../src/detect/centernet-onnx.ts';
import { analysisSize } from '../src/detect/detect-options.ts';
import { createCenterNetTfjs } from '../src/detect/centernet-tfjs.ts';
import { resolveBackend } from '../src/detect/choose-backend.ts';
import { createDetectorPool, defaultWorkerCount, type DetectorPool } from '../src/detect/worker-pool.ts';
import type { BackendSpec } from '../src/detect/worker-protocol.ts';
import { FfmpegSource } from '../src/ingest/ffmpeg-source.ts';
import { analyze } from '../src/pipeline/analyze.ts';
import { trackFiles } from '../src/pipeline/outputs.ts';
import { bareInference, concurrentStreams, decodeFrames, keptUp, makeStillClip, msPerFrame, PETS_SIZE, type StreamResult } from './phases.ts';
import { PETS_VIDEO, petsConfig, scoreDetections, scorePets } from './pets.ts';
import { renderReport, type Report } from './report.ts';
import { extractSection } from './sections.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-'));

async function withPool<T>(spec: BackendSpec, workers: number, fn: (pool: DetectorPool) => Promise<T>): Promise<T> {
  const pool = await createDetectorPool({ backend: spec, workers });
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

async function fullAnalysis(pool: DetectorPool, config: AnalyticsConfig): Promise<Report['runs'][number]> {
  const detections = new Map<number, readonly Detection[]>();
  const t0 = performance.now();
  const result = await analyze({
    frames: new FfmpegSource({ url: PETS_VIDEO, live: false, size: analysisSize(pool.traits, config.detect, PETS_SIZE), fit: config.detect.fit }),
    sourceSize: PETS_SIZE,
    analysedFps: 10,
    config,
    pool,
    onDetections: (frame, d) => detections.set(frame, d),
  });
  const wall = (performance.now() - t0) / 1000;
  const tracksTxt = trackFiles(result.rows, Math.round(config.tracker.maxLostSeconds * 10)).get('tracks.txt') ?? '';
  const score = await scorePets(tracksTxt, result.summary.lines);
  const detector = await Promise.all([config.tracker.lowThreshold, 0.3, config.tracker.highThreshold, 0.5].map(async (min) => ({ min, ...(await scoreDetections(detections, min)) })));
  log(`${pool.traits.name} ${config.detect.fit}: ${result.stats.frames} frames in ${wall.toFixed(1)} s; MOTA ${score.tracking.mota.toFixed(3)} IDF1 ${score.tracking.idf1.toFixed(3)}`);
  return { backend: pool.traits.name, fit: config.detect.fit, frames: result.stats.frames, wall, stats: result.stats, score, detector };
}

async function main(): Promise<void> {
  if (!existsSync(PETS_VIDEO)) throw new Error(`PETS sample not found at ${PETS_VIDEO}; the benchmark needs ../shared/data`);
  const config = await petsConfig();
  const workers = config.detect.workers ?? defaultWorkerCount();
  const choice = await resolveBackend(config.detect, path.join(ROOT, 'data'));
  if (choice.notice !== undefined) log(choice.notice);
  const onnxSpec = choice.spec.kind === 'centernet-onnx' ? choice.spec : null;
  const sample = await decodeFrames({ width: 512, height: 512 }, config.detect.fit, 48);

  log('per-frame cost in this thread, same frames');
  const tfjs = await createCenterNetTfjs();
  const perFrame: Report['perFrame'] = { tfjs: await msPerFrame(tfjs, config, sample.slice(0, quick ? 8 : 24)) };
  await tfjs.dispose();
  if (onnxSpec) {
    const onnx = await createCenterNetOnnx({ modelPath: onnxSpec.modelPath, threads: 1 });
    perFrame.onnx = await msPerFrame(onnx, config, sample.slice(0, quick ? 8 : 24));
    await onnx.dispose();
  }
  log(`tfjs-wasm ${perFrame.tfjs.toFixed(1)} ms/frame, onnx ${perFrame.onnx?.toFixed(1) ?? '—'} ms/frame`);

  const layouts: Report['layouts'][number][] = [];
  if (onnxSpec && !quick) {
    for (const [w, t] of [[workers, 1], [1, workers]] as const) {
      const fps = await withPool({ ...onnxSpec, threads: t }, w, (p) => bareInference(p, config, sample, 240));
      layouts.push({ workers: w, threads: t, fps });
      log(`onnx ${w} workers x ${t} threads: ${fps.toFixed(1)} frames/s`);
    }
  }

  const runs: Report['runs'] = [];
  let efficiency: Report['efficiency'] = null;
  let streams: Report['streams'][number][] = [];
  const rssBefore = process.memoryUsage().rss;
  await withPool(choice.spec, workers, async (pool) => {
    const total = pool.traits.name.includes('onnx') ? 240 : 96;
    const bare1 = await bareInference(pool, config, sample, total);
    const run = await fullAnalysis(pool, config);
    runs.push(run);
    const bare2 = await bareInference(pool, config, sample, total);
    efficiency = { bare1, bare2, analysed: run.frames / run.wall, ratio: run.frames / run.wall / ((bare1 + bare2) / 2), peakRss: process.resourceUsage().maxRSS * 1024, rssBefore };
    log(`efficiency ${efficiency.ratio.toFixed(3)}`);
    if (!quick) {
      runs.push(await fullAnalysis(pool, { ...config, detect: { ...config.detect, fit: 'stretch' } }));
      const scenes: { scene: 'PETS' | 'still'; video: string; motion: boolean; counts: number[] }[] = [
        { scene: 'PETS', video: PETS_VIDEO, motion: false, counts: [3, 4, 5, 6] },
        { scene: 'PETS', video: PETS_VIDEO, motion: true, counts: [3, 4, 5, 6] },
        { scene: 'still', video: makeStillClip(tmp, 30), motion: false, counts: [4, 5, 6] },
        { scene: 'still', video: makeStillClip(tmp, 30), motion: true, counts: [4, 8, 12] },
      ];
      for (const { scene, video, motion, counts } of scenes) {
        const cfg = { ...config, detect: { ...config.detect, motion: { ...config.detect.motion, enabled: motion } } };
        let best = 0;
        for (const n of counts) {
          const results: StreamResult[] = await concurrentStreams(pool, cfg, n, 7, 30, video);
          const ok = keptUp(results);
          streams.push({ scene, motion, n, ok, results });
          log(`${n} ${scene} streams at 7 fps, motion gating ${motion ? 'on' : 'off'}: ${ok ? 'kept up' : 'fell behind'}`);
          if (!ok) break;
          best = n;
        }
        streams = streams.map((s) => (s.motion === motion && s.scene === scene ? { ...s, best } : s));
      }
    }
  });
  if (choice.spec.kind !== 'tfjs-wasm' && !quick) runs.push(await withPool({ kind: 'tfjs-wasm' }, workers, (pool) => fullAnalysis(pool, config)));

  const md = renderReport({ quick, workers, notice: choice.notice ?? null, perFrame, layouts, runs, efficiency, streams, machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown CPU', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version } });
  // The live accuracy and server load benchmarks own their sections; keep them when the analytics figures are rewritten.
  const previous = existsSync(path.join(ROOT, 'BENCHMARKS.md')) ? readFileSync(path.join(ROOT, 'BENCHMARKS.md'), 'utf8') : '';
  const kept = ['Live accuracy', 'Server load'].map((title) => extractSection(previous, title)).filter((section) => section !== '');
  await writeFile(path.join(ROOT, 'BENCHMARKS.md'), [md.trimEnd(), ...kept].join('\n\n') + '\n');
  log('wrote BENCHMARKS.md');
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
