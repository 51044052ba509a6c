/**
 * The recorder of one camera: an ffmpeg process copying the main stream into MPEG-TS segments
 * (no re-encoding), each indexed as soon as ffmpeg reports it finished.
 *
 * Times: the stream's timestamps are put on the wall clock by the least lag seen between a
 * segment's end and the moment ffmpeg reports it finished (see `Run.offset`); a segment then
 * starts where the previous one ended (the first where that clock puts it, or where the camera's
 * last indexed segment ended if that is later) and ends where that clock puts its end, so segments
 * are contiguous and never overlap. When that drifts more than
 * `driftToleranceMs` from the wall clock (a camera clock that runs fast or slow, a timestamp jump),
 * the segment is made to end at the wall-clock time instead.
 *
 * Failures: when ffmpeg exits or no segment finishes for `stallMs`, the file it was writing is
 * indexed (see recover-segments.ts) and ffmpeg is restarted after a jittered exponential backoff.
 * States and errors reported never hold the stream's credentials.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../ingest/spawn-tied.ts';
import { mkdirSync } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { problemLine } from '../ingest/ffmpeg-args.ts';
import { backoffDelay, DEFAULT_BACKOFF, systemClock, type BackoffOptions, type Clock } from '../ingest/ffmpeg-source.ts';
import { redactText } from '../ingest/redact-url.ts';
import { parseOpeningLine, parseSegmentListLine, recordArgs, type SegmentListEntry } from './record-args.ts';
import { fileSegment, recoverSegments, TS_PACKET_BYTES, type RecoveryReport } from './recover-segments.ts';
import type { SegmentIndex, StoredSegment } from '../store/segment-index.ts';
import { incomingFolder, incomingPattern } from './segment-paths.ts';
import { probeSegment } from './segment-probe.ts';

/** What a recorder is doing. */
export type RecorderState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'recording' }
  | { readonly kind: 'retrying'; readonly reason: string; readonly attempt: number; readonly delayMs: number }
  | { readonly kind: 'stopped' };

/** How to record one camera. */
export interface RecorderOptions {
  /** Absolute data directory; segments go to `recordings/<cameraId>/`. */
  readonly dataDir: string;
  /** The camera's id (a folder name: letters, digits, `.`, `_`, `-`); its row must exist in the database. */
  readonly cameraId: string;
  /** Main stream URL or file path; it may hold credentials, which never reach a state, error or log. */
  readonly url: string;
  readonly index: SegmentIndex;
  /** Target segment length, seconds (ffmpeg cuts at the next key frame). */
  readonly segmentSeconds: number;
  /** The ffmpeg binary; default `ffmpeg`. */
  readonly ffmpegPath?: string;
  /** The ffprobe binary (for left-over files); default `ffprobe`. */
  readonly ffprobePath?: string;
  /** Restart delays; default {@link DEFAULT_BACKOFF}. */
  readonly backoff?: BackoffOptions;
  /** Restart ffmpeg when no segment finishes for this long, ms; default 3 × segmentSeconds. */
  readonly stallMs?: number;
  /** How long stop() waits after SIGINT before SIGKILL, ms; default 5,000. */
  readonly killGraceMs?: number;
  /** Network I/O timeout of streams, ms; default 10,000. */
  readonly timeoutMs?: number;
  /** Largest gap between a segment's computed end and the wall clock before the wall clock wins, ms; default 5,000. */
  readonly driftToleranceMs?: number;
  /** Time and timers; `now()` must be epoch ms. Default the system clock. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter; default `Math.random`. */
  readonly random?: () => number;
  /** Resolves once `url` can be read (a media hub's feed going live); ffmpeg is started only then. Default: at once. */
  readonly ready?: () => Promise<void>;
  /** Receives every change of state. */
  readonly onState?: (state: RecorderState) => void;
  /** Receives every segment indexed, finished or recovered. */
  readonly onSegment?: (segment: StoredSegment) => void;
  /** Receives what the recorder could not do (index a segment, recover a file); the message holds no credentials. */
  readonly onError?: (message: string) => void;
}

/** How one ffmpeg process ended. */
interface RunEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError: NodeJS.ErrnoException | null;
}

/** One ffmpeg process and what it has reported. */
interface Run {
  readonly child: ChildProcess;
  /** Absolute folder ffmpeg writes into. */
  readonly dir: string;
  /** Wall clock (epoch ms) when the first segment opened. */
  anchor: number | null;
  /** Stream seconds at the start of the first segment. */
  t0: number | null;
  /**
   * Epoch ms at stream second `t0`: the least (wall clock when a segment was reported finished −
   * its end in stream time) seen so far. ffmpeg reports a segment once the stream has reached its
   * end, never before, so each such difference is at most the true one plus a little latency, and
   * the least is the closest. Not the moment the first segment opened: ffmpeg has by then buffered
   * the seconds it read while probing the stream, and a clock anchored there runs that much late.
   */
  offset: number | null;
  /** Epoch ms where the last finished segment ended. */
  prevEnd: number | null;
  /** Epoch ms where the camera's newest indexed segment ended when the run began: the run starts no earlier. */
  readonly floor: number;
  /** The file being written. */
  current: string | null;
  readonly done: Set<string>;
  readonly problems: string[];
  /** Indexing of finished segments, in order. */
  work: Promise<void>;
  /** Resolves once the run has ended and its files are indexed. */
  finished: Promise<void>;
}

const MAX_LINE = 64 * 1024;

/** Records one camera until stopped; `start()` once, `stop()` to end (the last segment is finished and indexed). */
export class Recorder {
  readonly #o: RecorderOptions;
  readonly #clock: Clock;
  #phase: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  #state: RecorderState = { kind: 'stopped' };
  #run: Run | null = null;
  #attempt = 0;
  #lastRunMs = 0;
  #lifecycle: Promise<void> = Promise.resolve();
  #lastFinished: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | null = null;
  #cancelRetry: (() => void) | null = null;
  #cancelStall: (() => void) | null = null;
  #stallReason: string | null = null;
  #markStopping: () => void = () => undefined;
  /** Resolves when `stop()` is called: ends a wait for the stream to be ready. */
  readonly #stopSignal = new Promise<void>((resolve) => {
    this.#markStopping = resolve;
  });

  /** Prepares the recorder; nothing runs before `start()`. */
  constructor(options: RecorderOptions) {
    if (!(options.segmentSeconds > 0)) throw new RangeError(`segmentSeconds must be positive, got ${options.segmentSeconds}`);
    incomingFolder(options.cameraId);
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The current state. */
  get state(): RecorderState {
    return this.#state;
  }

  /** Process id of the running ffmpeg, if one runs. */
  get pid(): number | undefined {
    return this.#run?.child.pid;
  }

  /** Indexes what an earlier run left on disk, then starts ffmpeg. */
  start(): void {
    if (this.#phase !== 'idle') return;
    this.#phase = 'running';
    this.#setState({ kind: 'starting' });
    this.#lifecycle = this.#begin(true);
  }

  /** Ends ffmpeg gracefully (SIGINT, then SIGKILL after the grace period), indexes the last segment and reports `stopped`. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const wasIdle = this.#phase === 'idle';
      this.#phase = 'stopping';
      this.#markStopping();
      this.#cancelRetry?.();
      this.#cancelRetry = null;
      this.#disarmStall();
      if (!wasIdle) {
        await this.#lifecycle;
        const run = this.#run;
        if (run !== null) this.#end(run);
        await this.#lastFinished;
      }
      this.#phase = 'stopped';
      this.#setState({ kind: 'stopped' });
    })();
    return this.#stopping;
  }

  /** Recovers what earlier runs left (on the first start), then spawns ffmpeg unless stopping. */
  async #begin(first: boolean): Promise<void> {
    if (first) await this.#recover(new Map(), false);
    if (this.#o.ready !== undefined && this.#phase === 'running') await Promise.race([this.#o.ready(), this.#stopSignal]);
    if (this.#phase === 'running') this.#spawn();
  }

  /** Indexes left-over files: all of the camera's at start, then only what each ffmpeg run left in `incoming`. */
  async #recover(knownStarts: ReadonlyMap<string, number>, incomingOnly: boolean): Promise<void> {
    let report: RecoveryReport;
    try {
      report = await recoverSegments(this.#o.dataDir, this.#o.cameraId, this.#o.index, {
        knownStarts,
        incomingOnly,
        ...(this.#o.ffprobePath === undefined ? {} : { ffprobePath: this.#o.ffprobePath }),
      });
    } catch (cause) {
      this.#error(`cannot recover the camera's left-over segment files: ${messageOf(cause)}`);
      return;
    }
    for (const segment of report.indexed) this.#o.onSegment?.(segment);
    for (const f of report.failed) this.#error(`cannot recover ${f.path}: ${f.reason}`);
  }

  #spawn(): void {
    const runMs = Math.max(Math.round(this.#clock.now()), this.#lastRunMs + 1);
    this.#lastRunMs = runMs;
    const dir = path.join(this.#o.dataDir, incomingFolder(this.#o.cameraId));
    const bin = this.#o.ffmpegPath ?? 'ffmpeg';
    let child: ChildProcess;
    let floor: number;
    try {
      floor = this.#o.index.latest(this.#o.cameraId)?.endTime ?? 0;
      mkdirSync(dir, { recursive: true });
      const args = recordArgs({
        url: this.#o.url,
        pattern: path.join(this.#o.dataDir, incomingPattern(this.#o.cameraId, runMs)),
        segmentSeconds: this.#o.segmentSeconds,
        ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }),
      });
      child = spawnTied(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (cause) {
      this.#retry(`cannot start ffmpeg: ${messageOf(cause)}`);
      return;
    }
    const run: Run = { child, dir, anchor: null, t0: null, offset: null, prevEnd: null, floor, current: null, done: new Set(), problems: [], work: Promise.resolve(), finished: Promise.resolve() };
    this.#run = run;
    let outRest = '';
    let errRest = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      outRest = splitLines(outRest + text, (line) => this.#onListLine(run, line));
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      errRest = splitLines(errRest + text, (line) => this.#onLogLine(run, line));
    });
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    const ended = new Promise<RunEnd>((resolve) => {
      let spawnError: NodeJS.ErrnoException | null = null;
      child.on('error', (e: NodeJS.ErrnoException) => {
        spawnError ??= e;
        if (child.pid === undefined) resolve({ code: null, signal: null, spawnError });
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (outRest !== '') this.#onListLine(run, outRest);
        if (errRest !== '') this.#onLogLine(run, errRest);
        outRest = errRest = '';
        resolve({ code, signal, spawnError });
      });
    });
    run.finished = ended.then((end) => this.#onRunEnd(run, end));
    this.#lastFinished = run.finished;
    this.#armStall(run);
  }

  #onListLine(run: Run, line: string): void {
    const entry = parseSegmentListLine(line);
    if (entry === null) return;
    run.done.add(entry.name);
    run.work = run.work.then(() => this.#complete(run, entry));
  }

  #onLogLine(run: Run, line: string): void {
    const opened = parseOpeningLine(line);
    if (opened !== null) {
      run.current = opened;
      if (run.anchor === null) {
        run.anchor = Math.round(this.#clock.now());
        if (this.#phase === 'running' && run === this.#run) this.#setState({ kind: 'recording' });
      }
      return;
    }
    const problem = problemLine(line);
    if (problem !== null && run.problems.push(redactText(problem, [this.#o.url])) > 5) run.problems.shift();
  }

  /** Places and indexes a segment ffmpeg reported finished. */
  async #complete(run: Run, entry: SegmentListEntry): Promise<void> {
    const now = Math.round(this.#clock.now());
    const t0 = (run.t0 ??= entry.start);
    const durationMs = Math.round((entry.end - entry.start) * 1000);
    const seen = now - Math.round((entry.end - t0) * 1000);
    if (Number.isFinite(seen)) run.offset = Math.min(run.offset ?? seen, seen);
    const offset = run.offset ?? now - durationMs;
    let start = run.prevEnd ?? Math.max(run.floor, Math.round(offset + (entry.start - t0) * 1000));
    let end = Math.max(start, Math.round(offset + (entry.end - t0) * 1000));
    if (!(durationMs >= 0) || Math.abs(end - now) > (this.#o.driftToleranceMs ?? 5000)) end = Math.max(start, now);
    try {
      const file = path.join(run.dir, entry.name);
      // ffmpeg can list a segment it could not write (the stream cut as it opened): nothing to keep.
      if ((await stat(file)).size < TS_PACKET_BYTES) {
        await unlink(file);
        return;
      }
      // The first segment of a run is listed from stream time 0, though its first picture may come
      // later: it starts where its own packets say, back from its end.
      if (run.prevEnd === null) {
        const probed = await probeSegment(file, this.#o.ffprobePath === undefined ? {} : { ffprobePath: this.#o.ffprobePath }).catch(() => null);
        if (probed !== null && probed.durationMs > 0 && probed.durationMs < end - start) start = Math.max(run.floor, end - Math.round(probed.durationMs));
      }
      const segment = await fileSegment(this.#o.dataDir, this.#o.index, this.#o.cameraId, file, start, end);
      run.prevEnd = end;
      this.#attempt = 0;
      if (run === this.#run && this.#phase === 'running') this.#armStall(run);
      this.#o.onSegment?.(segment);
    } catch (cause) {
      this.#error(`cannot index the segment ${entry.name}: ${messageOf(cause)}`);
    }
  }

  async #onRunEnd(run: Run, end: RunEnd): Promise<void> {
    await run.work;
    if (this.#run === run) this.#run = null;
    this.#disarmStall();
    // The file ffmpeg was writing when it ended starts where the last finished one ended.
    const known = new Map<string, number>();
    const start = run.prevEnd ?? (run.anchor === null ? null : Math.max(run.floor, run.anchor));
    if (run.current !== null && !run.done.has(run.current) && start !== null) known.set(path.resolve(run.dir, run.current), start);
    await this.#recover(known, true);
    if (this.#phase !== 'running') return;
    const reason = this.#stallReason ?? describeEnd(end, this.#o.ffmpegPath ?? 'ffmpeg', run.problems);
    this.#stallReason = null;
    this.#retry(reason);
  }

  #retry(reason: string): void {
    const delayMs = backoffDelay(this.#attempt, this.#o.backoff ?? DEFAULT_BACKOFF, (this.#o.random ?? Math.random)());
    this.#attempt += 1;
    this.#setState({ kind: 'retrying', reason: redactText(reason, [this.#o.url]), attempt: this.#attempt, delayMs });
    this.#cancelRetry = this.#clock.setTimer(delayMs, () => {
      this.#cancelRetry = null;
      if (this.#phase !== 'running') return;
      this.#setState({ kind: 'starting' });
      this.#lifecycle = this.#begin(false);
    });
  }

  /** Asks ffmpeg to finish (SIGINT) and kills it after the grace period. */
  #end(run: Run): void {
    const { child } = run;
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const cancel = this.#clock.setTimer(this.#o.killGraceMs ?? 5000, () => child.kill('SIGKILL'));
    void run.finished.then(cancel);
  }

  #armStall(run: Run): void {
    this.#disarmStall();
    const ms = this.#o.stallMs ?? 3 * this.#o.segmentSeconds * 1000;
    this.#cancelStall = this.#clock.setTimer(ms, () => {
      this.#cancelStall = null;
      if (run !== this.#run || this.#phase !== 'running') return;
      this.#stallReason = `stalled: no segment finished for ${Math.round(ms / 1000)} s`;
      this.#end(run);
    });
  }

  #disarmStall(): void {
    this.#cancelStall?.();
    this.#cancelStall = null;
  }

  #setState(state: RecorderState): void {
    this.#state = state;
    this.#o.onState?.(state);
  }

  #error(message: string): void {
    this.#o.onError?.(redactText(message, [this.#o.url]));
  }
}

/** Calls `onLine` for each complete line of `text` and returns the unfinished rest. */
function splitLines(text: string, onLine: (line: string) => void): string {
  const lines = text.split(/\r\n|\n|\r/);
  const rest = lines.pop() ?? '';
  for (const line of lines) onLine(line);
  return rest.slice(-MAX_LINE);
}

function describeEnd(end: RunEnd, bin: string, problems: readonly string[]): string {
  if (end.spawnError !== null) {
    const missing = end.spawnError.code === 'ENOENT' || end.spawnError.code === 'EACCES';
    return missing ? `ffmpeg not found or not executable at '${bin}'` : `cannot start ffmpeg: ${end.spawnError.message}`;
  }
  const exit = end.code === null ? `killed by ${end.signal ?? 'a signal'}` : end.code === 0 ? 'the stream ended' : `ffmpeg exit code ${end.code}`;
  return problems.length > 0 ? `${exit}: ${problems.join('; ')}` : exit;
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
