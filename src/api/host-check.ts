/**
 * The Host header check against DNS rebinding: a page on an attacker's domain that re-points its
 * name at 127.0.0.1 reaches the server with its own name in Host. Only the server's own names pass:
 * IP literals (a rebinding page cannot make the browser send one), localhost, the configured listen
 * host, the host of `server.publicUrl` and the names of `server.allowedHosts`; the rest answer 421.
 */
import { isIP } from 'node:net';
import { SightlineError } from '../core/errors.ts';

/** The host name of a Host header (lower case, without port, brackets or a final dot); null when malformed. */
export function hostNameOf(header: string): string | null {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    const rest = value.slice(end + 1);
    return end < 0 || (rest !== '' && !/^:\d{1,5}$/.test(rest)) ? null : value.slice(1, end);
  }
  const match = /^([^:]*)(?::\d{1,5})?$/.exec(value);
  return match === null || match[1] === '' ? null : match[1]!.replace(/\.$/, '');
}

/** The server's own names: what `server.host`, `server.publicUrl` and `server.allowedHosts` name, and localhost. */
export function ownHostNames(listenHost: string, publicUrl: string | undefined, allowedHosts: readonly string[]): ReadonlySet<string> {
  const names = new Set(['localhost', ...allowedHosts.map((h) => h.toLowerCase().replace(/\.$/, ''))]);
  names.add(listenHost.toLowerCase());
  if (publicUrl !== undefined) names.add(new URL(publicUrl).hostname.toLowerCase().replace(/^\[|\]$/g, ''));
  return names;
}

/** True when a request with this Host header (absent: HTTP/1.0, no browser) may be answered. */
export function hostAllowed(header: string | undefined, names: ReadonlySet<string>): boolean {
  if (header === undefined) return true;
  const name = hostNameOf(header);
  return name !== null && (isIP(name) !== 0 || names.has(name));
}

/** HOST_NOT_ALLOWED unless the Host header names this server. */
export function checkHost(header: string | undefined, names: ReadonlySet<string>): void {
  if (!hostAllowed(header, names)) {
    throw new SightlineError('HOST_NOT_ALLOWED', 'the Host header names no address of this server: use its IP address, localhost, or add the name to server.allowedHosts');
  }
}
