/**
 * `FrameSource` backed by an ffmpeg process: raw RGB24 frames from stdout, each paired with its
 * source frame number and timestamp from the `showinfo` lines on stderr. Files end at their end;
 * live sources reconnect with jittered exponential backoff until closed.
 */
import type { ChildProcess } from 'node:child_process';
import type { BufferPool } from '../core/buffer-pool.ts';
import { spawnTied } from './spawn-tied.ts';
import {
  decodeArgs, ffmpegErrorCode, FrameNumbering, isLive, parseShowinfo, problemLine, RawFrameSplitter, snapshotArgs, sourceKind, withMp4Output,
  type DecodeOptions, type ShowinfoLine,
} from './ffmpeg-args.ts';
import { FFMPEG_INSTALL_HINT, IngestError, type Frame, type FrameSource, type Mp4Sink, type SourceState } from './frame-source.ts';
import { redactText, redactUrl } from './redact-url.ts';

/** Time and timers, injectable so tests of backoff and stall detection need not wait. */
export interface Clock {
  /** Milliseconds since some fixed origin. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a function that cancels the call. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/** Reconnection delays: `baseMs * 2^attempt`, capped at `maxMs`, reduced by up to `jitter` (0..1) of itself at random. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly jitter: number;
}

/** Default reconnection delays for live sources: 0.5 s doubling up to 30 s, jittered by up to half. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };

/** The delay before reconnection number `attempt` (0-based), given `random` in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(attempt, 0), 40));
  return Math.round(ceiling * (1 - Math.min(Math.max(options.jitter, 0), 1) * random));
}

/** How to open an ffmpeg-backed source; the `DecodeOptions` fields choose output size, fit and rate. */
export interface FfmpegSourceOptions extends DecodeOptions {
  /** A file path or a stream URL; it may hold credentials, which never reach a log or an error. */
  readonly url: string;
  /** The ffmpeg binary; default `ffmpeg` from the PATH. */
  readonly ffmpegPath?: string;
  /** Reconnect when ffmpeg ends instead of ending the iterable; default: true for rtsp/http/other stream URLs. */
  readonly live?: boolean;
  /** Hold only the newest frames while the consumer is busy, counting the others in `droppedFrames` (for live sources). */
  readonly latestOnly?: boolean;
  /**
   * With `latestOnly`: how many of the newest frames to hold, default 1. Two absorb a burst (a
   * network stream often delivers two frames back to back) at the cost of at most one frame of lag.
   */
  readonly latestCount?: number;
  /** Frames queued before ffmpeg's output is paused, when not `latestOnly`; default 2. */
  readonly highWaterMark?: number;
  /** Reconnection delays of a live source. */
  readonly backoff?: BackoffOptions;
  /** A live source that delivers no frame for this long (ms) while the consumer waits is restarted; default 15,000. */
  readonly stallTimeoutMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL, in ms; default 2,000. */
  readonly killGraceMs?: number;
  /** Receives connection changes of a live source, for health reporting. */
  readonly onState?: (state: SourceState) => void;
  /** Time and timers; default the system clock. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter; default `Math.random`. */
  readonly random?: () => number;
  /** A complete ffmpeg argument list replacing `decodeArgs(url, options)`; it must write rgb24 to stdout and print `showinfo@out` lines. */
  readonly args?: readonly string[];
  /** Also copy the video, without re-encoding, as fragmented MP4 from the same ffmpeg to this sink (live view in step with the frames). */
  readonly mp4?: Mp4Sink;
  /**
   * Where frame buffers come from, and where the frames `latestOnly` drops go back to; the consumer
   * gives a frame's buffer back when it is done with it (see BufferPool). Default: a new buffer per frame.
   */
  readonly buffers?: BufferPool;
}

/** A frame's description from stderr, with its 1-based source frame number. */
type FrameMeta = ShowinfoLine & { readonly index: number };

/** How one ffmpeg run ended. */
interface RunEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError: NodeJS.ErrnoException | null;
  /** Last warning/error lines of stderr, redacted. */
  readonly problems: readonly string[];
}

/** Error lines ffmpeg printed while decoding, over all of a source's runs. */
export interface DecodeErrors {
  /** How many lines at level error, fatal or panic. */
  readonly count: number;
  /** The last `MAX_DECODE_ERROR_LINES` of them, redacted, oldest first. */
  readonly last: readonly string[];
}

/** How many of ffmpeg's last decode error lines a source keeps. */
export const MAX_DECODE_ERROR_LINES = 5;

const ERROR_LEVEL = /\[(?:error|fatal|panic)\] /;
const MAX_PENDING_BYTES = 256 * 1024 * 1024;
const MAX_LINE = 64 * 1024;

/** One ffmpeg process and the parsing of its two output streams. */
class FfmpegRun {
  readonly child: ChildProcess;
  readonly ended: Promise<RunEnd>;
  private readonly exited: Promise<void>;
  private readonly assembler: RawFrameSplitter<FrameMeta>;
  private readonly numbering = new FrameNumbering();
  private readonly problems: string[] = [];
  private rest = '';

  constructor(
    bin: string,
    args: readonly string[],
    private readonly url: string,
    onFrame: (meta: FrameMeta, data: Uint8Array) => void,
    private readonly onDecodeError?: (line: string) => void,
    onMp4?: (chunk: Buffer) => void,
    buffers?: BufferPool,
  ) {
    this.assembler = new RawFrameSplitter(onFrame, buffers);
    this.child = spawnTied(bin, args, { stdio: onMp4 === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'], windowsHide: true });
    const { stdout, stderr } = this.child;
    const mp4 = this.child.stdio[3];
    if (onMp4 !== undefined && mp4 !== null && mp4 !== undefined && 'on' in mp4) {
      // Always read: an unread pipe would block ffmpeg, and with it the decoded frames.
      mp4.on('data', (chunk: Buffer) => onMp4(chunk));
      mp4.on('error', () => undefined);
    }
    stdout?.on('data', (chunk: Buffer) => {
      this.assembler.pushData(chunk);
      if (this.assembler.pendingBytes > MAX_PENDING_BYTES) {
        this.problems.push('no showinfo lines on stderr to frame the video (unsupported ffmpeg version?)');
        this.child.kill('SIGKILL');
      }
    });
    stderr?.setEncoding('utf8');
    stderr?.on('data', (text: string) => this.onStderr(text));
    stdout?.on('error', () => undefined);
    stderr?.on('error', () => undefined);
    let spawnError: NodeJS.ErrnoException | null = null;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', (e: NodeJS.ErrnoException) => {
        spawnError = e;
        resolve();
      });
    });
    this.ended = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.rest !== '') this.onLine(this.rest);
        this.rest = '';
        resolve({ code, signal, spawnError, problems: this.problems.slice(-5) });
      };
      this.child.once('close', finish);
      this.child.once('error', () => {
        if (this.child.pid === undefined) finish(null, null);
      });
    });
  }

  /** Ends ffmpeg: drops its stdout (a blocked write fails), SIGTERM, SIGKILL after `graceMs`; resolves once it is reaped. */
  async stop(graceMs: number, clock: Clock): Promise<void> {
    this.child.stdout?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      this.child.kill('SIGTERM');
      const cancel = clock.setTimer(graceMs, () => this.child.kill('SIGKILL'));
      await this.exited;
      cancel();
    }
    await this.ended;
  }

  private onStderr(text: string): void {
    const lines = (this.rest + text).split(/\r\n|\n|\r/);
    this.rest = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const line of lines) this.onLine(line);
  }

  private onLine(line: string): void {
    const info = parseShowinfo(line);
    if (info === null) {
      const problem = problemLine(line);
      if (problem === null) return;
      const redacted = redactText(problem, [this.url]);
      if (this.problems.push(redacted) > 10) this.problems.shift();
      if (ERROR_LEVEL.test(line)) this.onDecodeError?.(redacted);
      return;
    }
    const index = this.numbering.push(info);
    if (index !== null) this.assembler.pushMeta({ ...info, index });
  }
}

/** A `FrameSource` that decodes a file or a live stream with ffmpeg; start is lazy (first `next()`), one consumer. */
export class FfmpegSource implements FrameSource {
  private readonly live: boolean;
  private readonly clock: Clock;
  private readonly highWaterMark: number;
  private readonly queue: Frame[] = [];
  private waiter: { resolve: (r: IteratorResult<Frame>) => void; reject: (e: unknown) => void } | null = null;
  private run: FfmpegRun | null = null;
  private paused = false;
  private started = false;
  private finished = false;
  private failure: IngestError | null = null;
  private closing: Promise<void> | null = null;
  private attempt = 0;
  private cancelRetry: (() => void) | null = null;
  private cancelStall: (() => void) | null = null;
  private stallReason: string | null = null;
  private dropped = 0;
  private decodeErrorCount = 0;
  private readonly lastDecodeErrors: string[] = [];
  private lastIndex = 0;
  private lastTime = 0;
  private firstWallMs: number | null = null;
  private runBase: { index: number; time: number; pts: number | null; wallMs: number } | null = null;

  /** Prepares the source; ffmpeg starts on the first `next()`. */
  constructor(private readonly options: FfmpegSourceOptions) {
    this.live = options.live ?? isLive(sourceKind(options.url));
    this.clock = options.clock ?? systemClock;
    this.highWaterMark = Math.max(1, options.highWaterMark ?? 2);
  }

  /** Frames dropped because `latestOnly` kept a newer one while the consumer was busy. */
  get droppedFrames(): number {
    return this.dropped;
  }

  /** Error lines ffmpeg printed while decoding, over all runs so far (a damaged file decodes with errors yet exits 0). */
  get decodeErrors(): DecodeErrors {
    return { count: this.decodeErrorCount, last: [...this.lastDecodeErrors] };
  }

  /** Frames decoded and waiting for the consumer. */
  get queuedFrames(): number {
    return this.queue.length;
  }

  /** Process id of the running ffmpeg, if one runs. */
  get pid(): number | undefined {
    return this.run?.child.pid;
  }

  /** Iterates the frames; `break` or `return` closes the source. */
  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL after the grace period), cancels reconnection and ends the iterable. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.finished = true;
      this.failure = null;
      this.cancelRetry?.();
      this.disarmStall();
      const run = this.run;
      this.run = null;
      if (run !== null) await run.stop(this.options.killGraceMs ?? 2000, this.clock);
      this.options.mp4?.end(null);
      this.queue.length = 0;
      this.settle();
      if (this.live) this.options.onState?.({ kind: 'closed' });
    })();
    return this.closing;
  }

  private next(): Promise<IteratorResult<Frame>> {
    if (!this.started && this.closing === null) {
      this.started = true;
      this.spawnRun();
    }
    const frame = this.queue.shift();
    if (frame !== undefined) {
      if (this.paused && this.queue.length < this.highWaterMark) {
        this.paused = false;
        this.run?.child.stdout?.resume();
        this.armStall();
      }
      return Promise.resolve({ done: false, value: frame });
    }
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Hands a queued frame, the failure or the end to a waiting consumer. */
  private settle(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    const frame = this.queue.shift();
    if (frame !== undefined) waiter.resolve({ done: false, value: frame });
    else if (this.failure !== null) {
      waiter.reject(this.failure);
      this.failure = null;
    } else if (this.finished) waiter.resolve({ done: true, value: undefined });
    else return;
    this.waiter = null;
  }

  private spawnRun(): void {
    const { url, ffmpegPath = 'ffmpeg' } = this.options;
    if (this.live) this.options.onState?.({ kind: 'connecting', attempt: this.attempt + 1 });
    this.runBase = null;
    this.paused = false;
    const mp4 = this.options.mp4;
    const args = this.options.args ?? decodeArgs(url, this.options);
    mp4?.start();
    const run = new FfmpegRun(
      ffmpegPath, mp4 === undefined ? args : withMp4Output(args), url, (meta, data) => this.onFrame(meta, data), (line) => this.onDecodeError(line),
      mp4 === undefined ? undefined : (chunk) => mp4.push(chunk),
      this.options.buffers,
    );
    this.run = run;
    this.armStall();
    void run.ended.then((end) => this.onRunEnd(run, end));
  }

  private onFrame(meta: FrameMeta, data: Uint8Array): void {
    if (this.closing !== null) return;
    const now = this.clock.now();
    if (this.runBase === null) {
      this.firstWallMs ??= now;
      const time = this.lastIndex === 0 ? 0 : Math.max(this.lastTime + 1e-3, (now - this.firstWallMs) / 1000);
      this.runBase = { index: this.lastIndex, time, pts: meta.ptsTime, wallMs: now };
      this.options.mp4?.firstFrame(time);
      if (this.live) {
        this.attempt = 0;
        this.options.onState?.({ kind: 'connected' });
      }
    }
    const base = this.runBase;
    const sinceStart = meta.ptsTime !== null && base.pts !== null ? meta.ptsTime - base.pts : this.live ? (now - base.wallMs) / 1000 : 0;
    const frame: Frame = {
      index: base.index + meta.index,
      time: Math.max(this.lastTime, base.time + sinceStart),
      width: meta.width,
      height: meta.height,
      data,
    };
    this.lastIndex = frame.index;
    this.lastTime = frame.time;
    const keep = Math.max(1, Math.floor(this.options.latestCount ?? 1));
    if (this.options.latestOnly === true && this.waiter === null && this.queue.length >= keep) {
      const drop = this.queue.length - keep + 1;
      this.dropped += drop;
      for (const old of this.queue.splice(0, drop)) this.options.buffers?.give(old.data.buffer);
    }
    this.queue.push(frame);
    this.settle();
    if (this.options.latestOnly !== true && this.queue.length >= this.highWaterMark && !this.paused) {
      this.paused = true;
      this.run?.child.stdout?.pause();
      this.disarmStall();
    } else {
      this.armStall();
    }
  }

  private onDecodeError(line: string): void {
    this.decodeErrorCount += 1;
    if (this.lastDecodeErrors.push(line) > MAX_DECODE_ERROR_LINES) this.lastDecodeErrors.shift();
  }

  private onRunEnd(run: FfmpegRun, end: RunEnd): void {
    if (run !== this.run) return;
    this.run = null;
    this.disarmStall();
    if (this.closing !== null) return;
    this.options.mp4?.end('the camera stream was interrupted');
    const where = redactUrl(this.options.url);
    const missing = end.spawnError?.code === 'ENOENT' || end.spawnError?.code === 'EACCES';
    if (missing || end.spawnError !== null) {
      const bin = this.options.ffmpegPath ?? 'ffmpeg';
      const message = missing ? `ffmpeg not found or not executable at '${bin}': ${FFMPEG_INSTALL_HINT}` : `cannot start ffmpeg at '${bin}': ${end.spawnError?.message ?? ''}`;
      return this.fail(new IngestError(missing ? 'FFMPEG_NOT_FOUND' : 'DECODE_FAILED', message, { cause: end.spawnError }));
    }
    const exit = end.code === null ? `killed by ${end.signal ?? 'a signal'}` : `exit code ${end.code}`;
    const detail = end.problems.length > 0 ? `: ${end.problems.join('; ')}` : '';
    if (!this.live) {
      if (end.code === 0) {
        this.finished = true;
        return this.settle();
      }
      return this.fail(new IngestError(ffmpegErrorCode(end.problems), `ffmpeg could not decode ${where} (${exit})${detail}`));
    }
    const reason = this.stallReason ?? (end.code === 0 ? 'stream ended' : `ffmpeg ${exit}${detail}`);
    this.stallReason = null;
    this.options.onState?.({ kind: 'disconnected', reason });
    const delayMs = backoffDelay(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF, (this.options.random ?? Math.random)());
    this.attempt += 1;
    this.options.onState?.({ kind: 'retrying', attempt: this.attempt, delayMs });
    this.cancelRetry = this.clock.setTimer(delayMs, () => {
      this.cancelRetry = null;
      if (this.closing === null) this.spawnRun();
    });
  }

  private fail(error: IngestError): void {
    this.failure = error;
    this.finished = true;
    this.settle();
  }

  private armStall(): void {
    this.disarmStall();
    const run = this.run;
    if (!this.live || this.paused || run === null) return;
    const ms = this.options.stallTimeoutMs ?? 15_000;
    this.cancelStall = this.clock.setTimer(ms, () => {
      this.cancelStall = null;
      if (run !== this.run) return;
      this.stallReason = `stalled: no frame for ${ms} ms`;
      void run.stop(this.options.killGraceMs ?? 2000, this.clock);
    });
  }

  private disarmStall(): void {
    this.cancelStall?.();
    this.cancelStall = null;
  }
}

/** Decodes one frame of `url` at its own size as RGB24 (for snapshots and heat-map backgrounds); rejects with an `IngestError`. */
export async function grabFrame(url: string, options: { readonly ffmpegPath?: string; readonly atSeconds?: number; readonly timeoutMs?: number } = {}): Promise<Frame> {
  const { ffmpegPath, ...snapshot } = options;
  const source = new FfmpegSource({ url, live: false, args: snapshotArgs(url, snapshot), ...(ffmpegPath === undefined ? {} : { ffmpegPath }) });
  for await (const frame of source) return frame;
  throw new IngestError('INVALID_MEDIA', `${redactUrl(url)} gave no frame`);
}
