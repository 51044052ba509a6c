/**
 * Pure ffmpeg/ffprobe argument lists for Sightline's ingest, and the parsing of what those arguments make
 * ffmpeg write. Needs ffmpeg >= 5.1 (`-fps_mode`; `-timeout` as the RTSP socket timeout).
 *
 * Decoding writes raw RGB24 frames to stdout and one `showinfo` line per frame to stderr; the
 * `showinfo@out` line of a frame carries its size and pts, and when frames are subsampled a
 * `showinfo@src` before the `select` filter carries each source frame's number, matched by pts.
 */
import type { BufferPool } from '../core/buffer-pool.ts';
import type { Box, Point } from '../core/geometry.ts';
import type { IngestErrorCode } from './frame-source.ts';

/** How a source is reached: a local file, an RTSP camera, an HTTP(S) stream, or another network protocol. */
export type SourceKind = 'file' | 'rtsp' | 'http' | 'stream';

/** A width and a height in pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** How a frame is fitted into the output size: distorted to fill it, or scaled to fit inside and padded with black right and bottom. */
export type FitMode = 'stretch' | 'letterbox';

/** What to decode and how. */
export interface DecodeOptions {
  /** Output frame size; the source's own size when absent. */
  readonly size?: Size;
  /** How the source fits `size`; default `letterbox`. */
  readonly fit?: FitMode;
  /** Frames analysed per second, chosen among the source's own frames; every frame when absent. */
  readonly fps?: number;
  /** Network I/O timeout in milliseconds for live sources; default 10,000. */
  readonly timeoutMs?: number;
}

/** Default network I/O timeout for live sources, in milliseconds. */
export const DEFAULT_NETWORK_TIMEOUT_MS = 10_000;

/** Tells how `url` is reached from its scheme; anything without `scheme://` (or with `file://`) is a file. */
export function sourceKind(url: string): SourceKind {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') return 'file';
  if (scheme === 'rtsp' || scheme === 'rtsps') return 'rtsp';
  if (scheme === 'http' || scheme === 'https') return 'http';
  return 'stream';
}

/** True for sources that do not end on their own (cameras, network streams): they are reconnected, never read at file speed. */
export function isLive(kind: SourceKind): boolean {
  return kind !== 'file';
}

/**
 * Input options for a source of the given kind, placed before `-i`; never `-re`. HTTP lets ffmpeg resume a
 * dropped transfer for up to 2 s; failing to connect is left to the source's own backoff.
 */
export function inputArgs(kind: SourceKind, timeoutMs: number = DEFAULT_NETWORK_TIMEOUT_MS): string[] {
  const micros = String(Math.round(timeoutMs * 1000));
  switch (kind) {
    case 'file':
      return [];
    case 'rtsp':
      return ['-rtsp_transport', 'tcp', '-timeout', micros];
    case 'http':
      return ['-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '2', '-rw_timeout', micros];
    case 'stream':
      return ['-rw_timeout', micros];
  }
}

/** Input options (before `-i`) that make a file behave like a camera: read at its native rate and looped forever. */
export const FILE_AS_CAMERA: readonly string[] = ['-re', '-stream_loop', '-1'];

/** Input options (before `-i`) of a camera's source in the server: a file loops at its own pace like a camera; a stream gets {@link inputArgs} of its kind. */
export function cameraInputArgs(url: string, timeoutMs: number = DEFAULT_NETWORK_TIMEOUT_MS): string[] {
  const kind = sourceKind(url);
  return kind === 'file' ? [...FILE_AS_CAMERA] : inputArgs(kind, timeoutMs);
}

/** Arguments for ffmpeg to decode the first video stream of `url` to RGB24 frames on stdout, with a `showinfo` line per frame on stderr. */
export function decodeArgs(url: string, options: DecodeOptions = {}): string[] {
  const filters: string[] = [];
  if (options.fps !== undefined) {
    if (!(options.fps > 0)) throw new RangeError(`fps must be positive, got ${options.fps}`);
    filters.push('showinfo@src=checksum=0', selectFilter(options.fps));
  }
  filters.push(...fitFilters(options.size, options.fit ?? 'letterbox'), 'showinfo@out=checksum=0');
  return [
    ...commonArgs('level+info'),
    ...inputArgs(sourceKind(url), options.timeoutMs),
    '-i', url,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-fps_mode', 'passthrough',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

/** Output options of fragmented MP4 for Media Source Extensions: a fragment at every key frame and at least every 200 ms. */
export const FRAGMENTED_MP4: readonly string[] = ['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe', '-frag_duration', '200000'];

/**
 * `args` (a decoder's, writing frames to pipe:1) with a second output: the first video stream
 * copied without re-encoding as fragmented MP4 on pipe:3 (file descriptor 3). One demuxer feeds
 * both, so the MP4's samples and the decoded frames carry the same timestamps: live view shows
 * exactly the frames that were analysed, in step with their boxes.
 */
export function withMp4Output(args: readonly string[]): string[] {
  return [...args, '-map', '0:v:0', '-c:v', 'copy', '-an', '-sn', '-dn', ...FRAGMENTED_MP4, 'pipe:3'];
}

/** Arguments for ffmpeg to write one frame at the source's own size as RGB24 to stdout (`atSeconds` seeks into files first). */
export function snapshotArgs(url: string, options: { readonly atSeconds?: number; readonly timeoutMs?: number } = {}): string[] {
  const kind = sourceKind(url);
  const seek = options.atSeconds !== undefined && kind === 'file' ? ['-ss', String(options.atSeconds)] : [];
  return [
    ...commonArgs('level+info'),
    ...inputArgs(kind, options.timeoutMs),
    ...seek,
    '-i', url,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', 'format=rgb24,showinfo@out=checksum=0',
    '-frames:v', '1',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

/** Arguments for ffprobe to describe `url`'s first video stream and its container as JSON on stdout. */
export function probeArgs(url: string, timeoutMs?: number): string[] {
  return [
    '-hide_banner', '-loglevel', 'error',
    ...inputArgs(sourceKind(url), timeoutMs),
    '-select_streams', 'v:0', '-show_streams', '-show_format', '-print_format', 'json',
    '-i', url,
  ];
}

/** Source rates above this many frames per second are taken as unknown (a stream's time base read as its rate). */
const MAX_BELIEVABLE_FPS = 240;

/**
 * The rate to analyse a source at when `requested` frames per second are asked for: every k-th
 * frame of the source, k the largest whole number that keeps at least the requested rate (within
 * 1%), so analysed frames come at regular intervals. Picking 5 of every 7 frames of a 7 fps camera
 * instead gives gaps of 1/7 and 2/7 s that the tracker, which moves one frame per step, follows
 * worse (PETS at 5 of 7: live counts 18/20 on a line that every frame counts 19/20,
 * `bench/live.ts`). A 25 or 30 fps camera at 5 is analysed at exactly 5, a 7 fps camera at 7, a
 * 12 fps one at 6. A source slower than asked is analysed whole; an unknown rate is taken as asked.
 */
export function analysedRate(requested: number, sourceFps: number | null): number {
  if (sourceFps === null || !Number.isFinite(sourceFps) || sourceFps <= 0 || sourceFps > MAX_BELIEVABLE_FPS) return requested;
  if (sourceFps <= requested) return sourceFps;
  const k = Math.max(1, Math.floor((sourceFps / requested) * 1.01));
  return sourceFps / k;
}

/** Fraction of a 1/fps slot by which a frame's timestamp may fall short of the slot's start and still open it. */
export const SLOT_TOLERANCE = 0.02;

function commonArgs(loglevel: string): string[] {
  return ['-nostdin', '-hide_banner', '-nostats', '-loglevel', loglevel];
}

/**
 * Keeps the first frame of each 1/fps-second slot of stream time, so kept frames are source frames
 * (never duplicated or blended) and the rate does not drift. The slot edges have a tolerance of
 * {@link SLOT_TOLERANCE} of a slot: stream timestamps are rounded to their time base (RTSP's 90 kHz
 * gives 0.142856 s for the second frame of a 7 fps camera), and without it a frame rounded to just
 * before an edge falls in the slot of the frame before and is dropped (15% of a 7 fps camera's frames
 * at 7 fps, measured through the RTSP relay).
 */
function selectFilter(fps: number): string {
  const slot = (t: string): string => `floor(${t}*${fps}+${SLOT_TOLERANCE})`;
  return `select='isnan(prev_selected_t)+gt(${slot('t')},${slot('prev_selected_t')})'`;
}

function fitFilters(size: Size | undefined, fit: FitMode): string[] {
  if (size === undefined) return ['format=rgb24'];
  const { width: w, height: h } = size;
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0)) throw new RangeError(`size must be positive integers, got ${w}x${h}`);
  if (fit === 'stretch') return [`scale=w=${w}:h=${h}`, 'format=rgb24'];
  return [`scale=w=${w}:h=${h}:force_original_aspect_ratio=decrease`, 'format=rgb24', `pad=w=${w}:h=${h}:x=0:y=0:color=black`];
}

/** Where the source's picture lies in an output frame, and the factors that map output pixels back to source pixels. */
export interface FitGeometry {
  readonly source: Size;
  readonly output: Size;
  /** Size of the picture inside the output, from its top-left corner; the rest is black padding. */
  readonly content: Size;
  /** Source pixels per output pixel, horizontally. */
  readonly scaleX: number;
  /** Source pixels per output pixel, vertically. */
  readonly scaleY: number;
}

/** Computes the geometry ffmpeg's `scale`/`pad` produce for a source fitted into `output` (rounding as ffmpeg 5.1 does). */
export function fitGeometry(source: Size, output: Size, fit: FitMode): FitGeometry {
  let content: Size = output;
  if (fit === 'letterbox') {
    content = {
      width: Math.min(output.width, rescale(output.height, source.width, source.height)),
      height: Math.min(output.height, rescale(output.width, source.height, source.width)),
    };
  }
  return { source, output, content, scaleX: source.width / content.width, scaleY: source.height / content.height };
}

/** `a * b / c` rounded half away from zero in integers, like ffmpeg's `av_rescale`. */
function rescale(a: number, b: number, c: number): number {
  return Math.floor((a * b + Math.floor(c / 2)) / c);
}

/** Maps a point in output pixels back to source pixels. */
export function toSourcePoint(geometry: FitGeometry, point: Point): Point {
  return [point[0] * geometry.scaleX, point[1] * geometry.scaleY];
}

/** Maps a box in output pixels back to source pixels, clipped to the source (a box reaching into the padding is cut). */
export function toSourceBox(geometry: FitGeometry, box: Box): Box {
  const { width, height } = geometry.source;
  const x0 = clamp(box.x * geometry.scaleX, 0, width);
  const y0 = clamp(box.y * geometry.scaleY, 0, height);
  const x1 = clamp((box.x + box.w) * geometry.scaleX, 0, width);
  const y1 = clamp((box.y + box.h) * geometry.scaleY, 0, height);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** One per-frame line of a `showinfo@src` (before subsampling) or `showinfo@out` (what reaches stdout) filter. */
export interface ShowinfoLine {
  readonly filter: 'src' | 'out';
  /** 0-based count of frames that passed this filter. */
  readonly n: number;
  /** Presentation timestamp in stream time-base units, null when the stream has none. */
  readonly pts: number | null;
  /** Presentation timestamp in seconds, null when the stream has none. */
  readonly ptsTime: number | null;
  readonly width: number;
  readonly height: number;
}

const SHOWINFO = /^\[showinfo@(src|out) @ [^\]]*\] (?:\[[a-z]+\] )?n:\s*(\d+) pts:\s*(\S+) pts_time:(\S+) .*? s:(\d+)x(\d+) /;

/** Parses one stderr line printed by the `showinfo` filters of `decodeArgs`, or returns null for any other line. */
export function parseShowinfo(line: string): ShowinfoLine | null {
  const m = SHOWINFO.exec(line);
  if (m === null) return null;
  const pts = Number(m[3]);
  const ptsTime = Number(m[4]);
  return {
    filter: m[1] === 'src' ? 'src' : 'out',
    n: Number(m[2]),
    pts: Number.isFinite(pts) ? pts : null,
    ptsTime: Number.isFinite(ptsTime) ? ptsTime : null,
    width: Number(m[5]),
    height: Number(m[6]),
  };
}

/**
 * Numbers the frames that reach stdout: with subsampling, an `out` line takes the source frame number of
 * the `src` line with the same pts; without it, the `out` line's own count. A frame without pts (rare, live)
 * follows the previous one.
 */
export class FrameNumbering {
  private readonly bySrcPts = new Map<number, number>();
  private subsampled = false;
  private last = 0;

  /** Takes the next showinfo line; returns the 1-based source frame number for an `out` line, null for a `src` line. */
  push(line: ShowinfoLine): number | null {
    if (line.filter === 'src') {
      this.subsampled = true;
      if (line.pts !== null) this.bySrcPts.set(line.pts, line.n + 1);
      return null;
    }
    const matched = line.pts === null ? undefined : this.bySrcPts.get(line.pts);
    if (matched !== undefined) {
      for (const pts of this.bySrcPts.keys()) {
        this.bySrcPts.delete(pts);
        if (pts === line.pts) break;
      }
    }
    this.last = matched ?? (this.subsampled ? this.last + 1 : line.n + 1);
    return this.last;
  }
}

/**
 * Cuts the raw RGB24 byte stream into frames whose sizes come from their showinfo lines (which may arrive
 * before or after the bytes). Chunks may split frames anywhere; every byte is copied once, into the
 * buffer taken for its frame (from the pool when there is one), and only when its first bytes arrive.
 */
export class RawFrameSplitter<M extends Size> {
  private readonly pending: Uint8Array[] = [];
  private offset = 0;
  private readonly metas: M[] = [];
  private target: Uint8Array | null = null;
  private filled = 0;
  /** Bytes received and not yet in a complete frame's buffer. */
  pendingBytes = 0;

  /** `emit` receives each complete frame's description and pixels, in order; frame buffers come from `buffers` when given. */
  constructor(
    private readonly emit: (meta: M, data: Uint8Array) => void,
    private readonly buffers?: BufferPool,
  ) {}

  /** Adds the description of the next frame. */
  pushMeta(meta: M): void {
    this.metas.push(meta);
    this.drain();
  }

  /** Adds bytes from stdout. */
  pushData(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const meta = this.metas[0];
      if (meta === undefined || this.pending.length === 0) return;
      const bytes = meta.width * meta.height * 3;
      const target = (this.target ??= this.buffers?.take(bytes) ?? new Uint8Array(bytes));
      while (this.filled < target.length) {
        const chunk = this.pending[0];
        if (chunk === undefined) return;
        const n = Math.min(chunk.length - this.offset, target.length - this.filled);
        target.set(chunk.subarray(this.offset, this.offset + n), this.filled);
        this.filled += n;
        this.offset += n;
        this.pendingBytes -= n;
        if (this.offset === chunk.length) {
          this.pending.shift();
          this.offset = 0;
        }
      }
      this.metas.shift();
      this.target = null;
      this.filled = 0;
      this.emit(meta, target);
    }
  }
}

/** Returns the message of a warning, error or fatal line printed with `-loglevel level+...`, or null for other lines. */
export function problemLine(line: string): string | null {
  const m = /^(?:\[([^\]@]+?)(?: @ [^\]]*)?\] )?\[(warning|error|fatal|panic)\] (.*)$/.exec(line);
  if (m === null) return null;
  const text = m[3]?.trim() ?? '';
  if (text === '') return null;
  return m[1] === undefined ? text : `${m[1]}: ${text}`;
}

const ERROR_PATTERNS: ReadonlyArray<readonly [RegExp, IngestErrorCode]> = [
  [/No such file or directory|\b404\b/i, 'SOURCE_NOT_FOUND'],
  [/Connection refused|timed out|\b40[13]\b|Unauthorized|Forbidden|unreachable|No route to host|Name or service not known|name resolution|Connection reset|Broken pipe/i, 'SOURCE_UNREACHABLE'],
  [/matches no streams|does not contain any stream|no video stream/i, 'NO_VIDEO_STREAM'],
  [/Invalid data found|moov atom not found|could not find codec parameters|Unknown format/i, 'INVALID_MEDIA'],
];

/** Classifies why ffmpeg or ffprobe failed from its last stderr lines; `DECODE_FAILED` when nothing matches. */
export function ffmpegErrorCode(lines: readonly string[]): IngestErrorCode {
  for (const [pattern, code] of ERROR_PATTERNS) {
    if (lines.some((line) => pattern.test(line))) return code;
  }
  return 'DECODE_FAILED';
}
