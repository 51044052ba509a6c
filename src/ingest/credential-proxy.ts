/**
 * A loopback credential proxy, so that no child process (ffmpeg, ffprobe) ever holds a camera's user
 * name or password on its command line or in its environment, where every local user can read them.
 *
 * Node listens on 127.0.0.1 on a random port; consumers get `rtsp://127.0.0.1:PORT/<token>/path` (or
 * `http://…`) with a random per-start token as the first path segment and no credentials. A connection
 * whose first request does not name the token is refused. The proxy connects to the camera itself (TCP,
 * or TLS for rtsps:// and https://, without certificate checks, like ffmpeg's default), rewrites request
 * URIs to the camera's, and answers the camera's 401 challenges (Digest MD5 / MD5-sess with or without
 * qop=auth, or Basic) with the credentials; the 401 is then not passed on. RTSP is proxied message by
 * message (interleaved `$` frames pass through both ways); HTTP(S) GET/HEAD responses are piped.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SightlineError } from '../core/errors.ts';
import { parseAuthParams } from '../rtsp/digest-auth.ts';
import { formatResponse, RtspStreamParser, type RtspLimits, type RtspRequest } from '../rtsp/rtsp-message.ts';
import { headerValue, UPSTREAM_LIMITS, UpstreamRtspParser } from '../rtsp/upstream-parser.ts';
import { sourceKind } from './ffmpeg-args.ts';

/** The user name and password of a camera. */
export interface CameraCredentials {
  readonly username: string;
  readonly password: string;
}

/** A running proxy to one camera origin (scheme, host and port). */
export interface CredentialProxy {
  /** The loopback URL (no credentials in it) that reads `url`, a URL on the camera's origin, through this proxy. */
  localUrl(url: string): string;
  /** `text` (an error message) with the proxy's loopback URL prefix, token included, replaced by the camera's origin. */
  unproxy(text: string): string;
  /** Stops listening and ends every proxied connection. */
  close(): Promise<void>;
}

const LIMITS: RtspLimits = UPSTREAM_LIMITS;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'rtsp:': 554, 'rtsps:': 322, 'http:': 80, 'https:': 443 };

/** The origin of a URL as compared by the proxy: `scheme://host[:port]`, lower-case. */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`.toLowerCase();
}

/**
 * Starts a proxy to the origin of `upstream` (an rtsp://, rtsps://, http:// or https:// URL without
 * credentials in it) that authenticates with `credentials`.
 */
export async function startCredentialProxy(upstream: string, credentials: CameraCredentials): Promise<CredentialProxy> {
  let target: URL;
  try {
    target = new URL(upstream);
  } catch {
    throw new SightlineError('CAMERA_INVALID', 'the camera URL is not a valid URL');
  }
  const port = DEFAULT_PORTS[target.protocol];
  if (port === undefined) throw new SightlineError('CAMERA_INVALID', `the credential proxy does not speak ${target.protocol}`);
  const origin: Origin = {
    origin: originOf(target),
    host: target.hostname.replace(/^\[|\]$/g, ''),
    hostHeader: target.host,
    port: target.port === '' ? port : Number(target.port),
    tls: target.protocol === 'rtsps:' || target.protocol === 'https:',
  };
  const token = randomBytes(18).toString('base64url');
  const auth = new Authenticator(credentials);
  const rtsp = target.protocol.startsWith('rtsp');
  const sockets = new Set<Socket>();
  let prefix = '';
  const server: Server = rtsp
    ? createNetServer({ noDelay: true }, (socket) => {
      const connection = new RtspProxyConnection(socket, origin, token, () => prefix, auth);
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        connection.destroy();
      });
    })
    : createHttpServer((req, res) => proxyHttp(req, res, origin, token, () => prefix, auth));
  if (!rtsp) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  }
  server.on('error', () => undefined);
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  prefix = `${rtsp ? 'rtsp' : 'http'}://127.0.0.1:${bound}/${token}`;
  return {
    localUrl(url: string): string {
      const u = new URL(url);
      if (originOf(u) !== origin.origin) throw new SightlineError('CAMERA_INVALID', 'a camera URL on another host cannot use this credential proxy');
      return `${prefix}${u.pathname}${u.search}`;
    },
    unproxy(text: string): string {
      return text.split(prefix).join(`${target.protocol}//${target.host}`);
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
      });
    },
  };
}

/**
 * The proxies of one running camera, one per camera origin, started on first use: `localUrl` gives
 * what ffmpeg and ffprobe may be handed. Without credentials, and for files, URLs come back unchanged.
 */
export class CredentialProxies {
  private readonly proxies = new Map<string, Promise<CredentialProxy>>();
  private readonly started: CredentialProxy[] = [];

  constructor(private readonly credentials: CameraCredentials | null) {}

  /** The URL a child process reads `url` through: the proxy's loopback URL when the camera has credentials. */
  async localUrl(url: string): Promise<string> {
    const kind = sourceKind(url);
    if (this.credentials === null || (kind !== 'rtsp' && kind !== 'http')) return url;
    const key = originOf(new URL(url));
    let proxy = this.proxies.get(key);
    if (proxy === undefined) {
      proxy = startCredentialProxy(url, this.credentials);
      proxy.then((p) => this.started.push(p), () => undefined);
      this.proxies.set(key, proxy);
    }
    return (await proxy).localUrl(url);
  }

  /** `text` with every loopback URL of these proxies (and so their tokens) replaced by the camera's origin. */
  unproxy(text: string): string {
    return this.started.reduce((out, p) => p.unproxy(out), text);
  }

  /** Closes every proxy. */
  async close(): Promise<void> {
    const proxies = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(proxies.map(async (p) => (await p.catch(() => null))?.close()));
  }
}

/** Where the proxy connects. */
interface Origin {
  /** `scheme://host[:port]` as in the camera URL, lower-case. */
  readonly origin: string;
  readonly host: string;
  /** `host[:port]` for a Host header. */
  readonly hostHeader: string;
  readonly port: number;
  readonly tls: boolean;
}

/**
 * The camera path and query that `uri` (a request target on the proxy) names when it carries the token:
 * `/path?query`; null when the token is missing or wrong.
 */
function stripToken(uri: string, token: string): string | null {
  let path: string;
  if (uri.startsWith('/')) path = uri;
  else {
    try {
      const u = new URL(uri);
      path = `${u.pathname}${u.search}`;
    } catch {
      return null;
    }
  }
  const m = /^\/([^/?#]*)(.*)$/s.exec(path);
  if (m === null) return null;
  const given = Buffer.from(m[1] ?? '', 'utf8');
  const wanted = Buffer.from(token, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;
  const rest = m[2] ?? '';
  return rest.startsWith('/') ? rest : `/${rest}`;
}

// ---------------------------------------------------------------------------------------------
// Authentication

type Challenge =
  | { readonly scheme: 'basic' }
  | { readonly scheme: 'digest'; readonly realm: string; readonly nonce: string; readonly opaque: string | undefined; readonly algorithm: 'MD5' | 'MD5-sess'; readonly qop: boolean };

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
const quote = (text: string): string => `"${text.replace(/["\\]/g, '\\$&')}"`;

/** The best challenge the proxy can answer among `WWW-Authenticate` values: Digest before Basic; null when none. */
export function pickChallenge(values: readonly string[]): Challenge | null {
  let basic: Challenge | null = null;
  for (const value of values) {
    const space = value.indexOf(' ');
    const scheme = (space < 0 ? value : value.slice(0, space)).trim().toLowerCase();
    if (scheme === 'basic') basic ??= { scheme: 'basic' };
    if (scheme !== 'digest') continue;
    const params = parseAuthParams(value.slice(space + 1));
    const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
    const nonce = params.get('nonce');
    if (nonce === undefined || (algorithm !== 'MD5' && algorithm !== 'MD5-SESS')) continue;
    const qops = params.get('qop')?.split(',').map((q) => q.trim().toLowerCase());
    if (qops !== undefined && !qops.includes('auth')) continue;
    return { scheme: 'digest', realm: params.get('realm') ?? '', nonce, opaque: params.get('opaque'), algorithm: algorithm === 'MD5' ? 'MD5' : 'MD5-sess', qop: qops !== undefined };
  }
  return basic;
}

/** Computes `Authorization` values for one camera after its latest challenge. */
class Authenticator {
  private challenge: Challenge | null = null;
  private nc = 0;

  constructor(private readonly credentials: CameraCredentials) {}

  /** Takes the challenge of a 401 answer; false when there is none the proxy can answer. */
  accept(values: readonly string[]): boolean {
    const challenge = pickChallenge(values);
    if (challenge === null) return false;
    this.challenge = challenge;
    this.nc = 0;
    return true;
  }

  /** The `Authorization` value for a request, or null before any challenge. */
  header(method: string, uri: string): string | null {
    const c = this.challenge;
    const { username, password } = this.credentials;
    if (c === null) return null;
    if (c.scheme === 'basic') return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    const cnonce = randomBytes(8).toString('hex');
    let ha1 = md5(`${username}:${c.realm}:${password}`);
    if (c.algorithm === 'MD5-sess') ha1 = md5(`${ha1}:${c.nonce}:${cnonce}`);
    const ha2 = md5(`${method}:${uri}`);
    const parts = [`username=${quote(username)}`, `realm=${quote(c.realm)}`, `nonce=${quote(c.nonce)}`, `uri=${quote(uri)}`];
    if (c.qop) {
      const nc = (++this.nc).toString(16).padStart(8, '0');
      parts.push(`response="${md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`, 'qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
    } else {
      parts.push(`response="${md5(`${ha1}:${c.nonce}:${ha2}`)}"`);
    }
    parts.push(`algorithm=${c.algorithm}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

// ---------------------------------------------------------------------------------------------
// RTSP


const CANONICAL: Readonly<Record<string, string>> = { cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', 'rtp-info': 'RTP-Info' };

/** `content-type` → `Content-Type`. */
function canonical(name: string): string {
  return CANONICAL[name] ?? name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function serialise(startLine: string, headers: ReadonlyArray<readonly [string, string]>, body: Buffer): Buffer {
  const lines = [startLine, ...headers.filter(([n]) => n.toLowerCase() !== 'content-length').map(([n, v]) => `${n}: ${v}`)];
  if (body.length > 0) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

interface Pending {
  readonly request: RtspRequest;
  readonly uri: string;
  readonly clientCseq: string;
  readonly retried: boolean;
}

/** One client connection and its connection to the camera. */
class RtspProxyConnection {
  private readonly parser = new RtspStreamParser(LIMITS);
  private readonly upstreamParser = new UpstreamRtspParser();
  private upstream: Socket | null = null;
  private readonly pending = new Map<string, Pending>();
  private cseq = 0;

  constructor(
    private readonly client: Socket,
    private readonly origin: Origin,
    private readonly token: string,
    private readonly prefix: () => string,
    private readonly auth: Authenticator,
  ) {
    client.on('data', (chunk: Buffer) => this.fromClient(chunk));
    client.on('error', () => undefined);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
  }

  private fromClient(chunk: Buffer): void {
    for (const item of this.parser.push(chunk)) {
      if (item.kind === 'error') {
        this.client.end(formatResponse({ status: item.status }, null));
        this.upstream?.destroy();
        return;
      }
      if (item.kind === 'interleaved') {
        if (this.upstream === null) return this.destroy();
        this.write(this.upstream, item.frame, this.client);
        continue;
      }
      const uri = this.upstreamUri(item.request.uri);
      if (uri === null) {
        this.client.end(formatResponse({ status: 404 }, item.request.cseq));
        return;
      }
      this.send(item.request, uri, item.request.cseq, false);
    }
  }

  /** The camera URI of a request; null when the connection has not yet presented the token. */
  private upstreamUri(uri: string): string | null {
    const path = stripToken(uri, this.token);
    if (path !== null) return `${this.origin.origin}${path}`;
    // Once the token was shown, other targets (`*`, absolute camera URLs from an SDP) go to the camera unchanged.
    return this.upstream === null ? null : uri;
  }

  private send(request: RtspRequest, uri: string, clientCseq: string, retried: boolean): void {
    const upstream = this.upstream ?? this.connect();
    const cseq = String(++this.cseq);
    this.pending.set(cseq, { request, uri, clientCseq, retried });
    const headers: Array<[string, string]> = [['CSeq', cseq]];
    for (const [name, value] of request.headers) {
      if (name !== 'cseq' && name !== 'authorization' && name !== 'content-length') headers.push([canonical(name), value]);
    }
    const authorization = this.auth.header(request.method, uri);
    if (authorization !== null) headers.push(['Authorization', authorization]);
    this.write(upstream, serialise(`${request.method} ${uri} RTSP/1.0`, headers, request.body), this.client);
  }

  private connect(): Socket {
    const { host, port } = this.origin;
    const socket = this.origin.tls
      ? tlsConnect({ host, port, rejectUnauthorized: false, ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }) })
      : netConnect({ host, port, noDelay: true });
    this.upstream = socket;
    socket.on('data', (chunk: Buffer) => this.fromUpstream(chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => this.client.destroy());
    return socket;
  }

  private fromUpstream(chunk: Buffer): void {
    const frames: Buffer[] = [];
    const flush = (): void => {
      if (frames.length === 0) return;
      this.write(this.client, frames.length === 1 ? frames[0]! : Buffer.concat(frames), this.upstream);
      frames.length = 0;
    };
    for (const item of this.upstreamParser.push(chunk)) {
      if (item.kind === 'frame') {
        frames.push(item.bytes);
        continue;
      }
      flush();
      if (item.kind === 'error') return this.destroy();
      this.answer(item.startLine, item.headers, item.body);
    }
    flush();
  }

  /** Passes a message of the camera on, or answers its challenge and resends the request once. */
  private answer(startLine: string, headers: Array<[string, string]>, body: Buffer): void {
    const status = /^RTSP\/\d\.\d (\d{3})/.exec(startLine)?.[1];
    const cseq = headerValue(headers, 'cseq');
    const pending = status !== undefined && cseq !== undefined ? this.pending.get(cseq) : undefined;
    if (pending !== undefined && cseq !== undefined) this.pending.delete(cseq);
    if (pending !== undefined && status === '401' && !pending.retried) {
      const challenges = headers.filter(([n]) => n.toLowerCase() === 'www-authenticate').map(([, v]) => v);
      if (this.auth.accept(challenges)) {
        this.send(pending.request, pending.uri, pending.clientCseq, true);
        return;
      }
    }
    const out = headers.map(([name, value]): [string, string] => {
      const lower = name.toLowerCase();
      if (lower === 'cseq' && pending !== undefined) return [name, pending.clientCseq];
      if (lower === 'content-base' || lower === 'content-location') return [name, this.toLocal(value)];
      return [name, value];
    });
    const sdp = /application\/sdp/i.test(headerValue(headers, 'content-type') ?? '');
    const outBody = sdp ? Buffer.from(body.toString('utf8').replace(/^(a=control:)(\S+)/gm, (_m, key: string, url: string) => key + this.toLocal(url)), 'utf8') : body;
    this.write(this.client, serialise(startLine, out, outBody), this.upstream);
  }

  /** A camera URL turned into the proxy's; anything else unchanged. */
  private toLocal(value: string): string {
    try {
      const u = new URL(value);
      return originOf(u) === this.origin.origin ? `${this.prefix()}${u.pathname}${u.search}` : value;
    } catch {
      return value;
    }
  }

  /** Writes to `to`, pausing `from` until `to` drains. */
  private write(to: Socket, data: Buffer, from: Socket | null): void {
    if (!to.write(data) && from !== null) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'upgrade', 'host', 'authorization']);

function proxyHttp(req: IncomingMessage, res: ServerResponse, origin: Origin, token: string, prefix: () => string, auth: Authenticator): void {
  const path = stripToken(req.url ?? '/', token);
  if (path === null) {
    res.writeHead(404).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const method = req.method;
  const headers: OutgoingHttpHeaders = { host: origin.hostHeader };
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  const forward = (retried: boolean): void => {
    const authorization = auth.header(method, path);
    const options = { host: origin.host, port: origin.port, method, path, headers: { ...headers, ...(authorization !== null && { authorization }) } };
    const upstream = origin.tls ? httpsRequest({ ...options, rejectUnauthorized: false }) : httpRequest(options);
    res.once('close', () => upstream.destroy());
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    upstream.on('response', (answer) => {
      const challenges = answer.headers['www-authenticate'];
      if (answer.statusCode === 401 && !retried && auth.accept(typeof challenges === 'string' ? [challenges] : (challenges ?? []))) {
        answer.resume();
        forward(true);
        return;
      }
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (name === 'connection' || name === 'keep-alive' || value === undefined) continue;
        out[name] = name === 'location' && typeof value === 'string' ? httpLocal(value, origin, prefix()) : value;
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
    });
    upstream.end();
  };
  forward(false);
}

function httpLocal(value: string, origin: Origin, prefix: string): string {
  try {
    const u = new URL(value);
    return originOf(u) === origin.origin ? `${prefix}${u.pathname}${u.search}` : value;
  } catch {
    return value;
  }
}
