/**
 * One camera stream read once and published to a path of the loopback RTSP relay: an ffmpeg
 * copying packets (restream-args.ts), restarted with a jittered exponential backoff when the camera
 * drops or refuses it. The relay says when the path is live; consumers wait for that instead of
 * knocking at the camera themselves, so the camera sees one session and one retry schedule.
 */
import type { ChildProcess } from 'node:child_process';
import { cameraProblemInWords } from '../ingest/camera-words.ts';
import { problemLine } from '../ingest/ffmpeg-args.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../ingest/ffmpeg-source.ts';
import { spawnTied } from '../ingest/spawn-tied.ts';
import type { RtspRelay } from '../rtsp/rtsp-server.ts';
import { restreamArgs } from './restream-args.ts';

/** How to restream one camera stream. */
export interface RestreamOptions {
  /** What ffmpeg reads: a credential proxy's loopback URL, or the camera's URL when it needs no credentials. */
  readonly input: string;
  /** The camera's URL, redacted: what problems name. */
  readonly displayUrl: string;
  readonly relay: RtspRelay;
  /** The relay path published (a random token first, so only the hub's consumers can name it). */
  readonly path: string;
  readonly ffmpegPath?: string;
  /** Network I/O timeout of the camera connection, ms; default 10,000. */
  readonly timeoutMs?: number;
  /** Restart delays after the camera dropped or refused the stream; default {@link DEFAULT_BACKOFF}. */
  readonly backoff?: BackoffOptions;
  /** Rewrites ffmpeg's text to name the camera, not the credential proxy's loopback URL and token. */
  readonly describe?: (text: string) => string;
  /** Receives each problem with the camera, in words, once per failed connection. */
  readonly onProblem?: (words: string) => void;
}

/** A camera stream kept published on the relay until `close()`. */
export class Restream {
  readonly #o: RestreamOptions;
  #child: ChildProcess | null = null;
  #closed = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #problem: string | null = null;
  /** The problem last reported, until the stream is live again. */
  #reported: string | null = null;
  #sessions = 0;
  #waiters: Array<() => void> = [];
  readonly #onPublish = (path: string): void => {
    if (path !== this.#o.path) return;
    this.#attempt = 0;
    this.#reported = null;
    for (const w of this.#waiters.splice(0)) w();
  };

  /** Starts reading the camera at once. */
  constructor(options: RestreamOptions) {
    this.#o = options;
    options.relay.on('publish', this.#onPublish);
    this.#spawn();
  }

  /** The loopback URL consumers read (no credentials in it). */
  get url(): string {
    return this.#o.relay.url(this.#o.path);
  }

  /** True while the stream is published on the relay. */
  get live(): boolean {
    return this.#o.relay.isLive(this.#o.path);
  }

  /** Connections made to the camera so far (one per ffmpeg run). */
  get sessions(): number {
    return this.#sessions;
  }

  /** Why the stream is not live, in words; null while it is live or before the first failure. */
  problem(): string | null {
    return this.live ? null : this.#problem;
  }

  /** Resolves once the stream is live (at once if it is), or when the restream is closed. */
  ready(): Promise<void> {
    if (this.#closed || this.live) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops ffmpeg and the retries; waiting consumers are released. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#o.relay.off('publish', this.#onPublish);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    for (const w of this.#waiters.splice(0)) w();
    const child = this.#child;
    this.#child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  #spawn(): void {
    if (this.#closed) return;
    const o = this.#o;
    const args = restreamArgs({ input: o.input, output: this.url, timeoutMs: o.timeoutMs ?? 10_000 });
    const child = spawnTied(o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    this.#child = child;
    this.#sessions++;
    const problems: string[] = [];
    let rest = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      const lines = (rest + text).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const p = problemLine(line);
        if (p === null) continue;
        problems.push(p);
        if (problems.length > 5) problems.shift();
      }
    });
    child.stderr?.on('error', () => undefined);
    let spawnError: string | null = null;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code === 'ENOENT' ? 'ffmpeg was not found' : e.message;
    });
    child.once('close', (code, signal) => {
      if (this.#child === child) this.#child = null;
      if (this.#closed) return;
      const last = spawnError ?? problems.at(-1) ?? `ffmpeg ended (${signal ?? `exit ${String(code)}`})`;
      const words = cameraProblemInWords(o.describe?.(last) ?? last, o.displayUrl);
      // Reported when it changes, not at every retry of a camera that stays away.
      if (words !== this.#reported) o.onProblem?.(words);
      this.#problem = this.#reported = words;
      const delay = backoffDelay(this.#attempt++, o.backoff ?? DEFAULT_BACKOFF, Math.random());
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#spawn();
      }, delay);
    });
  }
}
