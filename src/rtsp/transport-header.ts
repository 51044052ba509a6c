/**
 * The `Transport` header of SETUP (RFC 2326 §12.39), reduced to what a TCP-interleaved-only relay
 * needs: is TCP offered, which interleaved channels, and is the client publishing (mode=record).
 */

/** A TCP interleaved transport chosen from a `Transport` header. */
export interface InterleavedTransport {
  /** The RTP and RTCP channels the client asked for, or null when it left the choice to the server. */
  readonly channels: readonly [number, number] | null;
  /** True when the client wants to send media (mode=record). */
  readonly record: boolean;
}

/**
 * Picks the first `RTP/AVP/TCP` transport of a `Transport` header; null when none is offered (the
 * caller answers 461), a string when the TCP transport is malformed (the caller answers 400).
 */
export function parseTransport(header: string): InterleavedTransport | null | string {
  for (const spec of header.split(',')) {
    const [protocol, ...params] = spec.trim().split(';').map((p) => p.trim());
    if (protocol?.toUpperCase() !== 'RTP/AVP/TCP') continue;
    let channels: readonly [number, number] | null = null;
    let record = false;
    for (const param of params) {
      const eq = param.indexOf('=');
      const name = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
      const value = eq < 0 ? '' : param.slice(eq + 1).replace(/^"|"$/g, '');
      if (name === 'interleaved') {
        const m = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(value);
        const rtp = Number(m?.[1] ?? NaN);
        const rtcp = m?.[2] === undefined ? rtp + 1 : Number(m[2]);
        if (m === null || rtp > 255 || rtcp > 255) return 'invalid interleaved channels';
        channels = [rtp, rtcp];
      } else if (name === 'mode') {
        record = value.toLowerCase() === 'record';
      }
    }
    return { channels, record };
  }
  return null;
}
