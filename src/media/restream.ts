/**
 * One camera stream read once and published on a path of the loopback RTSP relay: an RTSP client
 * in this process (src/rtsp/rtsp-pull.ts) plays the camera and hands each RTP and RTCP packet,
 * untouched, to the relay's readers, so the hop costs no frame of delay; it reconnects with a
 * jittered exponential backoff when the camera drops or refuses it. Consumers wait for the path
 * to be live instead of knocking at the camera themselves, so the camera sees one session and one
 * retry schedule.
 */
import { cameraProblemInWords } from '../ingest/camera-words.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../ingest/ffmpeg-source.ts';
import { RtspPull } from '../rtsp/rtsp-pull.ts';
import type { LocalPublisher, RtspRelay } from '../rtsp/rtsp-server.ts';

/** How to restream one camera stream. */
export interface RestreamOptions {
  /** What is played: a credential proxy's loopback URL, or the camera's URL when it needs no credentials. */
  readonly input: string;
  /** The camera's URL, redacted: what problems name. */
  readonly displayUrl: string;
  readonly relay: RtspRelay;
  /** The relay path published (a random token first, so only the hub's consumers can name it). */
  readonly path: string;
  /** Network I/O timeout of the camera connection, ms; default 10,000. */
  readonly timeoutMs?: number;
  /** Restart delays after the camera dropped or refused the stream; default {@link DEFAULT_BACKOFF}. */
  readonly backoff?: BackoffOptions;
  /** Rewrites a failure's text to name the camera, not the credential proxy's loopback URL and token. */
  readonly describe?: (text: string) => string;
  /** Receives each problem with the camera, in words, once per failed connection. */
  readonly onProblem?: (words: string) => void;
}

/** A camera stream kept published on the relay until `close()`. */
export class Restream {
  readonly #o: RestreamOptions;
  #pull: RtspPull | null = null;
  #publisher: LocalPublisher | null = null;
  #closed = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  /** The camera's problem since the stream was last live, in words; reported when it changes. */
  #problem: string | null = null;
  #sessions = 0;
  #waiters: Array<() => void> = [];
  readonly #onPublish = (path: string): void => {
    if (path !== this.#o.path) return;
    this.#attempt = 0;
    this.#problem = null;
    for (const w of this.#waiters.splice(0)) w();
  };

  /** Starts reading the camera at once. */
  constructor(options: RestreamOptions) {
    this.#o = options;
    options.relay.on('publish', this.#onPublish);
    this.#connect();
  }

  /** The loopback URL consumers read (no credentials in it). */
  get url(): string {
    return this.#o.relay.url(this.#o.path);
  }

  /** True while the stream is published on the relay. */
  get live(): boolean {
    return this.#o.relay.isLive(this.#o.path);
  }

  /** Connections made to the camera so far. */
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

  /** Ends the session and the retries; waiting consumers are released. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#o.relay.off('publish', this.#onPublish);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    for (const w of this.#waiters.splice(0)) w();
    this.#pull?.close();
    this.#pull = null;
    this.#publisher?.close();
    this.#publisher = null;
  }

  #connect(): void {
    if (this.#closed) return;
    const o = this.#o;
    this.#sessions++;
    const pull = new RtspPull({
      url: o.input,
      timeoutMs: o.timeoutMs ?? 10_000,
      onPlaying: (sdp) => {
        const published = o.relay.publishLocal(o.path, sdp);
        if (published === null || typeof published === 'string') {
          this.#fail(published === null ? 'the relay path is taken' : `the camera's description cannot be relayed: ${published} (Invalid data found)`);
          pull.close();
          return;
        }
        this.#publisher = published;
      },
      onFrames: (frames) => this.#publisher?.send(frames),
      onEnd: (reason) => {
        if (this.#pull === pull) this.#pull = null;
        this.#publisher?.close();
        this.#publisher = null;
        if (reason !== null) this.#fail(reason);
      },
    });
    this.#pull = pull;
  }

  /** Records the camera's problem, reports it when it changed, and reconnects after the backoff. */
  #fail(reason: string): void {
    if (this.#closed) return;
    const o = this.#o;
    const words = cameraProblemInWords(o.describe?.(reason) ?? reason, o.displayUrl);
    // Reported when it changes, not at every retry of a camera that stays away.
    if (words !== this.#problem) o.onProblem?.(words);
    this.#problem = words;
    if (this.#retryTimer !== null) return;
    const delay = backoffDelay(this.#attempt++, o.backoff ?? DEFAULT_BACKOFF, Math.random());
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#connect();
    }, delay);
  }
}
