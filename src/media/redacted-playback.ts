/**
 * Redaction of a playback stream while it plays: the recorded fragmented MP4 is decoded, each
 * frame's people pixelated from the analysed frames around its own time (the stream's first frame
 * time plus the frame's timestamp, on the recorder's clock, hence the slack), and encoded again as
 * fragmented MP4, frame for frame, a key frame every 2 s, from the frame at the moment asked for
 * (the frames before it, from the key frame on, are only decoded: the player would skip them). The boxes are read a minute at a time as
 * the stream reaches them. Reading follows the viewer: when the viewer's connection is slow, the
 * encoder's output waits, the decoder's output with it, and the recording is read no further ahead.
 */
import type { ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { SightlineError } from '../core/errors.ts';
import { RECORDING_CLOCK_SLACK_S, redactPicture, type RedactionBoxFrame, type RedactionTimeline } from '../core/redaction.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import { drainOrClose } from './drain-or-close.ts';
import { avcCodecString } from './mp4-boxes.ts';
import { liveEncoderArgs, spawnFrameDecoder, type DecodedFrame } from './redacted-live.ts';
import { boxesAt, NEAR_MS, timelineOf } from './redaction-times.ts';

/** What the redaction of a playback reads. */
export interface PlaybackRedactionOptions {
  /** The stored boxes of a camera with `from <= time <= to`, in time order. */
  readonly boxes: (cameraId: string, from: number, to: number) => RedactionBoxFrame[] | Promise<RedactionBoxFrame[]>;
  readonly ffmpegPath?: string;
}

/** The playback to redact. */
interface PlaybackItem {
  readonly cameraId: string;
  readonly stream: Readable;
  /** Epoch ms of the first frame. */
  readonly time: number;
  /** Epoch ms of the moment asked for: encoding starts with the frame shown then. */
  readonly from: number;
  readonly frameSeconds: number;
  /** The picture's size when known (0 or absent: from the first decoded frame): the encoder then starts with the decoder. */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

/** Boxes are read for this much of the recording at a time, ms. */
const CHUNK_MS = 60_000;
/** Decoded frames held before the decoder's output is paused. */
const MAX_QUEUED = 8;


/** The redacted stream of `item` and its codec; resolves once the encoder has written its init segment. */
export async function redactPlayback(item: PlaybackItem, options: PlaybackRedactionOptions): Promise<{ readonly stream: Readable; readonly codec: string; readonly time: number }> {
  const bin = options.ffmpegPath ?? 'ffmpeg';
  const out = new PassThrough();
  let problem = '';
  const decoder = spawnFrameDecoder(
    bin,
    (frame, data) => {
      queue.push({ frame, data });
      if (queue.length >= MAX_QUEUED) decoder.stdout!.pause();
      void work();
    },
    (line) => (problem = line),
  );
  let encoder: ChildProcess | null = null;
  let finished = false;
  const children = (): ChildProcess[] => [decoder, ...(encoder === null ? [] : [encoder])];
  const stop = (): void => {
    if (finished) return;
    finished = true;
    item.stream.unpipe(decoder.stdin!);
    item.stream.destroy();
    for (const c of children()) {
      // An ffmpeg blocked writing to a full pipe never sees SIGTERM: closing our end fails its write.
      c.stdout?.destroy();
      c.stdin?.destroy();
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    }
  };
  out.once('close', stop);
  item.stream.pipe(decoder.stdin!);
  const chunks = new Map<number, Promise<RedactionTimeline>>();
  const timelineAt = (timeMs: number): Promise<RedactionTimeline> => {
    const n = Math.floor(timeMs / CHUNK_MS);
    let t = chunks.get(n);
    if (t === undefined) {
      t = Promise.resolve(options.boxes(item.cameraId, n * CHUNK_MS - NEAR_MS, (n + 1) * CHUNK_MS + NEAR_MS)).then(timelineOf);
      chunks.set(n, t);
      // The chunks behind are not needed again.
      for (const k of chunks.keys()) if (k < n - 1) chunks.delete(k);
    }
    return t;
  };

  const queue: { frame: DecodedFrame; data: Uint8Array; last?: boolean }[] = [];
  /** The latest frame skipped before the moment asked for. */
  let skipped: { frame: DecodedFrame; data: Uint8Array } | null = null;
  let firstPts: number | null = null;
  /** Epoch ms of the first frame encoded. */
  let firstTime: number | null = null;
  let working = false;
  let decoded = false;
  let codecReady: (codec: string | null) => void = () => undefined;
  const codec = new Promise<string | null>((resolve) => (codecReady = resolve));

  const startEncoder = (width: number, height: number): ChildProcess => {
    const child = spawnTied(bin, liveEncoderArgs(width, height, Math.max(1, Math.min(60, Math.round(100 / item.frameSeconds) / 100))), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => undefined);
    let head: Buffer[] | null = [];
    child.stdout!.on('data', (chunk: Buffer) => {
      if (head !== null) {
        head.push(chunk);
        const all = Buffer.concat(head);
        const c = avcCodecString(all);
        if (c === null) return;
        head = null;
        codecReady(c);
        chunk = all;
      }
      if (!out.write(chunk)) {
        child.stdout!.pause();
        out.once('drain', () => child.stdout!.resume());
      }
    });
    child.stdout!.once('end', () => {
      codecReady(null);
      out.end();
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => (problem = (problem + d).slice(-2000)));
    return child;
  };

  // A known size: the encoder starts beside the decoder, not after the first frame.
  if ((item.width ?? 0) > 0 && (item.height ?? 0) > 0) encoder = startEncoder(item.width!, item.height!);

  const work = async (): Promise<void> => {
    if (working) return;
    working = true;
    try {
      while (!finished) {
        let next = queue.shift();
        if (next === undefined && decoded && encoder === null && skipped !== null) {
          // The stream ended before the moment asked for: its last frame is shown.
          next = { ...skipped, last: true };
          skipped = null;
        }
        if (next === undefined) break;
        if (queue.length < MAX_QUEUED / 2) decoder.stdout!.resume();
        const { frame, data } = next;
        firstPts ??= frame.pts ?? 0;
        const at = item.time + ((frame.pts ?? firstPts) - firstPts) * 1000;
        // Before the moment asked for: the frame the moment shows is the last one starting at or before
        // it. (Should the stream end first, its last frame is shown.)
        if (firstTime === null && !next.last && at + item.frameSeconds * 1000 <= item.from + 0.5) {
          skipped = next;
          continue;
        }
        firstTime ??= Math.round(at);
        const timeline = await timelineAt(at);
        redactPicture(data, frame.width, frame.height, 3, boxesAt(timeline, at, frame.width, frame.height, RECORDING_CLOCK_SLACK_S));
        encoder ??= startEncoder(frame.width, frame.height);
        if (!encoder.stdin!.write(data)) {
          await drainOrClose(encoder.stdin!, encoder);
        }
      }
      if (decoded && queue.length === 0 && !finished) {
        if (encoder === null) codecReady(null);
        else encoder.stdin!.end();
      }
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      codecReady(null);
      out.destroy();
    } finally {
      working = false;
    }
  };

  decoder.stdout!.once('end', () => {
    decoded = true;
    void work();
  });
  decoder.once('error', (error) => {
    problem = error.message;
    codecReady(null);
  });

  const ready = await codec;
  if (ready === null) {
    stop();
    out.destroy();
    throw new SightlineError('PLAYBACK_FAILED', `the recording could not be redacted for playback: ${problem.trim().split(/\r?\n/).at(-1) ?? 'no picture came out'}`);
  }
  return { stream: out, codec: ready, time: firstTime ?? item.time };
}
