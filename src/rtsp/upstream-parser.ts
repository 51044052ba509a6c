/**
 * The client side of RTSP framing: splits a camera's byte stream into responses (or requests from
 * the server), with their bodies, and `$`-framed interleaved packets. Used by the credential proxy
 * and the pull client. Bounded: a header block or body over the limits is an error item.
 */
import type { RtspLimits } from './rtsp-message.ts';

/** Size limits of what a camera sends: generous, since SDPs of multi-track cameras are large. */
export const UPSTREAM_LIMITS: RtspLimits = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 1024 * 1024 };

/** One message or interleaved frame from the camera. */
export type UpstreamItem =
  | { readonly kind: 'frame'; readonly bytes: Buffer }
  | { readonly kind: 'message'; readonly startLine: string; readonly headers: Array<[string, string]>; readonly body: Buffer }
  | { readonly kind: 'error' };

/** Splits the camera's byte stream into responses (or requests), with their bodies, and `$` frames. */
export class UpstreamRtspParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Appends `chunk` and returns every complete item now available, in stream order. */
  push(chunk: Buffer): UpstreamItem[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const items: UpstreamItem[] = [];
    let offset = 0;
    const buf = this.buffer;
    for (;;) {
      while (offset < buf.length && (buf[offset] === 0x0d || buf[offset] === 0x0a)) offset++;
      if (offset >= buf.length) break;
      if (buf[offset] === 0x24) {
        if (buf.length - offset < 4) break;
        const end = offset + 4 + buf.readUInt16BE(offset + 2);
        if (buf.length < end) break;
        items.push({ kind: 'frame', bytes: buf.subarray(offset, end) });
        offset = end;
        continue;
      }
      const limit = Math.min(buf.length, offset + UPSTREAM_LIMITS.maxHeaderBytes);
      let headEnd = -1;
      let bodyStart = -1;
      for (let i = buf.indexOf(0x0a, offset); i >= 0 && i < limit; i = buf.indexOf(0x0a, i + 1)) {
        if (buf[i + 1] === 0x0a) [headEnd, bodyStart] = [i, i + 2];
        else if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) [headEnd, bodyStart] = [i, i + 3];
        if (headEnd >= 0) break;
      }
      if (headEnd < 0) {
        if (buf.length - offset >= UPSTREAM_LIMITS.maxHeaderBytes) return [...items, { kind: 'error' }];
        break;
      }
      const lines = buf.toString('latin1', offset, headEnd).split(/\r?\n/);
      const startLine = (lines.shift() ?? '').replace(/\r$/, '');
      const headers: Array<[string, string]> = [];
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
      }
      const lengthText = headerValue(headers, 'content-length') ?? '0';
      if (!/^\d{1,9}$/.test(lengthText) || Number(lengthText) > UPSTREAM_LIMITS.maxBodyBytes) return [...items, { kind: 'error' }];
      const end = bodyStart + Number(lengthText);
      if (buf.length < end) break;
      items.push({ kind: 'message', startLine, headers, body: Buffer.from(buf.subarray(bodyStart, end)) });
      offset = end;
    }
    this.buffer = offset >= buf.length ? Buffer.alloc(0) : buf.subarray(offset);
    return items;
  }
}

/** The value of header `name` (lower-case) in a parsed message, first occurrence. */
export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}
