/**
 * One redacted live stream per camera, shared by every viewer who gets redacted video (not one
 * encoder per viewer). While anyone watches it, it reads the camera's own live MP4 (the decoder's
 * copy, whose first fragment states its stream time on the clock of the analysed frames), decodes
 * it, pixelates each frame's people from the analysed frames around that frame's own stream time,
 * and encodes fragmented MP4 for a broadcast like the camera's own, stamped on the same clock: the
 * player draws the boxes of the frame on screen, and the redaction follows the people of that
 * frame, not the newest analysis. It stops when the last viewer leaves.
 */
import type { ChildProcess } from 'node:child_process';
import { fromUnitRects, redactPicture, WHOLE_PICTURE, type UnitRect } from '../core/redaction.ts';
import { parseShowinfo, RawFrameSplitter } from '../ingest/ffmpeg-args.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import type { LiveStream, LiveStreamHandlers } from './live-stream.ts';
import { mp4FragmentInfo, mp4InitInfo, type Mp4InitInfo } from './mp4-boxes.ts';
import { Mp4Broadcast } from './mp4-broadcast.ts';

/** What a camera's redacted live stream is made from. */
export interface RedactedLiveOptions {
  /** The camera's own live MP4 (its hub's broadcast). */
  readonly source: LiveStream;
  /** The rectangles (fractions of the picture) hiding the people at stream time `t` (s), or null when no analysed frame is near enough to say. */
  readonly rectsAt: (t: number) => readonly UnitRect[] | null;
  readonly ffmpegPath?: string;
  /** Called with each problem of the decoder or the encoder. */
  readonly onProblem?: (message: string) => void;
}

/** Frames whose timestamps give the camera's rate before the encoder starts. */
const RATE_FRAMES = 4;

/** ffmpeg arguments that decode fragmented MP4 from pipe:0 to RGB24 on pipe:1, with a showinfo line (pts, size) per frame on stderr. */
export function liveDecoderArgs(): string[] {
  return [
    // One decoding thread: frame threads would hold back a frame each. Every frame must come out, in
    // order, for its fragment's time (no low-delay flags, which let the decoder drop the first ones).
    '-hide_banner', '-loglevel', 'level+info', '-threads', '1',
    '-f', 'mp4', '-i', 'pipe:0',
    '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', 'format=rgb24,showinfo@out=checksum=0', '-fps_mode', 'passthrough',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

/** ffmpeg arguments that encode raw RGB24 frames of `width` x `height` at `fps` from pipe:0 as live fragmented MP4 on pipe:1, a key frame every 2 s. */
export function liveEncoderArgs(width: number, height: number, fps: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
    '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', '23', '-bf', '0',
    '-force_key_frames', 'expr:gte(t,n_forced*2)', '-fps_mode', 'passthrough',
    // A fragment per frame: a viewer waits for no more than the frame being encoded.
    '-pix_fmt', 'yuv420p', '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1',
  ];
}

/** A decoded frame's size and its presentation time (s, from showinfo; null when it has none). */
export interface DecodedFrame {
  readonly width: number;
  readonly height: number;
  readonly pts: number | null;
}

/**
 * An ffmpeg that decodes fragmented MP4 written to its stdin ({@link liveDecoderArgs}) and hands
 * each frame's RGB24 pixels to `emit` with its size and pts; its error lines go to `onProblem`.
 */
export function spawnFrameDecoder(ffmpegPath: string, emit: (frame: DecodedFrame, data: Uint8Array) => void, onProblem: (line: string) => void): ChildProcess {
  const child = spawnTied(ffmpegPath, liveDecoderArgs(), { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined);
  const splitter = new RawFrameSplitter<DecodedFrame>(emit);
  child.stdout!.on('data', (chunk: Buffer) => splitter.pushData(chunk));
  let rest = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    const lines = (rest + text).split(/\r?\n/);
    rest = (lines.pop() ?? '').slice(-4096);
    for (const line of lines) {
      const info = parseShowinfo(line);
      if (info !== null) splitter.pushMeta({ width: info.width, height: info.height, pts: info.ptsTime });
      else if (/\[(error|fatal)\]/.test(line)) onProblem(line);
    }
  });
  return child;
}

interface Run {
  session: { close(): Promise<void> } | null;
  decoder: ChildProcess | null;
  encoder: ChildProcess | null;
}

interface Decoded {
  readonly width: number;
  readonly height: number;
}

/** A camera's redacted live stream. */
export class RedactedLive implements LiveStream {
  readonly #o: RedactedLiveOptions;
  readonly #broadcast = new Mp4Broadcast();
  #run: Run | null = null;
  /** Pipelines started so far (tests). */
  runs = 0;

  constructor(options: RedactedLiveOptions) {
    this.#o = options;
  }

  open(handlers: LiveStreamHandlers): { close(): Promise<void> } {
    // A new run first: it clears the broadcast, which still holds the last run's init segment, key
    // frame and clock; a viewer joining before that would start on them and never get the new run's.
    if (this.#run === null) this.#start();
    const session = this.#broadcast.open(handlers);
    let closed = false;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        await session.close();
        if (this.#broadcast.viewers === 0) await this.#stop();
      },
    };
  }

  /** Stops the pipeline and ends every viewer. */
  async close(): Promise<void> {
    await this.#stop();
    this.#broadcast.end(null);
  }

  #start(): void {
    this.runs++;
    this.#broadcast.start();
    // Each frame's stream time comes from its fragment: the first fragment's stream time (from the
    // camera's broadcast) plus the fragment's own start (tfdt) since, and its place among the
    // fragment's samples. Decoders read pts from sample durations, which a camera's copied stream
    // may state wrongly (a 7 fps camera in a 10 fps container); the fragments' starts are its clock.
    let initInfo: Mp4InitInfo | null = null;
    let firstStreamTime: number | null = null;
    let firstPresentation: number | null = null;
    const fragments: { start: number; samples: number }[] = [];
    let inFragment = 0;
    let spacing = 0.1;
    const nextFrameTime = (): number | null => {
      const f = fragments[0];
      if (f === undefined) return null;
      const next = fragments[1];
      if (next !== undefined && next.start > f.start) spacing = (next.start - f.start) / f.samples;
      const t = f.start + inFragment * spacing;
      if (++inFragment >= f.samples) {
        fragments.shift();
        inFragment = 0;
      }
      return t;
    };
    // The first frames wait until their times give the camera's rate; then the encoder gets a steady
    // rate, a frame repeated where the camera skipped one and dropped where one came early, so the
    // video's timeline stays on the camera's own (and on the boxes' clock).
    const waiting: { frame: Decoded; data: Uint8Array; t: number }[] = [];
    let fps = 0;
    let written = 0;
    let last: Uint8Array | null = null;
    const run: Run = { decoder: null, encoder: null, session: null };
    this.#run = run;
    const write = (encoder: ChildProcess, frame: Decoded, data: Uint8Array, at: number): void => {
      const t = at - firstStreamTime!;
      while (last !== null && t > (written + 0.5) / fps) {
        encoder.stdin!.write(last);
        written++;
      }
      if (t < (written - 0.5) / fps) return;
      this.#redact(frame, data, at);
      encoder.stdin!.write(data);
      last = data;
      written++;
    };
    // The camera's stream may answer at once (its init segment and current group of pictures), so the run is set first.
    run.session = this.#o.source.open({
      onInit: (_mime, init) => {
        if (this.#run !== run || run.decoder !== null) return;
        initInfo = mp4InitInfo(init);
        if (initInfo === null) return;
        run.decoder = this.#decoder((frame, data) => {
          if (this.#run !== run) return;
          const at = nextFrameTime();
          if (at === null) return;
          if (run.encoder === null) {
            waiting.push({ frame, data, t: at });
            if (waiting.length < RATE_FRAMES) return;
            const gaps = waiting.slice(1).map((w, i) => w.t - waiting[i]!.t).filter((g) => g > 0.001);
            fps = gaps.length > 0 ? Math.min(60, Math.max(1, Math.round(100 / Math.min(...gaps)) / 100)) : 10;
            run.encoder = this.#encoder(run, frame.width, frame.height, fps);
            this.#broadcast.firstFrame(firstStreamTime!);
            for (const w of waiting.splice(0)) write(run.encoder, w.frame, w.data, w.t);
            return;
          }
          write(run.encoder, frame, data, at);
        });
        run.decoder.stdin!.write(init);
      },
      onMedia: (fragment, streamTime) => {
        if (this.#run !== run || run.decoder === null || initInfo === null) return;
        const info = mp4FragmentInfo(fragment, initInfo);
        if (firstStreamTime === null) {
          // Without the stream time of the first fragment the frames cannot be matched to their analysis: wait for one that has it.
          if (streamTime === undefined || info === null) return;
          firstStreamTime = streamTime;
          firstPresentation = info.firstPresentation;
        }
        if (info === null) return;
        fragments.push({ start: firstStreamTime + (info.firstPresentation - firstPresentation!) / initInfo.timescale, samples: info.samples });
        run.decoder.stdin!.write(fragment);
      },
      onEnd: (reason) => {
        if (this.#run !== run) return;
        void this.#stop().then(() => this.#broadcast.end(reason));
      },
    });
  }

  /** Pixelates one frame from the rectangles of its stream time `t` (all of it when none is known). */
  #redact(frame: Decoded, data: Uint8Array, t: number): void {
    const rects = this.#o.rectsAt(t);
    redactPicture(data, frame.width, frame.height, 3, rects === null ? WHOLE_PICTURE : fromUnitRects(rects, frame));
  }

  #decoder(emit: (frame: Decoded, data: Uint8Array) => void): ChildProcess {
    return spawnFrameDecoder(this.#o.ffmpegPath ?? 'ffmpeg', emit, (line) => this.#o.onProblem?.(`redacted live decoder: ${line.replace(/^\[[^\]]*\]\s*/, '')}`));
  }

  #encoder(run: Run, width: number, height: number, fps: number): ChildProcess {
    const child = spawnTied(this.#o.ffmpegPath ?? 'ffmpeg', liveEncoderArgs(width, height, fps), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => undefined);
    // What a stopped run's encoder still flushes is not the next run's (which may have started).
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.#run === run) this.#broadcast.push(chunk);
    });
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
    await run.session?.close();
    await Promise.all(
      [run.decoder, run.encoder].map(async (child) => {
        if (child === null || child.exitCode !== null) return;
        const gone = new Promise((resolve) => child.once('close', resolve));
        child.stdin?.end();
        child.kill('SIGTERM');
        await gone;
      }),
    );
  }
}
