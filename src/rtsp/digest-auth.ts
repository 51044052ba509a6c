/**
 * RTSP authentication for the relay: HTTP Digest (RFC 2617, MD5, no qop offered, as ffmpeg's RTSP
 * client supports) and Basic. Nonces are stateless (random + HMAC under a per-relay key), so any
 * nonce this relay issued is accepted on any of its connections and nothing grows per client.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A user name and password that every RTSP client of the relay must present. */
export interface RtspCredentials {
  readonly username: string;
  readonly password: string;
}

/** The realm of the relay's challenges. */
export const RTSP_REALM = 'sightline';

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** Issues Digest challenges and checks `Authorization` headers against one set of credentials. */
export class DigestAuthenticator {
  private readonly key = randomBytes(32);

  /** Creates an authenticator for `credentials`. */
  constructor(private readonly credentials: RtspCredentials) {}

  /** The value of a `WWW-Authenticate` header with a fresh nonce. */
  challenge(): string {
    const salt = randomBytes(12).toString('hex');
    return `Digest realm="${RTSP_REALM}", nonce="${salt}${this.sign(salt)}", algorithm="MD5"`;
  }

  /**
   * True when `header` (an `Authorization` value) proves the credentials for a request of `method`;
   * `sameUri` says whether a Digest `uri` parameter names the request's URI.
   */
  verify(header: string | undefined, method: string, sameUri: (uri: string) => boolean = () => true): boolean {
    if (header === undefined) return false;
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const rest = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'basic') return this.verifyBasic(rest);
    if (scheme === 'digest') return this.verifyDigest(parseAuthParams(rest), method, sameUri);
    return false;
  }

  private verifyBasic(token: string): boolean {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    return safeEqual(decoded, `${this.credentials.username}:${this.credentials.password}`);
  }

  private verifyDigest(params: ReadonlyMap<string, string>, method: string, sameUri: (uri: string) => boolean): boolean {
    const username = params.get('username');
    const nonce = params.get('nonce');
    const uri = params.get('uri');
    const response = params.get('response');
    if (username === undefined || nonce === undefined || uri === undefined || response === undefined) return false;
    if ((params.get('realm') ?? '') !== RTSP_REALM || !this.validNonce(nonce) || !sameUri(uri)) return false;
    const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
    const qop = params.get('qop');
    const cnonce = params.get('cnonce') ?? '';
    let ha1 = md5(`${this.credentials.username}:${RTSP_REALM}:${this.credentials.password}`);
    if (algorithm === 'MD5-SESS') ha1 = md5(`${ha1}:${nonce}:${cnonce}`);
    else if (algorithm !== 'MD5') return false;
    const ha2 = md5(`${method}:${uri}`);
    let expected: string;
    if (qop === undefined) expected = md5(`${ha1}:${nonce}:${ha2}`);
    else if (qop === 'auth') expected = md5(`${ha1}:${nonce}:${params.get('nc') ?? ''}:${cnonce}:auth:${ha2}`);
    else return false;
    const nameOk = safeEqual(username, this.credentials.username);
    return safeEqual(response.toLowerCase(), expected) && nameOk;
  }

  private validNonce(nonce: string): boolean {
    if (!/^[0-9a-f]{56}$/.test(nonce)) return false;
    return safeEqual(nonce.slice(24), this.sign(nonce.slice(0, 24)));
  }

  private sign(salt: string): string {
    return createHmac('sha256', this.key).update(salt).digest('hex').slice(0, 32);
  }
}

/** Parses `name=value, name="quoted value"` pairs (RFC 2617 §1.2); names are lower-cased. */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return params;
}

/** Constant-time comparison of two strings, lengths included (both are hashed first). */
function safeEqual(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
