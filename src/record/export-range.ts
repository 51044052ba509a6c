/**
 * Joins recorded MPEG-TS segments into one MP4 with ffmpeg's concat demuxer, without re-encoding
 * (`-c copy -movflags +faststart`). Without decoding, a video can only start on a key frame, so the
 * export starts at the last key frame at or before `from` (found with ffprobe in the first segment;
 * every segment starts with one) and ends at `to` (give or take the decoder's reordering delay, a
 * frame or two): it may begin up to one key-frame interval early, never late.
 */
import { execFile } from 'node:child_process';
import { writeFile, rm, stat } from 'node:fs/promises';
import { SightlineError } from '../core/errors.ts';

/** One segment file to join. */
export interface ExportPart {
  /** Absolute path. */
  readonly file: string;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms. */
  readonly endTime: number;
}

/** How to run the export. */
export interface ExportOptions {
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** ffmpeg is killed after this long, ms; default 600,000. */
  readonly timeoutMs?: number;
}

/** A concat demuxer script (`ffconcat version 1.0`) that lists the files in order, quoted for the demuxer. */
export function concatScript(files: readonly string[]): string {
  return ['ffconcat version 1.0', ...files.map((f) => `file '${f.replace(/'/g, "'\\''")}'`), ''].join('\n');
}

/** ffmpeg arguments that join the files of `script` from `startSeconds` for `durationSeconds` into an MP4 at `output`. */
export function exportArgs(script: string, output: string, startSeconds: number, durationSeconds: number): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+warning',
    ...(startSeconds > 0 ? ['-ss', startSeconds.toFixed(6)] : []),
    '-f', 'concat', '-safe', '0', '-i', script,
    '-t', durationSeconds.toFixed(6),
    '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy',
    '-movflags', '+faststart',
    '-f', 'mp4', '-y', output,
  ];
}

/** What ffprobe's packets of a segment file's video say: the key frame at or before an offset, the spacing of frames, the picture's size. */
export interface SegmentFacts {
  /** Seconds from the file's start of the last key frame at or before the offset; 0 when unknown. */
  readonly key: number;
  /** The median spacing of frames, s (0.1 when unknown): a dropped frame or two do not change it. */
  readonly frameSeconds: number;
  /** Pixels; 0 when unknown. */
  readonly width: number;
  readonly height: number;
}

const UNKNOWN: SegmentFacts = { key: 0, frameSeconds: 0.1, width: 0, height: 0 };

/** Reads a segment file's video packets with ffprobe (see {@link segmentFacts}); unknown facts when it fails. */
export async function probeSegment(file: string, offsetSeconds: number, ffprobePath = 'ffprobe'): Promise<SegmentFacts> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags:format=start_time:stream=width,height', '-of', 'json', '-i', file];
  const { stdout, failed } = await run(ffprobePath, args, 30_000, 64 * 1024 * 1024);
  return failed ? UNKNOWN : segmentFacts(stdout, offsetSeconds);
}

/** The last key frame at or before `offsetSeconds` from the start of a segment file, in seconds from its start; 0 when unknown. */
export async function keyFrameBefore(file: string, offsetSeconds: number, ffprobePath = 'ffprobe'): Promise<number> {
  if (offsetSeconds <= 0) return 0;
  return (await probeSegment(file, offsetSeconds, ffprobePath)).key;
}

/** Picks the latest key packet at or before `offsetSeconds` from ffprobe's JSON of packets and format start time. */
export function latestKey(json: string, offsetSeconds: number): number {
  return segmentFacts(json, offsetSeconds).key;
}

/** The facts of ffprobe's JSON of a segment's packets, format start time and stream size. */
export function segmentFacts(json: string, offsetSeconds: number): SegmentFacts {
  let parsed: { packets?: Array<{ pts_time?: string; flags?: string }>; format?: { start_time?: string }; streams?: Array<{ width?: number; height?: number }> };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return UNKNOWN;
  }
  const origin = Number(parsed.format?.start_time ?? 0);
  const times: number[] = [];
  let key = 0;
  for (const p of parsed.packets ?? []) {
    const t = Number(p.pts_time) - (Number.isFinite(origin) ? origin : 0);
    if (!Number.isFinite(t)) continue;
    times.push(t);
    if (p.flags?.startsWith('K') === true && t <= offsetSeconds + 1e-6 && t > key) key = t;
  }
  times.sort((x, y) => x - y);
  const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((g) => g > 1e-4).sort((x, y) => x - y);
  const median = gaps[Math.floor(gaps.length / 2)];
  const size = parsed.streams?.[0];
  return { key, frameSeconds: median ?? UNKNOWN.frameSeconds, width: Number(size?.width) || 0, height: Number(size?.height) || 0 };
}

/**
 * Writes the export of [from, to) from `parts` (oldest first, overlapping the range) to `output`;
 * EXPORT_FAILED with ffmpeg's last lines when it fails (the partial output is removed). Returns its
 * size and the epoch ms of its first frame (the key frame it starts on).
 */
export async function exportParts(parts: readonly ExportPart[], from: number, to: number, output: string, options: ExportOptions = {}): Promise<{ readonly bytes: number; readonly startTime: number }> {
  const first = parts[0];
  if (first === undefined) throw new SightlineError('EXPORT_FAILED', 'nothing to export');
  const wanted = Math.max(0, (from - first.startTime) / 1000);
  const key = await keyFrameBefore(first.file, wanted, options.ffprobePath);
  // Just before the key frame, so that rounding never skips it (and with it the whole group of pictures).
  const start = Math.max(0, key - 0.001);
  const duration = (to - first.startTime) / 1000 - start;
  const script = `${output}.ffconcat`;
  const bin = options.ffmpegPath ?? 'ffmpeg';
  try {
    await writeFile(script, concatScript(parts.map((p) => p.file)), { mode: 0o600 });
    const result = await run(bin, exportArgs(script, output, start, duration), options.timeoutMs ?? 600_000, 1024 * 1024);
    if (result.failed) {
      await rm(output, { force: true });
      const lines = result.stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').slice(-5);
      throw new SightlineError('EXPORT_FAILED', `ffmpeg could not join ${parts.length} segment(s) into an MP4 (${result.why}): ${lines.join('; ') || 'no message'}`);
    }
    return { bytes: (await stat(output)).size, startTime: Math.round(first.startTime + key * 1000) };
  } finally {
    await rm(script, { force: true });
  }
}

/** Runs a binary to completion. */
function run(bin: string, args: string[], timeoutMs: number, maxBuffer: number): Promise<{ stdout: string; stderr: string; failed: boolean; why: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer, windowsHide: true }, (error, stdout, stderr) => {
      let why = '';
      if (error !== null) {
        if (error.code === 'ENOENT' || error.code === 'EACCES') why = `${bin} not found or not executable`;
        else if (error.killed) why = `no result in ${timeoutMs} ms`;
        else why = `exit code ${String(error.code ?? error.signal)}`;
      }
      resolve({ stdout, stderr, failed: error !== null, why });
    });
  });
}
