import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load.ts';
import { analyticsConfigSchema } from '../config/schema/index.ts';
import { SightlineError } from '../core/errors.ts';
import { loadFaceDetector } from '../detect/blazeface.ts';
import { resolveBackend } from '../detect/choose-backend.ts';
import { createDetectorPool, defaultWorkerCount } from '../detect/worker-pool.ts';
import { isLive, sourceKind } from '../ingest/ffmpeg-args.ts';
import { probe } from '../ingest/probe.ts';
import { redactVideo } from '../pipeline/redact.ts';
import { dataDirFrom, parseCommandArgs, positiveNumber } from './args.ts';
import { createProgressBar } from './progress.ts';

/** `sightline redact <video> --out <file.mp4> [--keep-track ID]`: every person's head pixelated, frame for frame. */
export async function runRedact(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('redact', argv, {
    out: { type: 'string', short: 'o' },
    'keep-track': { type: 'string' },
    config: { type: 'string', short: 'c' },
    workers: { type: 'string' },
    'data-dir': { type: 'string' },
    quiet: { type: 'boolean', short: 'q', default: false },
  });
  if (positionals.length !== 1) throw new SightlineError('USAGE', `redact takes exactly one video, got ${positionals.length}. Usage: sightline redact <video> --out <file.mp4> [--keep-track ID]`);
  const video = positionals[0]!;
  const out = values.out;
  if (out === undefined) throw new SightlineError('USAGE', 'redact needs --out <file.mp4> for the redacted video');
  if (!/\.mp4$/i.test(out)) throw new SightlineError('USAGE', `--out must name an .mp4 file, got "${out}"`);
  const keepTrack = positiveNumber('keep-track', values['keep-track'], true);
  const workers = positiveNumber('workers', values.workers, true);
  if (isLive(sourceKind(video))) throw new SightlineError('USAGE', 'redact reads video files, not live streams: record or export the footage first');
  const info = await stat(video).catch(() => null);
  if (!info) throw new SightlineError('SOURCE_NOT_FOUND', `video file ${video} does not exist`);
  if (!info.isFile()) throw new SightlineError('INVALID_MEDIA', `${video} is not a file`);
  if (path.resolve(out) === path.resolve(video)) throw new SightlineError('USAGE', '--out must not be the input video: the original would be lost');
  const outDir = await stat(path.dirname(path.resolve(out))).catch(() => null);
  if (!outDir?.isDirectory()) throw new SightlineError('USAGE', `the folder of ${out} does not exist`);

  let config = analyticsConfigSchema.parse({});
  if (values.config !== undefined) {
    const loaded = await loadConfig(values.config);
    if (!loaded.ok) throw loaded.error;
    config = loaded.value;
  }
  const media = await probe(video);
  const fps = media.frameRate ?? 25;
  const started = performance.now();
  const backend = await resolveBackend(config.detect, dataDirFrom(values['data-dir']));
  if (backend.notice !== undefined) process.stderr.write(`sightline: ${backend.notice}\n`);
  const pool = await createDetectorPool({ backend: backend.spec, workers: workers ?? config.detect.workers ?? defaultWorkerCount() });
  const faceLoad = await loadFaceDetector(path.join(dataDirFrom(values['data-dir']), 'models'));
  if (faceLoad.notice !== undefined) process.stderr.write(`sightline: ${faceLoad.notice}\n`);
  const faces = faceLoad.faces;
  const progress = createProgressBar('redact');
  const total = media.frameCount ?? undefined;
  try {
    const result = await redactVideo({
      video,
      output: out,
      width: media.width,
      height: media.height,
      fps,
      config,
      pool,
      ...(keepTrack !== undefined && { keepTrack }),
      ...(faces && { faces }),
      onProgress: (pass, done) => {
        if (!values.quiet) progress.update(done, total, pass === 1 ? 'finding people' : 'writing');
      },
    });
    progress.finish();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `redacted ${result.frames} frames (${media.width}x${media.height}) in ${seconds} s: ${result.tracks} people tracked, ${result.faces} faces found, ${result.regions} regions pixelated in ${result.framesRedacted} frames` +
        `${keepTrack !== undefined ? `, track ${keepTrack} left visible` : ''} -> ${out}\n`,
    );
    return 0;
  } finally {
    progress.finish();
    await pool.close();
    await faces?.dispose();
  }
}
