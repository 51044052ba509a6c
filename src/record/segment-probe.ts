/** Asks ffprobe how long a recorded segment file plays, to index files that ffmpeg did not report. */
import { execFile } from 'node:child_process';

/** What ffprobe says about a segment file: null when it cannot read it or it holds no playable video. */
export interface SegmentProbe {
  /** Milliseconds from the first to the end of the last packet. */
  readonly durationMs: number;
}

/** How to run ffprobe. */
export interface SegmentProbeOptions {
  /** The ffprobe binary; default `ffprobe` from the PATH. */
  readonly ffprobePath?: string;
  /** ffprobe is killed after this long, ms; default 20,000. */
  readonly timeoutMs?: number;
}

/**
 * Probes a local segment file; resolves null when ffprobe fails, finds no video stream or no positive
 * duration, and rejects only when ffprobe itself is missing (ENOENT/EACCES), since nothing could then be recovered.
 */
export function probeSegment(file: string, options: SegmentProbeOptions = {}): Promise<SegmentProbe | null> {
  const bin = options.ffprobePath ?? 'ffprobe';
  const args = ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', '-i', file];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: options.timeoutMs ?? 20_000, maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error !== null && (error.code === 'ENOENT' || error.code === 'EACCES')) {
        reject(new Error(`ffprobe not found or not executable at '${bin}'`, { cause: error }));
        return;
      }
      resolve(error === null ? parseProbe(stdout) : null);
    });
  });
}

/** Reads ffprobe's JSON (`format.duration`, `streams[].codec_type`) into a probe result, or null. */
export function parseProbe(json: string): SegmentProbe | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { streams, format } = parsed as { streams?: unknown; format?: unknown };
  const hasVideo = Array.isArray(streams) && streams.some((s: unknown) => typeof s === 'object' && s !== null && (s as { codec_type?: unknown }).codec_type === 'video');
  const duration = typeof format === 'object' && format !== null ? Number((format as { duration?: unknown }).duration) : NaN;
  if (!hasVideo || !Number.isFinite(duration) || duration <= 0) return null;
  return { durationMs: Math.round(duration * 1000) };
}
