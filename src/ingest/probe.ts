/** Describes a source's video stream with ffprobe, failing with a typed, redacted error. */
import { execFile } from 'node:child_process';
import { ffmpegErrorCode, probeArgs } from './ffmpeg-args.ts';
import { FFMPEG_INSTALL_HINT, IngestError } from './frame-source.ts';
import { redactText, redactUrl } from './redact-url.ts';

/** What ffprobe says about a source's first video stream. */
export interface VideoInfo {
  readonly width: number;
  readonly height: number;
  /** Average frames per second, null when the container does not say. */
  readonly frameRate: number | null;
  /** Number of frames as the container records it, null when unknown (live streams, some containers). */
  readonly frameCount: number | null;
  /** Duration in seconds, null when unknown (live streams). */
  readonly duration: number | null;
  /** ffmpeg's name of the codec, e.g. `h264`. */
  readonly codec: string;
}

/** How to run ffprobe. */
export interface ProbeOptions {
  /** The ffprobe binary; default `ffprobe` from the PATH. */
  readonly ffprobePath?: string;
  /** Network I/O timeout for live sources in ms; ffprobe is also killed after twice this (default 10,000). */
  readonly timeoutMs?: number;
}

/** Runs ffprobe on `url` (a file path or a stream URL) and describes its first video stream, or rejects with an `IngestError`. */
export async function probe(url: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  const bin = options.ffprobePath ?? 'ffprobe';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { stdout, stderr, failure } = await run(bin, probeArgs(url, timeoutMs), timeoutMs * 2);
  const where = redactUrl(url);
  if (failure === 'not-found') {
    throw new IngestError('FFMPEG_NOT_FOUND', `ffprobe not found or not executable at '${bin}': ${FFMPEG_INSTALL_HINT}`);
  }
  const lines = stderr.split(/\r?\n/).map((l) => redactText(l.trim(), [url])).filter((l) => l !== '').slice(-5);
  if (failure !== null) {
    const code = failure === 'timeout' ? 'SOURCE_UNREACHABLE' : ffmpegErrorCode(lines);
    const detail = failure === 'timeout' ? `ffprobe gave no answer in ${timeoutMs * 2} ms` : lines.join('; ') || failure;
    throw new IngestError(code, `Cannot probe ${where}: ${detail}`);
  }
  return describe(where, parseJson(stdout));
}

type Failure = 'not-found' | 'timeout' | string | null;

/** Runs a binary to completion; `failure` is null on exit code 0. */
function run(bin: string, args: string[], killAfterMs: number): Promise<{ stdout: string; stderr: string; failure: Failure }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: killAfterMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      let failure: Failure = null;
      if (error !== null) {
        if (error.code === 'ENOENT' || error.code === 'EACCES') failure = 'not-found';
        else if (error.killed) failure = 'timeout';
        else failure = `ffprobe exited with ${String(error.code ?? error.signal)}`;
      }
      resolve({ stdout, stderr, failure });
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describe(where: string, json: unknown): VideoInfo {
  const streams = field(json, 'streams');
  const stream: unknown = Array.isArray(streams) ? streams[0] : undefined;
  if (stream === undefined) throw new IngestError('NO_VIDEO_STREAM', `${where} has no video stream`);
  const width = num(field(stream, 'width'));
  const height = num(field(stream, 'height'));
  if (width === null || height === null || width <= 0 || height <= 0) {
    throw new IngestError('INVALID_MEDIA', `${where}: ffprobe reports no frame size for the video stream`);
  }
  const codec = field(stream, 'codec_name');
  return {
    width,
    height,
    frameRate: rational(field(stream, 'avg_frame_rate')) ?? rational(field(stream, 'r_frame_rate')),
    frameCount: num(field(stream, 'nb_frames')),
    duration: num(field(stream, 'duration')) ?? num(field(field(json, 'format'), 'duration')),
    codec: typeof codec === 'string' ? codec : 'unknown',
  };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** A positive-or-zero finite number from a JSON number or numeric string, else null. */
function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** A positive rate from ffprobe's `num/den` notation, null for `0/0` and the like. */
function rational(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const [a, b] = value.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a) || a <= 0) return null;
  const rate = b === undefined ? a : a / b;
  return Number.isFinite(rate) && rate > 0 ? rate : null;
}
