/**
 * Camera URL rules, read the way ffmpeg reads a URL (libavformat's `av_url_split`): the authority runs
 * from `://` to the first `/`, `?` or `#`, and everything before its last `@` is user-info. The WHATWG
 * parser of Node reads some strings differently (`http://a\u005cuser:pw@b/` is a path to it, user-info to
 * ffmpeg), so a URL is accepted only when neither reading finds credentials in it; credentials belong in
 * the camera's `credentials` field, where they are stored encrypted. The optional allow-list of camera
 * networks (`server.cameraNetworks`) is checked against every address the host resolves to.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { SightlineError } from '../core/errors.ts';
import { sourceKind } from '../ingest/ffmpeg-args.ts';

/** A network URL as ffmpeg splits it. */
export interface FfmpegUrl {
  /** Lower-case scheme, without `://`. */
  readonly scheme: string;
  /** Everything before the last `@` of the authority, or null when it has none. */
  readonly userInfo: string | null;
  /** Host as ffmpeg connects to it, lower-case, without the brackets of an IPv6 literal. */
  readonly host: string;
  /** The port written in the URL, or the scheme's default. */
  readonly port: number;
  /** Path, query and fragment: everything after the authority. */
  readonly rest: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { rtsp: 554, rtsps: 322, http: 80, https: 443 };

/** Splits `scheme://authority/rest` the way ffmpeg's `av_url_split` does; null for a string that is not such a URL. */
export function splitLikeFfmpeg(url: string): FfmpegUrl | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (m === null) return null;
  const scheme = m[1]!.toLowerCase();
  const afterScheme = url.slice(m[0].length);
  const end = afterScheme.search(/[/?#]/);
  const authority = end < 0 ? afterScheme : afterScheme.slice(0, end);
  const rest = end < 0 ? '' : afterScheme.slice(end);
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : null;
  const hostPort = authority.slice(at + 1);
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    host = hostPort.slice(1, close);
    const tail = hostPort.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) return null;
    portText = tail === '' ? undefined : tail.slice(1);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
  }
  let port = DEFAULT_PORTS[scheme] ?? 0;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
    port = Number(portText);
  }
  return { scheme, userInfo, host: host.toLowerCase(), port, rest };
}

/** Query and fragment parameter names that hold credentials (percent-decoded, case-insensitive). */
const SECRET_NAME_PART = /pass|pwd|token|secret|cred|auth|user|login/;
const SECRET_NAME_WORDS = new Set(['key', 'apikey', 'sig', 'signature', 'session', 'sessionid', 'sid', 'uid']);

/** True when a query or fragment parameter name looks like a credential: user, password, token, auth, key... */
export function isCredentialParam(name: string): boolean {
  const lower = safeDecode(name).toLowerCase();
  return SECRET_NAME_PART.test(lower) || lower.split(/[^a-z0-9]+/).some((w) => SECRET_NAME_WORDS.has(w));
}

const USE_CREDENTIALS = 'give them in `credentials` instead, the field where they are stored encrypted';

/**
 * Why a network stream URL is refused, or null when it is accepted: it must parse both as ffmpeg and as
 * WHATWG read it, to the same host, without user-info, backslashes, white space or control characters,
 * and without credential-like query or fragment parameters.
 */
export function cameraUrlProblem(url: string): string | null {
  // The WHATWG parser silently drops tabs and new lines that ffmpeg would keep.
  if ([...url].some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f)) return 'the URL holds white space or control characters';
  if (url.includes('\\') || /%5c/i.test(url)) return `the URL holds a backslash, which ffmpeg reads as part of a user name and password; ${USE_CREDENTIALS}`;
  const split = splitLikeFfmpeg(url);
  if (split === null) return 'not a valid URL';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (split.userInfo !== null || parsed.username !== '' || parsed.password !== '') return `the URL holds a user name or password; ${USE_CREDENTIALS}`;
  // An "@" elsewhere is refused too: parsers and redaction disagree on where its user-info would end.
  if (url.includes('@')) return `the URL holds "@", which would be read as the end of a user name and password; ${USE_CREDENTIALS}`;
  // Parameters of the query and fragment, and `name=value` parameters of the path (`/video.cgi;password=...`).
  const queryAt = split.rest.search(/[?#]/);
  const path = queryAt < 0 ? split.rest : split.rest.slice(0, queryAt);
  const params = [...(queryAt < 0 ? [] : split.rest.slice(queryAt + 1).split(/[?#&;]/)), ...path.split(/[/;&]/).filter((p) => p.includes('='))];
  for (const part of params) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name !== '' && isCredentialParam(name)) return `the URL holds a credential parameter (${safeDecode(name).slice(0, 32)}); ${USE_CREDENTIALS}`;
  }
  if (split.host === '') return 'the URL has no host';
  // Both readings must name the same host, so that the checks look at the host ffmpeg contacts.
  const whatwgHost = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (whatwgHost !== split.host) return 'the URL host is ambiguous (URL parsers read it differently); write the host plainly, as a name or an address';
  return null;
}

/** Scheme, host and port of a network URL as ffmpeg reads it (`rtsp://cam.local:554`); null for a file path. */
export function urlOrigin(url: string): string | null {
  const s = splitLikeFfmpeg(url);
  if (s === null || s.scheme === 'file') return null;
  return `${s.scheme}://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
}

/** An allow-list of camera networks, built from CIDRs (`192.168.1.0/24`, `fd00::/8`, or a bare address). */
export class CameraNetworks {
  readonly #list = new BlockList();

  /** Builds the list; throws CONFIG_INVALID for an entry that is not a CIDR. */
  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address = '', prefixText] = cidr.split('/');
      const family = isIP(address);
      const max = family === 6 ? 128 : 32;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
        throw new SightlineError('CONFIG_INVALID', `server.cameraNetworks: ${cidr} is not a CIDR such as 192.168.1.0/24`);
      }
      this.#list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** True when the address (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the networks. */
  allows(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.#list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** Resolves a host name to its addresses (the system resolver, as ffmpeg uses). */
export type ResolveHost = (host: string) => Promise<readonly string[]>;

const systemResolve: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Refuses (CAMERA_NETWORK_REFUSED) a network URL whose host resolves to any address outside the
 * allow-list, or does not resolve; file paths and an absent allow-list pass. `field` names the URL in the message.
 */
export async function checkCameraNetwork(url: string, networks: CameraNetworks | null, field: string, resolve: ResolveHost = systemResolve): Promise<void> {
  if (networks === null) return;
  const split = splitLikeFfmpeg(url);
  if (split === null || split.scheme === 'file') return;
  let addresses: readonly string[];
  if (isIP(split.host) !== 0) addresses = [split.host];
  else {
    try {
      addresses = await resolve(split.host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) throw new SightlineError('CAMERA_NETWORK_REFUSED', `${field}: the host ${split.host} does not resolve, so it cannot be checked against server.cameraNetworks`);
  }
  const outside = addresses.find((a) => !networks.allows(a));
  if (outside !== undefined) {
    throw new SightlineError('CAMERA_NETWORK_REFUSED', `${field}: the host ${split.host} (${outside}) is outside the camera networks allowed by server.cameraNetworks (${networks.cidrs.join(', ')})`);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The allow-list of `server.cameraNetworks`, or null when the configuration sets none (any network). */
export function cameraNetworksOf(cidrs: readonly string[] | undefined): CameraNetworks | null {
  return cidrs === undefined || cidrs.length === 0 ? null : new CameraNetworks(cidrs);
}

/**
 * Checks a stream URL given to the API (camera create, change or test) before anything is contacted:
 * rtsp(s):// or http(s):// only, the URL rules of {@link cameraUrlProblem}, then the allow-list.
 * Throws CAMERA_INVALID or CAMERA_NETWORK_REFUSED; `field` names the URL in the message.
 */
export async function checkApiCameraUrl(field: string, url: string, networks: CameraNetworks | null, resolve: ResolveHost = systemResolve): Promise<void> {
  const kind = sourceKind(url);
  if (kind !== 'rtsp' && kind !== 'http') {
    throw new SightlineError('CAMERA_INVALID', `invalid camera: ${field}: the API accepts only rtsp://, rtsps://, http:// and https:// streams; a file source must be defined in the configuration file`);
  }
  const problem = cameraUrlProblem(url);
  if (problem !== null) throw new SightlineError('CAMERA_INVALID', `invalid camera: ${field}: ${problem}`);
  await checkCameraNetwork(url, networks, field, resolve);
}

/**
 * True when a change of a camera's main or sub-stream URL would send its stored credentials to another
 * scheme, host or port (the sub-stream defaults to the main one), so that they must be given again.
 */
export function credentialsWouldMove(before: { readonly url: string; readonly subUrl?: string | null | undefined }, after: { readonly url: string; readonly subUrl?: string | null | undefined }): boolean {
  const origins = (c: typeof before): [string | null, string | null] => [urlOrigin(c.url), urlOrigin(c.subUrl ?? c.url)];
  const [mainBefore, subBefore] = origins(before);
  const [mainAfter, subAfter] = origins(after);
  return mainBefore !== mainAfter || subBefore !== subAfter;
}

/** The error of a change that would move stored credentials to another scheme, host or port. */
export function credentialsRequired(camera: string): SightlineError {
  return new SightlineError(
    'CAMERA_CREDENTIALS_REQUIRED',
    `camera ${camera}: the new URL goes to another scheme, host or port, so the stored credentials do not follow it; give \`credentials\` again in the same change, or \`credentials: null\` to remove them`,
  );
}
