/**
 * A small RTSP relay (RFC 2326, TCP interleaved transport only): one publisher per path ANNOUNCEs and
 * RECORDs, any number of readers DESCRIBE and PLAY, and every RTP/RTCP packet of the publisher is
 * copied to each reader. Used to serve the demo camera and simulated cameras on the loopback interface.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { DigestAuthenticator, type RtspCredentials } from './digest-auth.ts';
import { RtspConnection, type RelayCore, type StreamPath, type StreamPublisher } from './rtsp-connection.ts';
import type { RtspLimits } from './rtsp-message.ts';
import { parseAnnouncedSdp, type AnnouncedSdp } from './sdp.ts';

/** How the relay behaves; every field has a safe default. */
export interface RtspRelayOptions {
  /** When set, every client (publisher and reader) must authenticate with these (Digest MD5 or Basic). */
  readonly credentials?: RtspCredentials;
  /** A reader whose socket has more than this many bytes queued is disconnected; default 4 MiB. */
  readonly maxReaderBufferBytes?: number;
  /** Largest request line plus headers; default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Largest request body (an SDP); default 64 KiB. */
  readonly maxBodyBytes?: number;
  /** A connection with no traffic either way for this long is closed, in ms; default 60,000. */
  readonly idleTimeoutMs?: number;
  /** Connections accepted at once; default 1,000. */
  readonly maxConnections?: number;
}

/** Counters of one stream path. */
export interface RtspPathStats {
  readonly path: string;
  /** True once the publisher sent RECORD. */
  readonly recording: boolean;
  readonly readers: number;
  /** Bytes of interleaved frames received from the publisher. */
  readonly bytesIn: number;
  /** Bytes of interleaved frames queued to this path's readers. */
  readonly bytesOut: number;
}

/** A snapshot of the relay's counters. */
export interface RtspRelayStats {
  readonly connections: number;
  readonly paths: readonly RtspPathStats[];
  /** Bytes queued to readers since the relay started, over all paths, including paths now gone. */
  readonly bytesForwarded: number;
  /** Readers disconnected because they could not keep up. */
  readonly readersDropped: number;
}

/** A stream published from inside the server. */
export interface LocalPublisher {
  /** Forwards interleaved frames (`$`, channel, length, packet), in order, to the path's readers: one write per reader for the batch. */
  send(frames: readonly { readonly channel: number; readonly frame: Buffer }[]): void;
  /** Unpublishes the path; its readers are disconnected. */
  close(): void;
}

/** Events of the relay: a path goes live (RECORD), or loses its publisher (whether or not it was live). */
export interface RtspRelayEvents {
  publish: [path: string];
  unpublish: [path: string];
}

/** The RTSP relay server; listen on the loopback interface, publish with ffmpeg, read with any RTSP client. */
export class RtspRelay extends EventEmitter<RtspRelayEvents> {
  private readonly server: Server;
  private readonly connections = new Set<RtspConnection>();
  private readonly streams = new Map<string, StreamPath>();
  private readonly core: RelayCore;
  private readonly idleTimeoutMs: number;
  private address: { host: string; port: number } | null = null;
  private forwarded = 0;
  private dropped = 0;

  /** Creates the relay; nothing listens until `listen()`. */
  constructor(options: RtspRelayOptions = {}) {
    super();
    // Every looping camera waits on these events; a benchmark may start hundreds at once.
    this.setMaxListeners(0);
    const limits: RtspLimits = { maxHeaderBytes: options.maxHeaderBytes ?? 16 * 1024, maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 };
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    const auth = options.credentials === undefined ? null : new DigestAuthenticator(options.credentials);
    this.core = {
      auth,
      limits,
      maxReaderBufferBytes: options.maxReaderBufferBytes ?? 4 * 1024 * 1024,
      sessionTimeoutS: Math.max(1, Math.round(this.idleTimeoutMs / 1000)),
      announce: (name, sdp, publisher) => this.announce(name, sdp, publisher),
      startRecording: (stream) => {
        stream.recording = true;
        this.emit('publish', stream.name.slice(1));
      },
      unpublish: (stream) => this.unpublish(stream),
      findStream: (path) => this.findStream(path),
      forward: (stream, channel, frame) => this.forward(stream, channel, frame),
      closed: (connection) => this.closed(connection),
    };
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.maxConnections = options.maxConnections ?? 1000;
    this.server.on('error', () => undefined);
  }

  /** Starts listening (port 0 picks a free port) and resolves with the port. */
  listen(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const bound = this.server.address();
        const actual = typeof bound === 'object' && bound !== null ? bound.port : port;
        this.address = { host, port: actual };
        resolve({ port: actual });
      });
    });
  }

  /** The port listened on; throws before `listen()` resolved. */
  get port(): number {
    if (this.address === null) throw new Error('the RTSP relay is not listening');
    return this.address.port;
  }

  /** The rtsp:// URL of `path` on this relay (no credentials in it). */
  url(path: string): string {
    if (this.address === null) throw new Error('the RTSP relay is not listening');
    const host = this.address.host.includes(':') ? `[${this.address.host}]` : this.address.host;
    return `rtsp://${host}:${this.address.port}/${path.replace(/^\/+/, '')}`;
  }

  /** True while `path` has a publisher that has started recording. */
  isLive(path: string): boolean {
    return this.streams.get(normalise(path))?.recording === true;
  }

  /** True while `path` has a publisher, live or still setting up. */
  hasPublisher(path: string): boolean {
    return this.streams.has(normalise(path));
  }

  /**
   * Publishes `path` from inside the server (a camera's hub): `sdp` is the description readers get
   * (controls `trackID=<i>`), channel 2i carries track i's RTP and 2i + 1 its RTCP. The path is
   * live at once; `close()` unpublishes it and disconnects its readers. Null when the path has a
   * publisher already; a reason when the description is not usable.
   */
  publishLocal(path: string, sdp: string): LocalPublisher | null | string {
    const parsed = parseAnnouncedSdp(sdp);
    if (typeof parsed === 'string') return parsed;
    const publisher: StreamPublisher = {
      trackOfChannel: (channel) => (channel >= 0 && channel < 2 * parsed.controls.length ? { track: channel >> 1, rtcp: (channel & 1) === 1 } : undefined),
    };
    const stream = this.announce(normalise(path), parsed, publisher);
    if (stream === null) return null;
    this.core.startRecording(stream);
    return {
      send: (frames) => {
        if (this.streams.get(stream.name) !== stream) return;
        const mapped: { track: number; rtcp: boolean; frame: Buffer }[] = [];
        for (const f of frames) {
          stream.bytesIn += f.frame.length;
          const m = publisher.trackOfChannel(f.channel);
          if (m !== undefined) mapped.push({ track: m.track, rtcp: m.rtcp, frame: f.frame });
        }
        for (const reader of stream.readers) this.account(stream, reader, reader.sendBatch(mapped));
      },
      close: () => this.unpublish(stream),
    };
  }

  /** Current counters. */
  stats(): RtspRelayStats {
    return {
      connections: this.connections.size,
      paths: [...this.streams.values()].map((s) => ({
        path: s.name.slice(1), recording: s.recording, readers: s.readers.size, bytesIn: s.bytesIn, bytesOut: s.bytesOut,
      })),
      bytesForwarded: this.forwarded,
      readersDropped: this.dropped,
    };
  }

  /** Stops listening and ends every connection; resolves once the server is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const connection of this.connections) connection.destroy();
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
    socket.setTimeout(this.idleTimeoutMs, () => socket.destroy());
    this.connections.add(new RtspConnection(socket, this.core));
  }

  private announce(name: string, sdp: AnnouncedSdp, publisher: StreamPublisher): StreamPath | null {
    if (this.streams.has(name)) return null;
    const stream: StreamPath = { name, sdp, publisher, readers: new Set(), recording: false, bytesIn: 0, bytesOut: 0 };
    this.streams.set(name, stream);
    return stream;
  }

  private unpublish(stream: StreamPath): void {
    if (this.streams.get(stream.name) !== stream) return;
    this.streams.delete(stream.name);
    for (const reader of stream.readers) {
      reader.detach();
      reader.destroy();
    }
    stream.readers.clear();
    this.emit('unpublish', stream.name.slice(1));
  }

  /** The stream whose path is `path` or a prefix of it followed by `/` (a track URL). */
  private findStream(path: string): StreamPath | undefined {
    let best: StreamPath | undefined;
    for (let p = path; p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      best = this.streams.get(p);
      if (best !== undefined) return best;
    }
    return undefined;
  }

  private forward(stream: StreamPath, channel: number, frame: Buffer): void {
    stream.bytesIn += frame.length;
    const mapping = stream.publisher.trackOfChannel(channel);
    if (mapping === undefined) return;
    for (const reader of stream.readers) this.account(stream, reader, reader.sendMedia(mapping.track, mapping.rtcp, frame));
  }

  /** Counts what was queued to a reader and drops it when it could not keep up (`sent` < 0). */
  private account(stream: StreamPath, reader: RtspConnection, sent: number): void {
    if (sent < 0) {
      this.dropped++;
      stream.readers.delete(reader);
      reader.detach();
    }
    const bytes = Math.abs(sent);
    stream.bytesOut += bytes;
    this.forwarded += bytes;
  }

  private closed(connection: RtspConnection): void {
    this.connections.delete(connection);
    const published = connection.publishedStream;
    if (published !== null) this.unpublish(published);
    connection.readStream?.readers.delete(connection);
  }
}

/** `demo`, `/demo/` → `/demo`. */
function normalise(path: string): string {
  return `/${path.replace(/^\/+|\/+$/g, '')}`;
}
