/**
 * Fragmented MP4 for browsers: splitting a byte stream into ISO-BMFF boxes, the codec string of an
 * init segment, the timescale and first-sample facts live viewers need (`mp4InitInfo`,
 * `mp4FragmentInfo`). Live cameras serve their decoder's own MP4 through `Mp4Broadcast`;
 * `LiveMp4Stream` here copies a URL with an ffmpeg of its own per viewer, for a stream no decoder
 * reads (the API's route tests).
 */
import type { ChildProcess } from 'node:child_process';
import { cameraInputArgs, FRAGMENTED_MP4, sourceKind } from '../ingest/ffmpeg-args.ts';
import { redactText } from '../ingest/redact-url.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import type { LiveStream, LiveStreamHandlers } from '../server/services.ts';

/** Longest ffmpeg error text kept for the end reason, characters. */
const STDERR_KEEP = 2000;

/** How long a stopping ffmpeg gets after SIGTERM before SIGKILL, ms. */
const KILL_AFTER_MS = 2000;

/** ffmpeg arguments that copy the first video stream of `url` to fragmented MP4 on stdout; files loop at their native rate like a camera. */
export function liveMp4Args(url: string): string[] {
  const input = sourceKind(url) === 'file' ? cameraInputArgs(url) : [...cameraInputArgs(url), '-fflags', 'nobuffer'];
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...input, '-i', url,
    '-map', '0:v:0', '-c', 'copy', '-an',
    ...FRAGMENTED_MP4,
    'pipe:1',
  ];
}

/** Splits a byte stream into complete top-level ISO-BMFF boxes. */
export class Mp4BoxSplitter {
  #pending: Buffer = Buffer.alloc(0);

  /** Adds bytes and returns the boxes they completed, each with its four-character type. */
  push(chunk: Buffer): { type: string; data: Buffer }[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const out: { type: string; data: Buffer }[] = [];
    let at = 0;
    for (;;) {
      const size = boxSize(this.#pending, at);
      if (size === null || at + size > this.#pending.length) break;
      out.push({ type: this.#pending.toString('latin1', at + 4, at + 8), data: this.#pending.subarray(at, at + size) });
      at += size;
    }
    this.#pending = this.#pending.subarray(at);
    return out;
  }
}

/** Size of the box at `at`, or null while its header is incomplete; throws on a size that cannot be. */
function boxSize(buf: Buffer, at: number): number | null {
  if (buf.length - at < 8) return null;
  const size32 = buf.readUInt32BE(at);
  if (size32 === 1) {
    if (buf.length - at < 16) return null;
    const size64 = Number(buf.readBigUInt64BE(at + 8));
    if (size64 < 16) throw new Error('malformed MP4 box size');
    return size64;
  }
  if (size32 < 8) throw new Error('malformed MP4 box size');
  return size32;
}

/** The RFC 6381 codec string (`avc1.PPCCLL`) from the avcC box of an init segment, or null when it holds no H.264 video. */
export function avcCodecString(init: Buffer): string | null {
  const at = init.indexOf('avcC', 0, 'latin1');
  if (at < 4 || at + 8 > init.length) return null;
  // avcC payload: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication.
  const hex = (b: number): string => b.toString(16).padStart(2, '0');
  return `avc1.${hex(init[at + 5]!)}${hex(init[at + 6]!)}${hex(init[at + 7]!)}`;
}

/** What a camera's live stream is built from. */
export interface LiveMp4Options {
  /** The analysed stream's URL, with credentials; never shown. */
  readonly url: string;
  readonly ffmpegPath?: string;
  /** Called with each viewer's ffmpeg process (tests). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** A camera's live MP4 stream: each `open` spawns its own ffmpeg, ended by `close()` or when ffmpeg ends. */
export class LiveMp4Stream implements LiveStream {
  constructor(private readonly o: LiveMp4Options) {}

  open(handlers: LiveStreamHandlers): { close(): Promise<void> } {
    const url = this.o.url;
    const child = spawnTied(this.o.ffmpegPath ?? 'ffmpeg', liveMp4Args(url), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.o.onSpawn?.(child);
    const splitter = new Mp4BoxSplitter();
    let stderr = '';
    let closing = false;
    let ended = false;
    let init: Buffer[] | null = [];
    let media: Buffer[] = [];
    let markExited = (): void => undefined;
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const end = (error: string | null): void => {
      if (ended) return;
      ended = true;
      handlers.onEnd(error);
    };
    const fail = (reason: string): void => {
      end(redactText(reason, [url]));
      stop();
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      killTimer.unref();
    };

    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEEP);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (ended) return;
      let boxes: { type: string; data: Buffer }[];
      try {
        boxes = splitter.push(chunk);
      } catch (error) {
        fail(`the live stream is not valid MP4: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      for (const box of boxes) {
        if (init !== null) {
          init.push(box.data);
          if (box.type !== 'moov') continue;
          const segment = Buffer.concat(init);
          init = null;
          const codec = avcCodecString(segment);
          if (codec === null) {
            fail('the camera stream is not H.264, which browsers need for live view; set the camera (or its sub-stream) to H.264');
            return;
          }
          handlers.onInit(`video/mp4; codecs="${codec}"`, segment);
          continue;
        }
        media.push(box.data);
        if (box.type !== 'mdat') continue;
        handlers.onMedia(media.length === 1 ? media[0]! : Buffer.concat(media));
        media = [];
      }
    });
    child.on('error', (error) => {
      fail(`could not start ffmpeg: ${error.message}`);
      if (child.pid === undefined) markExited();
    });
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      markExited();
      if (closing) end(null);
      else end(redactText(`the live stream ended (ffmpeg ${signal ?? `exit ${code}`})${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' | ')}`}`, [url]));
    });

    return {
      close: async () => {
        closing = true;
        stop();
        await exited;
        end(null);
      },
    };
  }
}

/** The payload ranges of the child boxes of `buf[start, end)`, by type (first of each type). */
function childBoxes(buf: Buffer, start: number, end: number): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  let at = start;
  while (at + 8 <= end) {
    const size = boxSize(buf, at);
    if (size === null || at + size > end) break;
    const type = buf.toString('latin1', at + 4, at + 8);
    const header = buf.readUInt32BE(at) === 1 ? 16 : 8;
    if (!out.has(type)) out.set(type, { start: at + header, end: at + size });
    at += size;
  }
  return out;
}

/** The payload of the box at the end of `path` (e.g. moov > trak > mdia > mdhd), or null. */
function findBox(buf: Buffer, path: readonly string[]): { start: number; end: number } | null {
  let range: { start: number; end: number } | undefined = { start: 0, end: buf.length };
  for (const type of path) {
    range = childBoxes(buf, range.start, range.end).get(type);
    if (range === undefined) return null;
  }
  return range;
}

/** What a live viewer needs of an init segment: the video track's timescale and its default sample flags. */
export interface Mp4InitInfo {
  /** Units per second of the track's times. */
  readonly timescale: number;
  /** `trex` default sample flags, used when a fragment does not state its own. */
  readonly defaultSampleFlags: number;
}

/** The timescale (mdhd of the first track) and trex default sample flags of an init segment, or null when it has none. */
export function mp4InitInfo(init: Buffer): Mp4InitInfo | null {
  const mdhd = findBox(init, ['moov', 'trak', 'mdia', 'mdhd']);
  if (mdhd === null || mdhd.end - mdhd.start < 24) return null;
  const version = init[mdhd.start]!;
  const timescale = init.readUInt32BE(mdhd.start + (version === 1 ? 20 : 12));
  if (timescale === 0) return null;
  const trex = findBox(init, ['moov', 'mvex', 'trex']);
  const defaultSampleFlags = trex !== null && trex.end - trex.start >= 24 ? init.readUInt32BE(trex.start + 20) : 0;
  return { timescale, defaultSampleFlags };
}

/** A media fragment's first sample: its presentation time in track units and whether it is a key frame. */
export interface Mp4FragmentInfo {
  /** Decode time of the first sample (tfdt) plus its composition offset, in timescale units. */
  readonly firstPresentation: number;
  /** True when the fragment starts with a sync sample, where a new viewer can start decoding. */
  readonly keyframe: boolean;
}

/** Bit of ISO-BMFF sample flags: sample_is_non_sync_sample. */
const NON_SYNC_SAMPLE = 0x1_0000;

/** The first sample of a fragment (moof, optionally followed by its mdat), from its traf's tfhd, tfdt and trun; null when they are missing. */
export function mp4FragmentInfo(fragment: Buffer, init: Mp4InitInfo): Mp4FragmentInfo | null {
  const traf = findBox(fragment, ['moof', 'traf']);
  if (traf === null) return null;
  const boxes = childBoxes(fragment, traf.start, traf.end);
  const tfhd = boxes.get('tfhd');
  const tfdt = boxes.get('tfdt');
  const trun = boxes.get('trun');
  if (tfhd === undefined || tfdt === undefined || trun === undefined) return null;
  let flags = init.defaultSampleFlags;
  const tfhdFlags = fragment.readUInt32BE(tfhd.start) & 0xff_ffff;
  // track_ID, then the optional fields in order: base offset (8), description index, duration, size, flags (4 each).
  let at = tfhd.start + 8 + (tfhdFlags & 0x1 ? 8 : 0) + (tfhdFlags & 0x2 ? 4 : 0) + (tfhdFlags & 0x8 ? 4 : 0) + (tfhdFlags & 0x10 ? 4 : 0);
  if (tfhdFlags & 0x20) flags = fragment.readUInt32BE(at);
  const decodeTime = fragment[tfdt.start] === 1 ? Number(fragment.readBigUInt64BE(tfdt.start + 4)) : fragment.readUInt32BE(tfdt.start + 4);
  const trunVersion = fragment[trun.start]!;
  const trunFlags = fragment.readUInt32BE(trun.start) & 0xff_ffff;
  if (fragment.readUInt32BE(trun.start + 4) === 0) return null;
  at = trun.start + 8 + (trunFlags & 0x1 ? 4 : 0);
  if (trunFlags & 0x4) {
    flags = fragment.readUInt32BE(at);
    at += 4;
  }
  // The first sample's fields: duration, size, flags, composition offset (4 bytes each, when present).
  at += (trunFlags & 0x100 ? 4 : 0) + (trunFlags & 0x200 ? 4 : 0);
  if (trunFlags & 0x400) {
    if (!(trunFlags & 0x4)) flags = fragment.readUInt32BE(at);
    at += 4;
  }
  let offset = 0;
  if (trunFlags & 0x800 && at + 4 <= trun.end) offset = trunVersion === 1 ? fragment.readInt32BE(at) : fragment.readUInt32BE(at);
  return { firstPresentation: decodeTime + offset, keyframe: (flags & NON_SYNC_SAMPLE) === 0 };
}
