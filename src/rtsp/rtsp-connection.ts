/**
 * One client connection of the RTSP relay: parses its requests, answers them (RFC 2326 §10) as a
 * publisher (ANNOUNCE, SETUP mode=record, RECORD) or a reader (DESCRIBE, SETUP, PLAY), and writes
 * forwarded media to it. TCP interleaved transport only; the session lives as long as the connection.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { DigestAuthenticator } from './digest-auth.ts';
import { formatResponse, RtspStreamParser, type RtspLimits, type RtspRequest, type RtspResponse } from './rtsp-message.ts';
import { parseAnnouncedSdp, trackIndex, type AnnouncedSdp } from './sdp.ts';
import { parseTransport } from './transport-header.ts';

/** Who publishes a stream path: a client connection, or a local source inside the server (`RtspRelay.publishLocal`). */
export interface StreamPublisher {
  /** The track and kind (RTP or RTCP) sent on `channel`, if that channel is set up. */
  trackOfChannel(channel: number): { readonly track: number; readonly rtcp: boolean } | undefined;
}

/** A stream path of the relay: its announced description, its publisher and its readers. */
export interface StreamPath {
  /** The URL path, with a leading slash and no trailing slash (`/demo`). */
  readonly name: string;
  readonly sdp: AnnouncedSdp;
  readonly publisher: StreamPublisher;
  readonly readers: Set<RtspConnection>;
  /** True once the publisher sent RECORD: readers may DESCRIBE and PLAY. */
  recording: boolean;
  bytesIn: number;
  bytesOut: number;
}

/** What a connection needs from the relay that owns it. */
export interface RelayCore {
  readonly auth: DigestAuthenticator | null;
  readonly limits: RtspLimits;
  /** Bytes a reader may have queued before it is dropped. */
  readonly maxReaderBufferBytes: number;
  /** Seconds announced in the Session header's timeout parameter. */
  readonly sessionTimeoutS: number;
  /** Registers a publisher on `name`; null when the path already has one. */
  announce(name: string, sdp: AnnouncedSdp, publisher: StreamPublisher): StreamPath | null;
  /** Marks the stream live (RECORD received). */
  startRecording(stream: StreamPath): void;
  /** Removes the stream and disconnects its readers. */
  unpublish(stream: StreamPath): void;
  /** The live stream `path` belongs to (the stream itself or one of its tracks), if any. */
  findStream(path: string): StreamPath | undefined;
  /** Sends a publisher's interleaved frame on `channel` to the stream's readers. */
  forward(stream: StreamPath, channel: number, frame: Buffer): void;
  /** Called once when the connection's socket has closed. */
  closed(connection: RtspConnection): void;
}

const PUBLIC_METHODS = 'OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, PAUSE, RECORD, GET_PARAMETER, TEARDOWN';

/** One RTSP client connection (publisher, reader, or not yet either). */
export class RtspConnection implements StreamPublisher {
  private readonly parser: RtspStreamParser;
  private session: string | null = null;
  private publishing: StreamPath | null = null;
  /** Publisher channel → track index and whether it carries RTCP. */
  private readonly publisherChannels = new Map<number, { readonly track: number; readonly rtcp: boolean }>();
  private reading: StreamPath | null = null;
  /** Reader track index → [RTP channel, RTCP channel]. */
  private readonly readerChannels = new Map<number, readonly [number, number]>();
  private playing = false;
  private ending = false;

  /** Takes over `socket`; the relay hears of its end through `core.closed`. */
  constructor(readonly socket: Socket, private readonly core: RelayCore) {
    this.parser = new RtspStreamParser(core.limits);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => core.closed(this));
  }

  /** The stream this connection publishes, if any. */
  get publishedStream(): StreamPath | null {
    return this.publishing;
  }

  /** The stream this connection reads, if any. */
  get readStream(): StreamPath | null {
    return this.reading;
  }

  /** The track and kind (RTP or RTCP) this publisher sends on `channel`, if it set that channel up. */
  trackOfChannel(channel: number): { readonly track: number; readonly rtcp: boolean } | undefined {
    return this.publisherChannels.get(channel);
  }

  /** Writes one interleaved frame of `track` to this reader if it plays it; returns the bytes queued (0 when not sent). */
  sendMedia(track: number, rtcp: boolean, frame: Buffer): number {
    const out = this.framed(track, rtcp, frame);
    return out === null ? 0 : this.write(out);
  }

  /** Writes frames of several tracks in one write (a local publisher's batch); returns the bytes queued, negative when the reader was dropped. */
  sendBatch(frames: readonly { readonly track: number; readonly rtcp: boolean; readonly frame: Buffer }[]): number {
    const parts: Buffer[] = [];
    for (const f of frames) {
      const out = this.framed(f.track, f.rtcp, f.frame);
      if (out !== null) parts.push(out);
    }
    if (parts.length === 0) return 0;
    return this.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  /** `frame` on this reader's channel for the track, or null when the reader does not play it. */
  private framed(track: number, rtcp: boolean, frame: Buffer): Buffer | null {
    if (!this.playing || this.ending || this.socket.destroyed) return null;
    const channel = this.readerChannels.get(track)?.[rtcp ? 1 : 0];
    if (channel === undefined) return null;
    if (frame[1] === channel) return frame;
    const out = Buffer.from(frame);
    out[1] = channel;
    return out;
  }

  /** Queues bytes; a reader past its buffer limit is dropped (negative return). */
  private write(out: Buffer): number {
    this.socket.write(out);
    if (this.socket.writableLength > this.core.maxReaderBufferBytes) {
      this.socket.destroy();
      return -out.length;
    }
    return out.length;
  }

  /** Closes the connection at once (queued data is discarded). */
  destroy(): void {
    this.ending = true;
    this.socket.destroy();
  }

  /** Forgets the stream this reader was reading (it was unpublished). */
  detach(): void {
    this.reading = null;
    this.playing = false;
    this.readerChannels.clear();
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    for (const item of this.parser.push(chunk)) {
      if (this.ending) return;
      if (item.kind === 'interleaved') {
        const stream = this.publishing;
        if (stream?.recording === true) this.core.forward(stream, item.channel, item.frame);
      } else if (item.kind === 'error') {
        this.ending = true;
        this.socket.end(formatResponse({ status: item.status, headers: { Connection: 'close' } }, null));
      } else {
        let response: RtspResponse;
        try {
          response = this.respond(item.request);
        } catch {
          // A bug must cost one connection, never the relay.
          this.ending = true;
          this.socket.end(formatResponse({ status: 500, headers: { Connection: 'close' } }, item.request.cseq));
          return;
        }
        this.socket.write(formatResponse(response, item.request.cseq));
      }
    }
  }

  /** Answers one request; the only place that decides status codes. */
  private respond(req: RtspRequest): RtspResponse {
    const auth = this.core.auth;
    if (auth !== null && !auth.verify(req.headers.get('authorization'), req.method, (uri) => requestPath(uri) === requestPath(req.uri))) {
      return { status: 401, headers: { 'WWW-Authenticate': auth.challenge() } };
    }
    const path = requestPath(req.uri);
    switch (req.method) {
      case 'OPTIONS':
        return { status: 200, headers: { Public: PUBLIC_METHODS } };
      case 'GET_PARAMETER':
        return this.sessionError(req, false) ?? { status: 200, headers: this.sessionHeader() };
      case 'DESCRIBE':
        return path === null ? { status: 400 } : this.describe(req, path);
      case 'ANNOUNCE':
        return path === null ? { status: 400 } : this.announce(req, path);
      case 'SETUP':
        return path === null ? { status: 400 } : this.setup(req, path);
      case 'PLAY':
      case 'PAUSE':
      case 'RECORD':
        return this.sessionError(req, true) ?? this.control(req.method);
      case 'TEARDOWN':
        return this.sessionError(req, true) ?? this.teardown();
      default:
        return { status: 501 };
    }
  }

  private describe(req: RtspRequest, path: string): RtspResponse {
    const stream = this.core.findStream(path);
    if (stream === undefined || stream.name !== path) return { status: 404 };
    return {
      status: 200,
      headers: { 'Content-Type': 'application/sdp', 'Content-Base': contentBase(req, path) },
      body: stream.sdp.text,
    };
  }

  private announce(req: RtspRequest, path: string): RtspResponse {
    if (this.publishing !== null || this.reading !== null) return { status: 455 };
    if (path === '') return { status: 400 };
    if (!/^application\/sdp\b/i.test(req.headers.get('content-type') ?? '')) return { status: 415 };
    const sdp = parseAnnouncedSdp(req.body.toString('utf8'));
    if (typeof sdp === 'string') return { status: 400 };
    const stream = this.core.announce(path, sdp, this);
    if (stream === null) return { status: 455 };
    this.publishing = stream;
    return { status: 200 };
  }

  private setup(req: RtspRequest, path: string): RtspResponse {
    const transport = parseTransport(req.headers.get('transport') ?? '');
    if (transport === null) return { status: 461 };
    if (typeof transport === 'string') return { status: 400 };
    const sessionError = this.sessionError(req, false);
    if (sessionError !== null) return sessionError;
    const publishing = this.publishing;
    const stream = publishing ?? this.core.findStream(path);
    if (publishing === null && transport.record) return { status: 455 };
    if (stream === undefined || (publishing === null && !stream.recording)) return { status: 404 };
    if (publishing?.recording === true || this.playing || (this.reading !== null && this.reading !== stream)) return { status: 455 };
    const track = trackIndex(stream.sdp.controls, stream.name, path);
    if (track < 0) return { status: 404 };
    const used = publishing !== null ? [...this.publisherChannels.keys()] : [...this.readerChannels.values()].flat();
    const channels = transport.channels ?? freeChannels(used);
    if (publishing !== null) {
      this.publisherChannels.set(channels[0], { track, rtcp: false });
      this.publisherChannels.set(channels[1], { track, rtcp: true });
    } else {
      this.readerChannels.set(track, channels);
      this.reading = stream;
      stream.readers.add(this);
    }
    this.session ??= randomBytes(8).toString('hex');
    const mode = publishing !== null ? ';mode=record' : '';
    return { status: 200, headers: { Transport: `RTP/AVP/TCP;unicast;interleaved=${channels[0]}-${channels[1]}${mode}`, ...this.sessionHeader() } };
  }

  private control(method: 'PLAY' | 'PAUSE' | 'RECORD'): RtspResponse {
    const ok: RtspResponse = { status: 200, headers: this.sessionHeader() };
    if (method === 'RECORD') {
      if (this.publishing === null || this.publisherChannels.size === 0) return { status: 455 };
      if (!this.publishing.recording) this.core.startRecording(this.publishing);
      return ok;
    }
    if (this.reading === null || this.readerChannels.size === 0) return { status: 455 };
    this.playing = method === 'PLAY';
    return this.playing ? { status: 200, headers: { ...ok.headers, Range: 'npt=0.000-' } } : ok;
  }

  private teardown(): RtspResponse {
    const ok: RtspResponse = { status: 200, headers: this.sessionHeader() };
    if (this.publishing !== null) this.core.unpublish(this.publishing);
    this.reading?.readers.delete(this);
    this.detach();
    this.publishing = null;
    this.publisherChannels.clear();
    this.session = null;
    return ok;
  }

  /** 454 when the request names another session, or names none where `required`. */
  private sessionError(req: RtspRequest, required: boolean): RtspResponse | null {
    const given = req.headers.get('session')?.split(';')[0]?.trim() ?? '';
    if (given === '') return required ? { status: 454 } : null;
    return given === this.session ? null : { status: 454 };
  }

  private sessionHeader(): Record<string, string> {
    return this.session === null ? {} : { Session: `${this.session};timeout=${this.core.sessionTimeoutS}` };
  }
}

/** The URL path of a request URI without trailing slashes (`/demo`), '' for `*`, null when unparsable. */
export function requestPath(uri: string): string | null {
  if (uri === '*') return '';
  let pathname: string;
  if (uri.startsWith('/')) {
    pathname = uri.split(/[?#]/)[0] ?? '';
  } else {
    try {
      pathname = new URL(uri).pathname;
    } catch {
      return null;
    }
  }
  return pathname.replace(/\/+$/, '');
}

/** The Content-Base of a DESCRIBE answer: the request URL without credentials or query, ending in `/`. */
function contentBase(req: RtspRequest, path: string): string {
  if (!req.uri.startsWith('/')) {
    try {
      const url = new URL(req.uri);
      return `${url.protocol}//${url.host}${path}/`;
    } catch {
      // requestPath parsed it already; fall through to the Host header.
    }
  }
  return `rtsp://${req.headers.get('host') ?? 'localhost'}${path}/`;
}

/** The lowest even channel pair not in `used`. */
function freeChannels(used: readonly number[]): readonly [number, number] {
  let rtp = 0;
  while (used.includes(rtp) || used.includes(rtp + 1)) rtp += 2;
  return [rtp, rtp + 1];
}
