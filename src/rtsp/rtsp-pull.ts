/**
 * An RTSP client that plays one stream over TCP interleaved transport (RFC 2326 §10.12) and hands
 * on its RTP and RTCP packets untouched: DESCRIBE, SETUP of every media section, PLAY, then `$`
 * frames, with a GET_PARAMETER keep-alive inside the session timeout. Nothing is depacketised or
 * parsed, so forwarding adds no frame of delay (an ffmpeg copying the stream holds each frame until
 * the next one starts). No authentication of its own: a camera with credentials is read through
 * its credential proxy (src/ingest/credential-proxy.ts), which answers the challenges.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { relaySdp } from './sdp.ts';
import { headerValue, UpstreamRtspParser } from './upstream-parser.ts';

/** How to play a stream. */
export interface RtspPullOptions {
  /** rtsp:// or rtsps:// URL without credentials. */
  readonly url: string;
  /** No answer or packet for this long ends the session with a timeout, ms. */
  readonly timeoutMs: number;
  /** The stream is playing: its description, with a `trackID=<i>` control per media section, in the order of the channels. */
  readonly onPlaying: (sdp: string) => void;
  /**
   * The interleaved frames (`$`, channel, length, packet) of one read from the socket, in order, as
   * received; channel 2i is track i's RTP, 2i + 1 its RTCP. A batch lets the relay write them to
   * each reader at once instead of one system call per packet.
   */
  readonly onFrames: (frames: readonly InterleavedFrame[]) => void;
  /** The session ended (once): a reason in the words RTSP and sockets use (`401 Unauthorized`, `Connection refused`, `timed out`), or null after `close()`. */
  readonly onEnd: (reason: string | null) => void;
}

/** One interleaved frame and its channel. */
export interface InterleavedFrame {
  readonly channel: number;
  readonly frame: Buffer;
}

interface Response {
  readonly status: number;
  readonly line: string;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'rtsp:': 554, 'rtsps:': 322 };

/** One playing session; `close()` sends TEARDOWN and ends it. */
export class RtspPull {
  readonly #o: RtspPullOptions;
  readonly #socket: Socket;
  readonly #parser = new UpstreamRtspParser();
  #cseq = 0;
  #session: string | null = null;
  /** The request waiting for its answer: settled with the answer, or null when the session ends first. */
  #pending: { readonly cseq: number; readonly settle: (r: Response | null) => void } | null = null;
  #ended = false;
  #watchdog: NodeJS.Timeout | null = null;
  #keepAlive: NodeJS.Timeout | null = null;

  /** Connects and starts playing at once; the outcome comes through the callbacks. */
  constructor(options: RtspPullOptions) {
    this.#o = options;
    const url = new URL(options.url);
    const port = Number(url.port || DEFAULT_PORTS[url.protocol] || 554);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    this.#socket =
      url.protocol === 'rtsps:'
        ? tlsConnect({ host, port, rejectUnauthorized: false, ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }) })
        : netConnect({ host, port });
    this.#socket.setNoDelay(true);
    this.#arm();
    this.#socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    this.#socket.on('error', (error: NodeJS.ErrnoException) => this.#end(socketReason(error)));
    this.#socket.on('close', () => this.#end('the camera closed the connection'));
    this.#socket.once(url.protocol === 'rtsps:' ? 'secureConnect' : 'connect', () => void this.#play());
  }

  /** Ends the session (TEARDOWN, then the socket); `onEnd(null)` follows. */
  close(): void {
    if (this.#ended) return;
    if (this.#session !== null) this.#socket.write(this.#request('TEARDOWN', this.#o.url, {}));
    this.#end(null);
    this.#socket.end();
    this.#socket.destroySoon();
  }

  async #play(): Promise<void> {
    const described = await this.#call('DESCRIBE', this.#o.url, { Accept: 'application/sdp' });
    if (described === null) return;
    const base = headerValue(described.headers, 'content-base') ?? headerValue(described.headers, 'content-location') ?? this.#o.url;
    const sdp = described.body.toString('utf8');
    const controls = mediaControls(sdp);
    if (controls.length === 0) return this.#end('the camera described no media stream (Invalid data found)');
    for (const [i, control] of controls.entries()) {
      const headers: Record<string, string> = { Transport: `RTP/AVP/TCP;unicast;interleaved=${2 * i}-${2 * i + 1}` };
      const set = await this.#call('SETUP', controlUrl(base, control), headers);
      if (set === null) return;
      const session = headerValue(set.headers, 'session');
      if (session !== undefined && this.#session === null) {
        this.#session = session.split(';')[0]!.trim();
        const timeout = Number(/timeout=(\d+)/i.exec(session)?.[1] ?? 60);
        const every = Math.max(1, Math.min(timeout, 120) / 2) * 1000;
        this.#keepAlive = setInterval(() => this.#socket.write(this.#request('GET_PARAMETER', this.#o.url, {})), every);
        this.#keepAlive.unref();
      }
    }
    const played = await this.#call('PLAY', aggregateUrl(base, sdp), { Range: 'npt=0.000-' });
    if (played === null) return;
    this.#o.onPlaying(relaySdp(sdp));
  }

  /** Sends a request and waits for its answer; null (the session ended) when none comes or it is not 2xx. */
  #call(method: string, uri: string, headers: Record<string, string>): Promise<Response | null> {
    if (this.#ended) return Promise.resolve(null);
    const cseq = ++this.#cseq;
    return new Promise((resolve) => {
      this.#pending = {
        cseq,
        settle: (r) => {
          this.#pending = null;
          if (r === null || (r.status >= 200 && r.status < 300)) resolve(r);
          else {
            this.#end(`${method} answered ${r.line.replace(/^RTSP\/\S+\s*/, '')}`);
            resolve(null);
          }
        },
      };
      this.#socket.write(this.#request(method, uri, headers, cseq));
    });
  }

  #request(method: string, uri: string, headers: Record<string, string>, cseq = ++this.#cseq): string {
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${cseq}`, 'User-Agent: Sightline', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (this.#session !== null) lines.push(`Session: ${this.#session}`);
    return `${lines.join('\r\n')}\r\n\r\n`;
  }

  #receive(chunk: Buffer): void {
    this.#arm();
    const frames: InterleavedFrame[] = [];
    const flush = (): void => {
      if (frames.length > 0 && !this.#ended) this.#o.onFrames(frames.splice(0));
    };
    for (const item of this.#parser.push(chunk)) {
      if (this.#ended) return;
      if (item.kind === 'error') {
        flush();
        return this.#end('the camera sent a malformed RTSP message (Invalid data found)');
      }
      if (item.kind === 'frame') {
        frames.push({ channel: item.bytes[1]!, frame: item.bytes });
        continue;
      }
      flush();
      const status = /^RTSP\/\d+\.\d+ (\d{3})/.exec(item.startLine);
      // A request from the camera (an ANNOUNCE or a keep-alive of its own) needs no answer to keep playing.
      if (status === null) continue;
      const cseq = Number(headerValue(item.headers, 'cseq') ?? NaN);
      if (this.#pending !== null && cseq === this.#pending.cseq) this.#pending.settle({ status: Number(status[1]), line: item.startLine, headers: item.headers, body: item.body });
    }
    flush();
  }

  /** (Re)starts the no-traffic timer. */
  #arm(): void {
    if (this.#watchdog !== null) clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#end('the camera gave no answer (timed out)');
      this.#socket.destroy();
    }, this.#o.timeoutMs);
    this.#watchdog.unref();
  }

  #end(reason: string | null): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#watchdog !== null) clearTimeout(this.#watchdog);
    if (this.#keepAlive !== null) clearInterval(this.#keepAlive);
    this.#pending?.settle(null);
    if (reason !== null) this.#socket.destroy();
    this.#o.onEnd(reason);
  }
}

/** A socket error in the words camera-words.ts knows. */
function socketReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Name or service not known';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'No route to host';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'Connection reset by the camera';
    default:
      return error.message;
  }
}

/** The `a=control` of each media section of an SDP, in order ('' where a section has none). */
export function mediaControls(sdp: string): string[] {
  const controls: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) controls.push('');
    else if (line.startsWith('a=control:') && controls.length > 0) controls[controls.length - 1] = line.slice('a=control:'.length).trim();
  }
  return controls;
}

/** The URL a media section's control names (RFC 2326 §C.1.1): absolute as given, else relative to the base; `*` or none is the base. */
export function controlUrl(base: string, control: string): string {
  if (control === '' || control === '*') return base;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(control)) return control;
  return `${base.replace(/\/+$/, '')}/${control.replace(/^\/+/, '')}`;
}

/** The URL of the aggregate PLAY: the session-level control when there is one, else the base. */
export function aggregateUrl(base: string, sdp: string): string {
  const session = sdp.split(/\r?\nm=/)[0] ?? '';
  const control = /(?:^|\n)a=control:(.*)/.exec(session)?.[1]?.trim();
  return control === undefined ? base : controlUrl(base, control);
}
