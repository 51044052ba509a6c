/**
 * RTSP/1.0 framing (RFC 2326 §4, §10.12): splits the byte stream of one TCP connection into requests
 * and `$`-framed interleaved packets, and formats responses. Bounded: a header block or body over the
 * limits, a malformed request line, header or CSeq is reported as an error status, never thrown.
 */

/** One parsed RTSP request; header names are lower-case, repeated headers joined with `, `. */
export interface RtspRequest {
  readonly method: string;
  readonly uri: string;
  readonly cseq: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** What the parser found next in the stream. */
export type RtspItem =
  | { readonly kind: 'request'; readonly request: RtspRequest }
  | { readonly kind: 'interleaved'; readonly channel: number; readonly frame: Buffer }
  | { readonly kind: 'error'; readonly status: number; readonly reason: string };

/** Size limits of one RTSP message. */
export interface RtspLimits {
  /** Largest request line plus headers, in bytes. */
  readonly maxHeaderBytes: number;
  /** Largest body (an SDP), in bytes. */
  readonly maxBodyBytes: number;
}

/** The reason phrases of the status codes this server sends (RFC 2326 §7.1.1). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  459: 'Aggregate Operation Not Allowed',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'RTSP Version Not Supported',
};

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) RTSP\/(\d+)\.(\d+)$/;
const RESPONSE_LINE = /^RTSP\/\d+\.\d+ \d{3}(?: .*)?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CSEQ = /^\d{1,10}$/;

/** Incremental parser of one connection's byte stream; after it reports an error it yields nothing more. */
export class RtspStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;

  /** Creates a parser with the given size limits. */
  constructor(private readonly limits: RtspLimits) {}

  /** Bytes received but not yet part of a complete item. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /** Appends `chunk` and returns every complete item now available, in stream order. */
  push(chunk: Buffer): RtspItem[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const items: RtspItem[] = [];
    let offset = 0;
    for (;;) {
      const step = this.next(offset);
      if (step === null) break;
      offset = step.offset;
      if (step.item !== null) items.push(step.item);
      if (step.item?.kind === 'error') {
        this.failed = true;
        this.buffer = Buffer.alloc(0);
        return items;
      }
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
    return items;
  }

  /** The item starting at `offset` and the offset after it; null when more bytes are needed. */
  private next(start: number): { item: RtspItem | null; offset: number } | null {
    const buf = this.buffer;
    let offset = start;
    while (offset < buf.length && (buf[offset] === CR || buf[offset] === LF)) offset++;
    if (offset >= buf.length) return offset > start ? { item: null, offset } : null;
    if (buf[offset] === DOLLAR) {
      if (buf.length - offset < 4) return null;
      const length = buf.readUInt16BE(offset + 2);
      if (buf.length - offset < 4 + length) return null;
      return { item: { kind: 'interleaved', channel: buf[offset + 1]!, frame: buf.subarray(offset, offset + 4 + length) }, offset: offset + 4 + length };
    }
    return this.nextMessage(offset);
  }

  private nextMessage(offset: number): { item: RtspItem | null; offset: number } | null {
    const buf = this.buffer;
    const limit = Math.min(buf.length, offset + this.limits.maxHeaderBytes + 4);
    const firstLineEnd = buf.indexOf(LF, offset);
    if (firstLineEnd >= 0 && firstLineEnd < limit) {
      const line = buf.toString('latin1', offset, firstLineEnd).replace(/\r$/, '');
      if (!REQUEST_LINE.test(line) && !RESPONSE_LINE.test(line)) return { item: bad('malformed request line'), offset: buf.length };
    }
    const end = headerEnd(buf, offset, limit);
    if (end === null) {
      if (buf.length - offset > this.limits.maxHeaderBytes) return { item: bad('request header too large'), offset: buf.length };
      return null;
    }
    if (end.headerEnd - offset > this.limits.maxHeaderBytes) return { item: bad('request header too large'), offset: buf.length };
    const head = parseHead(buf.toString('latin1', offset, end.headerEnd));
    if (typeof head === 'string') return { item: bad(head), offset: buf.length };
    const lengthText = head.headers.get('content-length') ?? '0';
    if (!/^\d{1,9}$/.test(lengthText)) return { item: bad('invalid Content-Length'), offset: buf.length };
    const bodyLength = Number(lengthText);
    if (bodyLength > this.limits.maxBodyBytes) return { item: bad('request body too large'), offset: buf.length };
    if (buf.length - end.bodyStart < bodyLength) return null;
    const after = end.bodyStart + bodyLength;
    if (head.kind === 'response') return { item: null, offset: after };
    const cseq = head.headers.get('cseq');
    if (cseq === undefined || !CSEQ.test(cseq)) return { item: bad('missing or invalid CSeq'), offset: buf.length };
    if (head.version !== '1.0') return { item: { kind: 'error', status: 505, reason: 'only RTSP/1.0 is supported' }, offset: buf.length };
    const body = Buffer.from(buf.subarray(end.bodyStart, after));
    return { item: { kind: 'request', request: { method: head.method, uri: head.uri, cseq, headers: head.headers, body } }, offset: after };
  }
}

function bad(reason: string): RtspItem {
  return { kind: 'error', status: 400, reason };
}

/** Where the header block starting at `offset` ends (blank line), searching below `limit`. */
function headerEnd(buf: Buffer, offset: number, limit: number): { headerEnd: number; bodyStart: number } | null {
  for (let i = buf.indexOf(LF, offset); i >= 0 && i < limit; i = buf.indexOf(LF, i + 1)) {
    if (buf[i + 1] === LF) return { headerEnd: i, bodyStart: i + 2 };
    if (buf[i + 1] === CR && buf[i + 2] === LF) return { headerEnd: i, bodyStart: i + 3 };
  }
  return null;
}

type Head =
  | { kind: 'request'; method: string; uri: string; version: string; headers: Map<string, string> }
  | { kind: 'response'; headers: Map<string, string> };

/** Parses a request or response line and its headers (RFC 2326 §6, §7); a string is the reason it is malformed. */
function parseHead(text: string): Head | string {
  const lines = text.split(/\r?\n/);
  const first = lines.shift() ?? '';
  const headers = new Map<string, string>();
  let last: string | null = null;
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === null) return 'header continuation without a header';
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!HEADER_NAME.test(name)) return 'malformed header line';
    const value = line.slice(colon + 1).trim();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
    last = name;
  }
  if (RESPONSE_LINE.test(first)) return { kind: 'response', headers };
  const m = REQUEST_LINE.exec(first);
  if (m === null) return 'malformed request line';
  return { kind: 'request', method: m[1]!, uri: m[2]!, version: `${m[3]}.${m[4]}`, headers };
}

/** A response to send: status, extra headers (CSeq and Server are added), optional body. */
export interface RtspResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Serialises a response; `cseq` is echoed when known. */
export function formatResponse(response: RtspResponse, cseq: string | null): Buffer {
  const lines = [`RTSP/1.0 ${response.status} ${STATUS_TEXT[response.status] ?? 'Unknown'}`];
  if (cseq !== null) lines.push(`CSeq: ${cseq}`);
  lines.push('Server: Sightline RTSP relay');
  for (const [name, value] of Object.entries(response.headers ?? {})) lines.push(`${name}: ${value}`);
  const body = Buffer.from(response.body ?? '', 'utf8');
  if (body.length > 0) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
