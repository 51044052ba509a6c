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
import { MaskBurner, type PrivacyMask } from './mask-burner.ts';
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
  /**
   * Privacy masks, in pixels of the analysed picture (where zones are drawn too). With any, every
   * stream of the camera is re-encoded here with the masks burned in, and consumers read only that.
   */
  readonly masks?: readonly PrivacyMask[];
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
}

interface Upstream {
  readonly url: string;
  feed: Promise<StreamFeed> | null;
  restream: Restream | null;
  burner: MaskBurner | null;
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
      up = { url, feed: null, restream: null, burner: null };
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
      for (const local of [up.restream?.url, up.burner?.url]) if (local !== undefined) out = out.split(local).join(redactUrl(up.url));
    }
    return out;
  }

  /** Stops every restream and proxy; the viewers' stream ends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const up of this.#upstreams.values()) up.restream?.close();
    this.video.end(null);
    await Promise.all([...this.#upstreams.values()].map((up) => up.burner?.close()));
    await this.#proxies.close();
  }

  /** True when the camera's streams are re-encoded with privacy masks. */
  get masked(): boolean {
    return (this.#o.masks?.length ?? 0) > 0;
  }

  async #connect(up: Upstream, name: string): Promise<StreamFeed> {
    const kind = sourceKind(up.url);
    const input = await this.#proxies.localUrl(up.url);
    if (this.#closed) return { url: input, ready: () => Promise.resolve(), problem: () => null };
    if (this.masked) return this.#burn(up, name, kind === 'rtsp' ? this.#restream(up, input, `${name}-raw`) : null, input);
    if (kind !== 'rtsp') return { url: input, ready: () => Promise.resolve(), problem: () => null };
    const restream = this.#restream(up, input, name);
    return { url: restream.url, ready: () => restream.ready(), problem: () => restream.problem() };
  }

  /** The masked feed of `up`: its raw restream (or `input`, for a file or HTTP stream) read by a mask burner. */
  #burn(up: Upstream, name: string, raw: Restream | null, input: string): StreamFeed {
    const o = this.#o;
    const analysedUrl = o.subUrl ?? o.url;
    const burner = new MaskBurner({
      input: raw?.url ?? input,
      inputReady: () => raw?.ready() ?? Promise.resolve(),
      masks: o.masks ?? [],
      // Masks are drawn on the analysed picture: the main stream of a camera with a sub-stream scales them from its size.
      ...(up.url !== analysedUrl && {
        space: async () => {
          await this.feed('analysed');
          return this.#upstreams.get(analysedUrl)?.burner?.size() ?? { width: 0, height: 0 };
        },
      }),
      relay: o.relay,
      path: `${this.#token}/${encodeURIComponent(o.cameraId)}/${name}`,
      displayUrl: redactUrl(up.url),
      ...(o.ffmpegPath !== undefined && { ffmpegPath: o.ffmpegPath }),
      ...(o.ffprobePath !== undefined && { ffprobePath: o.ffprobePath }),
      ...(o.onProblem && { onProblem: o.onProblem }),
    });
    up.burner = burner;
    return { url: burner.url, ready: () => burner.ready(), problem: () => raw?.problem() ?? burner.problem() };
  }

  #restream(up: Upstream, input: string, name: string): Restream {
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
    return restream;
  }
}
