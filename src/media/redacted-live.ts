/**
 * One redacted live stream per camera, shared by every viewer who gets redacted video (not one
 * encoder per viewer). While anyone watches it, the camera's analysed stream is decoded from its
 * hub at full size, each frame has the people's heads pixelated from the newest analysed frame's
 * boxes (grown by how far the people can have moved since), and an encoder makes fragmented MP4 of
 * it for a broadcast like the camera's own. It stops when the last viewer leaves.
 */
import type { ChildProcess } from 'node:child_process';
import { fromUnitRects, grow, redactPicture, DEFAULT_CARRY } from '../core/redaction.ts';
import type { Box } from '../core/geometry.ts';
import { FRAGMENTED_MP4 } from '../ingest/ffmpeg-args.ts';
import { FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import type { LiveStream, LiveStreamHandlers } from './live-stream.ts';
import { Mp4Broadcast } from './mp4-broadcast.ts';
import type { BoxFrame } from './redactor.ts';

/** What a camera's redacted live stream is made from. */
export interface RedactedLiveOptions {
  /** The camera's analysed stream (a hub feed URL), read while someone watches. */
  readonly url: string;
  /** The newest analysed frame's boxes, or null before the first. */
  readonly latest: () => BoxFrame | null;
  readonly now?: () => number;
  readonly ffmpegPath?: string;
  /** Called with each problem of the decoder or the encoder. */
  readonly onProblem?: (message: string) => void;
}

/** How long after an analysed frame its boxes still say where the people are, ms; past it the whole picture is hidden. */
const FRESH_MS = DEFAULT_CARRY.maxGapSeconds * 1000;
const EVERYTHING: readonly Box[] = [{ x: 0, y: 0, w: Number.MAX_SAFE_INTEGER, h: Number.MAX_SAFE_INTEGER }];

/** ffmpeg arguments that encode raw RGB24 frames of `width` x `height` from pipe:0 as live fragmented MP4 on pipe:1, a key frame every 2 s. */
export function liveEncoderArgs(width: number, height: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Frames are stamped as they arrive, so the video keeps the camera's pace whatever its rate.
    '-use_wallclock_as_timestamps', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0',
    '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', '23', '-bf', '0',
    '-force_key_frames', 'expr:gte(t,n_forced*2)', '-fps_mode', 'passthrough',
    '-pix_fmt', 'yuv420p', ...FRAGMENTED_MP4, 'pipe:1',
  ];
}

/** A camera's redacted live stream. */
export class RedactedLive implements LiveStream {
  readonly #o: RedactedLiveOptions;
  readonly #broadcast = new Mp4Broadcast();
  #viewers = 0;
  #run: { source: FfmpegSource; encoder: ChildProcess | null; done: Promise<void> } | null = null;
  /** Pipelines started so far (tests). */
  runs = 0;

  constructor(options: RedactedLiveOptions) {
    this.#o = options;
  }

  open(handlers: LiveStreamHandlers): { close(): Promise<void> } {
    this.#viewers++;
    const session = this.#broadcast.open(handlers);
    if (this.#run === null) this.#start();
    let closed = false;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        await session.close();
        if (--this.#viewers === 0) await this.#stop();
      },
    };
  }

  /** Stops the pipeline and ends every viewer. */
  async close(): Promise<void> {
    await this.#stop();
    this.#broadcast.end(null);
  }

  #start(): void {
    const o = this.#o;
    const now = o.now ?? Date.now;
    this.runs++;
    const source = new FfmpegSource({ url: o.url, live: true, ...(o.ffmpegPath !== undefined && { ffmpegPath: o.ffmpegPath }) });
    const run: { source: FfmpegSource; encoder: ChildProcess | null; done: Promise<void> } = { source, encoder: null, done: Promise.resolve() };
    this.#run = run;
    this.#broadcast.start();
    run.done = (async () => {
      try {
        for await (const frame of source) {
          if (this.#run !== run) break;
          if (run.encoder === null) {
            run.encoder = this.#encoder(frame.width, frame.height);
            this.#broadcast.firstFrame(0);
          }
          const latest = o.latest();
          const age = latest === null ? Infinity : now() - latest.time;
          const boxes = age > FRESH_MS ? EVERYTHING : fromUnitRects(latest!.rects, frame).map((b) => grow(b, (Math.max(0, age) / 1000) * DEFAULT_CARRY.growthPerSecond * b.h));
          redactPicture(frame.data, frame.width, frame.height, 3, boxes);
          const stdin = run.encoder.stdin!;
          if (!stdin.write(frame.data)) await new Promise<void>((resolve) => stdin.once('drain', resolve));
        }
      } catch (error) {
        o.onProblem?.(`redacted live view: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        run.encoder?.stdin?.end();
      }
    })();
  }

  #encoder(width: number, height: number): ChildProcess {
    const child = spawnTied(this.#o.ffmpegPath ?? 'ffmpeg', liveEncoderArgs(width, height), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (chunk: Buffer) => this.#broadcast.push(chunk));
    let last = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => (last = (last + t).slice(-1000)));
    child.once('close', (code) => {
      if (code !== 0 && code !== null && last.trim() !== '') this.#o.onProblem?.(`redacted live encoder: ${last.trim().split('\n').at(-1)}`);
    });
    return child;
  }

  async #stop(): Promise<void> {
    const run = this.#run;
    if (run === null) return;
    this.#run = null;
    await run.source.close();
    await run.done;
    const encoder = run.encoder;
    if (encoder !== null && encoder.exitCode === null) {
      const gone = new Promise((resolve) => encoder.once('close', resolve));
      encoder.kill('SIGTERM');
      await gone;
    }
  }
}
