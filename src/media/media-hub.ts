/**
 * One camera's media hub: one connection to each camera stream, however many consumers. An RTSP
 * stream is played once (restream.ts, without ffmpeg) and published on the server's loopback RTSP relay under a
 * random token; the decoder, the recorder and probes read the relay, and every live viewer shares
 * the decoder's MP4 (`video`). The camera's credentials stay here: they go to the credential proxy
 * (src/ingest/credential-proxy.ts) that the restream reads through, and no consumer, URL, command
 * line or message outside the hub holds them.
 *
 * Files are read by each consumer directly (no camera to spare); HTTP streams go through the
 * credential proxy per consumer (the relay carries RTP, and an MJPEG or HLS stream is not restreamed).
 */
import { randomBytes } from 'node:crypto';
import { CredentialProxies, type CameraCredentials } from '../ingest/credential-proxy.ts';
import { sourceKind } from '../ingest/ffmpeg-args.ts';
import { redactUrl } from '../ingest/redact-url.ts';
import type { RtspRelay } from '../rtsp/rtsp-server.ts';
import { Mp4Broadcast } from './mp4-broadcast.ts';
import { Restream } from './restream.ts';

/** Which of a camera's streams: the main stream (recorded) or the analysed one (the sub-stream when there is one). */
export type StreamRole = 'main' | 'analysed';

/** What a consumer of a camera's hub reads: a URL without credentials, when to read it, and the camera's own problem. */
export interface StreamFeed {
  /** What ffmpeg or ffprobe opens: a loopback relay URL, a credential proxy's loopback URL or a file path. */
  readonly url: string;
  /** Resolves once the stream can be read (at once while it is live), or when the hub closes. */
  ready(): Promise<void>;
  /** Why the camera stream is not available, in words; null while it is (or before anything failed). */
  problem(): string | null;
}

/** What a hub is built from. */
export interface MediaHubOptions {
  readonly cameraId: string;
  /** Main stream URL (never with credentials in it). */
  readonly url: string;
  /** Sub-stream URL, analysed instead of the main stream when set. */
  readonly subUrl?: string | undefined;
  readonly credentials: CameraCredentials | null;
  /** The server's loopback relay, listening. */
  readonly relay: RtspRelay;
  /** Network I/O timeout of camera connections, ms; default 10,000. */
  readonly timeoutMs?: number;
  /** Receives each problem of a restream with its camera, in words. */
  readonly onProblem?: (words: string) => void;
}

interface Upstream {
  readonly url: string;
  feed: Promise<StreamFeed> | null;
  restream: Restream | null;
}

/** The hub of one running camera; `close()` once. */
export class MediaHub {
  /** The analysed stream as live MP4, fed by the decoder, shared by every viewer. */
  readonly video = new Mp4Broadcast();
  readonly #o: MediaHubOptions;
  readonly #proxies: CredentialProxies;
  readonly #token = randomBytes(16).toString('hex');
  readonly #upstreams = new Map<string, Upstream>();
  #closed = false;

  /** Prepares the hub; a stream is connected when a consumer first asks for it. */
  constructor(options: MediaHubOptions) {
    this.#o = options;
    this.#proxies = new CredentialProxies(options.credentials);
  }

  /** The feed of one of the camera's streams; the main and analysed feeds are one when the camera has no sub-stream. */
  feed(role: StreamRole): Promise<StreamFeed> {
    const url = role === 'analysed' ? (this.#o.subUrl ?? this.#o.url) : this.#o.url;
    let up = this.#upstreams.get(url);
    if (up === undefined) {
      up = { url, feed: null, restream: null };
      this.#upstreams.set(url, up);
      up.feed = this.#connect(up, url === this.#o.url ? 'main' : 'sub');
    }
    return up.feed!;
  }

  /** Connections opened to the camera so far, over all its streams (a restream counts one per run). */
  cameraSessions(): number {
    let n = 0;
    for (const up of this.#upstreams.values()) n += up.restream?.sessions ?? 0;
    return n;
  }

  /** `text` (an ffmpeg or ffprobe message) naming the camera's redacted URL instead of a loopback relay or proxy URL. */
  describe(text: string): string {
    let out = this.#proxies.unproxy(text);
    for (const up of this.#upstreams.values()) {
      const local = up.restream?.url;
      if (local !== undefined) out = out.split(local).join(redactUrl(up.url));
    }
    return out;
  }

  /** Stops every restream and proxy; the viewers' stream ends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const up of this.#upstreams.values()) up.restream?.close();
    this.video.end(null);
    await this.#proxies.close();
  }

  async #connect(up: Upstream, name: string): Promise<StreamFeed> {
    const kind = sourceKind(up.url);
    const input = await this.#proxies.localUrl(up.url);
    if (kind !== 'rtsp' || this.#closed) return { url: input, ready: () => Promise.resolve(), problem: () => null };
    const restream = new Restream({
      input,
      displayUrl: redactUrl(up.url),
      relay: this.#o.relay,
      path: `${this.#token}/${encodeURIComponent(this.#o.cameraId)}/${name}`,
      describe: (t) => this.#proxies.unproxy(t),
      ...(this.#o.timeoutMs !== undefined && { timeoutMs: this.#o.timeoutMs }),
      ...(this.#o.onProblem && { onProblem: this.#o.onProblem }),
    });
    up.restream = restream;
    return { url: restream.url, ready: () => restream.ready(), problem: () => restream.problem() };
  }
}
