import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { loadYamlWith } from '../config/load.ts';
import { analyticsConfigSchema, PRESET_NAMES } from '../config/schema/index.ts';
import { SightlineError } from '../core/errors.ts';
import { resolveBackend } from '../detect/choose-backend.ts';
import { analysisSize } from '../detect/detect-options.ts';
import { createDetectorPool, defaultWorkerCount, type DetectorPool } from '../detect/worker-pool.ts';
import { coverageProblem, inputCoverage } from '../ingest/coverage.ts';
import { analysedRate, isLive, sourceKind } from '../ingest/ffmpeg-args.ts';
import { FfmpegSource, grabFrame } from '../ingest/ffmpeg-source.ts';
import { probe } from '../ingest/probe.ts';
import { redactUrl } from '../ingest/redact-url.ts';
import { analyze } from '../pipeline/analyze.ts';
import { eventsJsonl, occupancyCsv, trackFiles, writeOutputs } from '../pipeline/outputs.ts';
import { renderHeatmapPng } from '../render/heatmap-png.ts';
import { dataDirFrom, parseCommandArgs, positiveNumber } from './args.ts';
import { createProgressBar } from './progress.ts';

/** Exit status of `analyze --strict` when the input is truncated or damaged (results of the analysed part are still written). */
export const EXIT_INCOMPLETE_INPUT = 3;

/** `sightline analyze <video> --config <file.yml> --out <dir>`: batch analysis of a video file. */
export async function runAnalyze(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('analyze', argv, {
    config: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    fps: { type: 'string' },
    workers: { type: 'string' },
    'data-dir': { type: 'string' },
    quiet: { type: 'boolean', short: 'q', default: false },
    strict: { type: 'boolean', default: false },
    preset: { type: 'string' },
  });
  if (positionals.length !== 1) throw new SightlineError('USAGE', `analyze takes exactly one video, got ${positionals.length}. Usage: sightline analyze <video> --config <file.yml> --out <dir>`);
  const video = positionals[0]!;
  if (values.out === undefined) throw new SightlineError('USAGE', 'analyze needs --out <dir> for its results');
  const fps = positiveNumber('fps', values.fps);
  const workersFlag = positiveNumber('workers', values.workers, true);

  if (!isLive(sourceKind(video))) {
    const info = await stat(video).catch(() => null);
    if (!info) throw new SightlineError('SOURCE_NOT_FOUND', `video file ${video} does not exist`);
    if (!info.isFile()) throw new SightlineError('INVALID_MEDIA', `${video} is not a file`);
  }
  const preset = values.preset;
  if (preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new SightlineError('USAGE', `--preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(preset)}`);
  }
  // --preset replaces the file's own preset; the file's other settings still lie over it.
  const schema = preset === undefined ? analyticsConfigSchema : z.preprocess((raw) => ({ ...(typeof raw === 'object' && raw !== null ? raw : {}), preset }), analyticsConfigSchema);
  let config = schema.parse({});
  if (values.config !== undefined) {
    const loaded = await loadYamlWith(schema, values.config);
    if (!loaded.ok) throw loaded.error;
    config = loaded.value;
  }
  await writeOutputs(values.out, new Map());
  const info = await probe(video);
  const sourceFps = info.frameRate ?? 25;
  // --fps N: every k-th frame, the largest k keeping at least N per second (regular intervals, as live cameras).
  const analysedFps = fps !== undefined ? analysedRate(fps, sourceFps) : sourceFps;
  const expected = info.frameCount !== null ? Math.round((info.frameCount * analysedFps) / sourceFps) : undefined;

  const started = performance.now();
  const dataDir = dataDirFrom(values['data-dir']);
  const backend = await resolveBackend(config.detect, dataDir);
  if (backend.notice !== undefined) process.stderr.write(`sightline: ${backend.notice}\n`);
  const pool: DetectorPool = await createDetectorPool({ backend: backend.spec, workers: workersFlag ?? config.detect.workers ?? defaultWorkerCount() });
  const progress = createProgressBar('analyze');
  try {
    const frames = new FfmpegSource({
      url: video,
      live: false,
      size: analysisSize(pool.traits, config.detect, { width: info.width, height: info.height }),
      fit: config.detect.fit,
      ...(fps !== undefined && { fps: analysedFps }),
    });
    let done = 0;
    const result = await analyze({
      frames,
      sourceSize: { width: info.width, height: info.height },
      analysedFps,
      config,
      pool,
      onFrame: (_frame, time) => {
        done++;
        if (!values.quiet) progress.update(done, expected, `${time.toFixed(1)} s`);
      },
    });
    progress.finish();
    if (result.stats.frames === 0) throw new SightlineError('INVALID_MEDIA', `${redactUrl(video)} holds no decodable video frame`);

    const decodeErrors = frames.decodeErrors;
    const input = inputCoverage(
      { seconds: info.duration, frames: info.frameCount, fps: info.frameRate },
      { frames: result.stats.frames, lastTime: result.lastTime, fps: analysedFps, decodeErrors: decodeErrors.count, lastDecodeErrors: decodeErrors.last },
    );
    const problem = coverageProblem(input);
    // The background comes from within the analysed part: a truncated file has nothing at its claimed middle.
    const background = await grabFrame(video, info.duration !== null ? { atSeconds: Math.min(Math.min(info.duration, input.analysedSeconds) / 2, 10) } : {}).catch(() => null);
    const heatFrame = background ?? { width: info.width, height: info.height, data: new Uint8Array(info.width * info.height * 3) };
    const wallSeconds = (performance.now() - started) / 1000;
    const summary = {
      source: redactUrl(video),
      width: info.width,
      height: info.height,
      frames: result.stats.frames,
      seconds: input.analysedSeconds,
      analysedFps,
      input,
      lines: result.summary.lines,
      zones: result.summary.zones,
      events: result.events.length,
      tracks: new Set(result.rows.map((r) => r.id)).size,
      detector: { name: pool.traits.name, workers: pool.size, detectedFrames: result.stats.detectedFrames, motionSkippedFrames: result.stats.motionSkippedFrames },
      timing: { wallSeconds: Math.round(wallSeconds * 100) / 100, analysedFramesPerSecond: Math.round((result.stats.frames / wallSeconds) * 100) / 100 },
    };
    // Gaps are filled in source frames: with --fps the frames between analysed ones are filled too.
    const files = new Map<string, string | Buffer>(trackFiles(result.rows, Math.round(config.tracker.maxLostSeconds * sourceFps)));
    files.set('events.jsonl', eventsJsonl(result.events));
    if (result.ruleSet.zones.length > 0) files.set('occupancy.csv', occupancyCsv(result.occupancy));
    files.set('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    files.set('heatmap.png', renderHeatmapPng(heatFrame, result.heat));
    await writeOutputs(values.out, files);

    if (problem !== null && values.strict) {
      process.stderr.write(`sightline analyze: ${problem} (--strict; results of the analysed part are in ${values.out})\n`);
      return EXIT_INCOMPLETE_INPUT;
    }
    if (problem !== null) process.stderr.write(`sightline analyze: warning: ${problem}\n`);
    const lines = Object.entries(result.summary.lines).map(([name, c]) => `${name} in ${c.in} out ${c.out}`);
    process.stdout.write(
      `analyzed ${summary.frames} frames (${summary.seconds} s of video) in ${summary.timing.wallSeconds} s, ${summary.timing.analysedFramesPerSecond} frames/s: ` +
        `${summary.tracks} tracks, ${summary.events} events${lines.length > 0 ? `; ${lines.join(', ')}` : ''} -> ${values.out}\n`,
    );
    return 0;
  } finally {
    progress.finish();
    await pool.close();
  }
}
