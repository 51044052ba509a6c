/**
 * Pure ffmpeg arguments for recording a camera's main stream into MPEG-TS segments without
 * re-encoding, and the parsing of what those arguments make ffmpeg print: one CSV line per finished
 * segment on stdout (`-segment_list pipe:1 -segment_list_type csv -segment_list_flags live`) and an
 * `Opening '<file>' for writing` line on stderr when a segment starts. Packets are flushed to the
 * file as they come, so a killed ffmpeg leaves a playable partial segment. Checked with ffmpeg 5.1.
 */
import path from 'node:path';
import { cameraInputArgs, DEFAULT_NETWORK_TIMEOUT_MS } from '../ingest/ffmpeg-args.ts';

/** What to record and where. */
export interface RecordArgsOptions {
  /** rtsp(s)://, http(s)://, another stream URL, or a file path (looped at its own rate, for demos and tests). */
  readonly url: string;
  /** ffmpeg's output pattern, with `%05d` for the segment number. */
  readonly pattern: string;
  /** Target segment length; ffmpeg cuts at the first key frame after it. */
  readonly segmentSeconds: number;
  /** Network I/O timeout for streams, ms; default 10,000. */
  readonly timeoutMs?: number;
}

/**
 * Arguments for ffmpeg to copy the first video stream and the first audio stream (when there is one) of
 * `url` into segments. Audio that MPEG-TS cannot carry (G.711, say) is kept as a data stream.
 */
export function recordArgs(options: RecordArgsOptions): string[] {
  const { url, segmentSeconds } = options;
  if (!(Number.isFinite(segmentSeconds) && segmentSeconds > 0)) throw new RangeError(`segmentSeconds must be positive, got ${segmentSeconds}`);
  const input = cameraInputArgs(url, options.timeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS);
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info',
    ...input,
    '-i', url,
    '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(segmentSeconds), '-segment_format', 'mpegts', '-reset_timestamps', '1',
    // Without it ffmpeg 5.1 writes each segment only when it is complete, and a crash loses it.
    '-segment_format_options', 'flush_packets=1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv', '-segment_list_flags', 'live',
    options.pattern,
  ];
}

/** A finished segment as ffmpeg's CSV segment list reports it: its file name and its start and end in stream seconds. */
export interface SegmentListEntry {
  /** File name without its folder. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Parses one line of the CSV segment list (`name,start,end`; the name may be quoted), or returns null. */
export function parseSegmentListLine(line: string): SegmentListEntry | null {
  const m = /^(?:"((?:[^"]|"")*)"|([^,"]*)),(-?[\d.]+(?:e[+-]?\d+)?),(-?[\d.]+(?:e[+-]?\d+)?)\s*$/i.exec(line.trim());
  if (m === null) return null;
  const name = m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? '');
  const start = Number(m[3]);
  const end = Number(m[4]);
  if (name === '' || !Number.isFinite(start) || !Number.isFinite(end)) return null;
  return { name: path.basename(name), start, end };
}

/** The file name (without folder) in ffmpeg's `Opening '<file>' for writing` line of a `.ts` segment, or null for other lines. */
export function parseOpeningLine(line: string): string | null {
  const m = /^\[segment @ [^\]]*\] (?:\[info\] )?Opening '(.+\.ts)' for writing\s*$/.exec(line);
  return m === null ? null : path.basename(m[1]!);
}
