/**
 * A simulated camera: an ffmpeg process that publishes a video file, looped forever without
 * re-encoding, to a path of an {@link RtspRelay}, restarted with backoff when it exits unexpectedly.
 * Serves the demo camera, tests and benchmarks (many cameras may share one relay on different paths).
 */
import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../ingest/spawn-tied.ts';
import { access } from 'node:fs/promises';
import { SightlineError } from '../core/errors.ts';
import { backoffDelay, systemClock, type BackoffOptions, type Clock } from '../ingest/ffmpeg-source.ts';
import { redactText } from '../ingest/redact-url.ts';
import type { RtspCredentials } from '../rtsp/digest-auth.ts';
import { RtspRelay } from '../rtsp/rtsp-server.ts';

/** How to start a looping camera. */
export interface LoopingCameraOptions {
  /** The video file to loop (H.264 in MP4 works; it is sent as is). */
  readonly file: string;
  /** The relay path to publish on, e.g. `demo` or `cam/3`. */
  readonly path: string;
  /** A listening relay to publish to; default: a new relay owned (and closed) by this camera. */
  readonly relay?: RtspRelay;
  /** Port of the new relay; default 0 (a free port). Ignored with `relay`. */
  readonly port?: number;
  /** Host of the new relay; default 127.0.0.1. Ignored with `relay`. */
  readonly host?: string;
  /** Credentials the new relay requires; with `relay`, the credentials that relay requires, for the publisher. */
  readonly credentials?: RtspCredentials;
  /** The ffmpeg binary; default `ffmpeg` from the PATH. */
  readonly ffmpegPath?: string;
  /** Receives ffmpeg's stderr lines, credentials redacted; without it they are not printed anywhere. */
  readonly onLog?: (line: string) => void;
  /** Delays between restarts after unexpected exits; default 0.25 s doubling up to 5 s, jittered by up to half. */
  readonly backoff?: BackoffOptions;
  /** How long start and `restartPublisher()` wait for the path to go live, in ms; default 30,000. */
  readonly readyTimeoutMs?: number;
  /** Time and timers for the backoff; default the system clock. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter; default `Math.random`. */
  readonly random?: () => number;
}

/** A running looping camera. */
export interface LoopingCamera {
  /** The camera's rtsp:// URL on the relay, without credentials. */
  readonly url: string;
  /** The relay serving the camera. */
  readonly relay: RtspRelay;
  /** The publishing ffmpeg's process id, or null while none runs. */
  readonly publisherPid: number | null;
  /** How many times the publisher was restarted after an unexpected exit. */
  readonly restarts: number;
  /** Kills the publisher (a camera drop: readers are disconnected) and keeps it down until `restartPublisher()`. */
  killPublisher(): Promise<void>;
  /** Starts the publisher again (killing a running one first) and resolves once the path is live. */
  restartPublisher(): Promise<void>;
  /** Stops the publisher and, when this camera created it, the relay; idempotent. */
  stop(): Promise<void>;
}

/** Default restart delays of a looping camera's publisher. */
export const CAMERA_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 5_000, jitter: 0.5 };

/** How long a publisher may take to go live, in ms: generous, for a cold first start of ffmpeg on a slow machine. */
const READY_TIMEOUT_MS = 30_000;

/** A publisher that stayed up this long resets the backoff, in ms. */
const STABLE_MS = 10_000;

/** Starts (or reuses) a relay and an ffmpeg publisher looping `file` on `path`; resolves once the path is live. */
export async function startLoopingCamera(options: LoopingCameraOptions): Promise<LoopingCamera> {
  try {
    await access(options.file);
  } catch (cause) {
    throw new SightlineError('SOURCE_NOT_FOUND', `the video file ${options.file} does not exist or cannot be read`, { cause });
  }
  const owned = options.relay === undefined;
  const relay = options.relay ?? new RtspRelay(options.credentials === undefined ? {} : { credentials: options.credentials });
  if (owned) await relay.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const camera = new LoopingPublisher(relay, owned, options);
  try {
    await camera.restartPublisher();
  } catch (error) {
    await camera.stop();
    throw error;
  }
  return camera;
}

/** The publisher process and its restart policy. */
class LoopingPublisher implements LoopingCamera {
  readonly url: string;
  private readonly publishUrl: string;
  private readonly clock: Clock;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private spawnError: NodeJS.ErrnoException | null = null;
  private readonly lastLines: string[] = [];
  private held = true;
  private stopped = false;
  private attempt = 0;
  private restartCount = 0;
  private startedAt = 0;
  private cancelRetry: (() => void) | null = null;
  /** Re-checks of pending waits, run whenever a publisher exits or the camera stops. */
  private readonly pokes = new Set<() => void>();

  constructor(readonly relay: RtspRelay, private readonly ownsRelay: boolean, private readonly options: LoopingCameraOptions) {
    this.url = relay.url(options.path);
    this.publishUrl = withCredentials(this.url, options.credentials);
    this.clock = options.clock ?? systemClock;
  }

  get publisherPid(): number | null {
    return this.child?.pid ?? null;
  }

  get restarts(): number {
    return this.restartCount;
  }

  async killPublisher(): Promise<void> {
    this.held = true;
    await this.killChild();
  }

  async restartPublisher(): Promise<void> {
    if (this.stopped) throw new Error('the looping camera was stopped');
    this.held = true;
    await this.killChild();
    await this.waitFor(() => !this.relay.hasPublisher(this.options.path), 'unpublish', 2_000);
    this.held = false;
    this.attempt = 0;
    this.spawnPublisher();
    const missing = (): boolean => this.spawnError?.code === 'ENOENT';
    const timeoutMs = this.options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    const live = await this.waitFor(() => this.relay.isLive(this.options.path) || missing() || this.stopped, 'publish', timeoutMs);
    if (this.stopped) throw new Error('the looping camera was stopped');
    if (live && !missing()) return;
    const state = this.publishState(timeoutMs);
    this.held = true;
    await this.killChild();
    if (missing()) {
      throw new SightlineError('FFMPEG_NOT_FOUND', `ffmpeg was not found (${this.options.ffmpegPath ?? 'ffmpeg'}); install it, e.g. apt install ffmpeg`);
    }
    const lines = this.lastLines.length > 0 ? `; it printed: ${this.lastLines.join(' | ')}` : '; it printed nothing';
    throw new SightlineError('DECODE_FAILED', `ffmpeg did not start publishing ${this.options.file} to ${this.url} (${state})${lines}`);
  }

  /** Where a publish that did not go live got stuck, in words, for the error that reports it. */
  private publishState(timeoutMs: number): string {
    const seconds = `${Math.round(timeoutMs / 1000)} s`;
    const running = this.child !== null;
    const restarts = this.restartCount > 0 ? `, restarted ${this.restartCount} times` : '';
    const process = running ? `ffmpeg still running after ${seconds}${restarts}` : `ffmpeg exited${restarts}`;
    const stage = this.relay.hasPublisher(this.options.path)
      ? 'the path was announced but recording never started'
      : `the path was never announced; ${this.relay.stats().connections} connection(s) open to the relay`;
    return `${process}; ${stage}`;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.held = true;
    await this.killChild();
    for (const poke of this.pokes) poke();
    if (this.ownsRelay) await this.relay.close();
  }

  private spawnPublisher(): void {
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'warning', '-re', '-stream_loop', '-1', '-i', this.options.file,
      '-map', '0:v:0', '-c', 'copy', '-an', '-f', 'rtsp', '-rtsp_transport', 'tcp', this.publishUrl,
    ];
    const child = spawnTied(this.options.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    this.child = child;
    this.spawnError = null;
    this.startedAt = this.clock.now();
    let rest = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      const lines = (rest + text).split(/\r\n|\n|\r/);
      rest = (lines.pop() ?? '').slice(-4096);
      for (const line of lines) this.onLine(line);
    });
    child.stderr?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        if (rest !== '') this.onLine(rest);
        if (this.child === child) this.child = null;
        resolve();
        this.onExit();
      };
      child.once('close', finish);
      child.once('error', (error: NodeJS.ErrnoException) => {
        this.spawnError = error;
        if (child.pid === undefined) finish();
      });
    });
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    const clean = redactText(line, [this.publishUrl]);
    if (this.lastLines.push(clean) > 5) this.lastLines.shift();
    this.options.onLog?.(clean);
  }

  /** Schedules a restart after an exit nobody asked for. */
  private onExit(): void {
    for (const poke of this.pokes) poke();
    if (this.held || this.stopped || this.child !== null || this.spawnError?.code === 'ENOENT') return;
    if (this.clock.now() - this.startedAt >= STABLE_MS) this.attempt = 0;
    const delay = backoffDelay(this.attempt++, this.options.backoff ?? CAMERA_BACKOFF, (this.options.random ?? Math.random)());
    this.cancelRetry = this.clock.setTimer(delay, () => {
      this.cancelRetry = null;
      if (this.held || this.stopped || this.child !== null) return;
      this.restartCount++;
      this.spawnPublisher();
    });
  }

  /** Cancels a pending restart, kills the running publisher (SIGKILL, as a camera drop) and waits for it. */
  private async killChild(): Promise<void> {
    this.cancelRetry?.();
    this.cancelRetry = null;
    const child = this.child;
    if (child !== null && child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves true once `done()` holds (checked now, on each relay `event` and publisher exit), false after `timeoutMs`. */
  private waitFor(done: () => boolean, event: 'publish' | 'unpublish', timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        finish(true);
      };
      const finish = (value: boolean): void => {
        cancel();
        this.relay.off(event, check);
        this.pokes.delete(check);
        resolve(value);
      };
      const cancel = this.clock.setTimer(timeoutMs, () => finish(done()));
      this.relay.on(event, check);
      this.pokes.add(check);
    });
  }
}

/** `rtsp://host/p` with `user:password@` inserted (percent-encoded), or unchanged without credentials. */
function withCredentials(url: string, credentials: RtspCredentials | undefined): string {
  if (credentials === undefined) return url;
  const userInfo = `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@`;
  return url.replace('://', `://${userInfo}`);
}
