/**
 * Fragmented MP4 for browsers: splitting a byte stream into ISO-BMFF boxes, the codec string of an
 * init segment, the timescale and first-sample facts live viewers need (`mp4InitInfo`,
 * `mp4FragmentInfo`). Pure; `Mp4Broadcast` serves a camera's MP4 with them.
 */

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
  /** Samples (frames) in the fragment. */
  readonly samples: number;
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
  const samples = fragment.readUInt32BE(trun.start + 4);
  if (samples === 0) return null;
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
  return { firstPresentation: decodeTime + offset, keyframe: (flags & NON_SYNC_SAMPLE) === 0, samples };
}
