/**
 * The one place where source URLs lose their secrets before they are logged, shown or put in an error.
 *
 * Rules, chosen so that no secret survives even in malformed URLs:
 * - Only strings that start with `scheme://` are URLs; anything else (a file path) is returned unchanged.
 * - The user-info part is everything between `://` and the LAST `@` of the string, so a password that
 *   holds `@`, `/`, `?` or `#` unencoded is still hidden. The price: a credential-free URL with `@` in
 *   its path or query is over-redacted (`rtsp://***@main`); hiding too much is the safe failure.
 * - Query and fragment parameters whose (percent-decoded) name looks like a credential have their value
 *   replaced: names containing pass, pwd, user, login, token, secret, key, auth, sig, session or cred.
 */

/** What a secret is replaced with. */
export const REDACTED = '***';

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi;
const SECRET_PARAM = /pass|pwd|user|login|token|secret|key|auth|sig|session|cred/i;

/** Returns `url` with its user-info and credential-like parameters replaced by `***`; non-URLs come back unchanged. */
export function redactUrl(url: string): string {
  const scheme = SCHEME.exec(url);
  if (scheme === null) return url;
  const head = scheme[0];
  let rest = url.slice(head.length);
  if (!head.toLowerCase().startsWith('file:')) {
    const at = rest.lastIndexOf('@');
    if (at >= 0) rest = `${REDACTED}${rest.slice(at)}`;
  }
  return head + redactParams(rest);
}

/**
 * Returns `text` (an ffmpeg log line, an error message) with every URL in it redacted, and with every
 * secret of the given source URLs removed wherever it appears, also percent-decoded. User names of
 * fewer than 3 characters are left in free text (replacing every `u` would garble it); passwords never are.
 */
export function redactText(text: string, sources: readonly string[] = []): string {
  let out = text;
  const secrets = sources.flatMap(secretsOf).sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out.replace(URL_IN_TEXT, (match) => redactUrl(match));
}

/** Replaces credential-like values in the query and fragment of `rest` (the part after `scheme://`). */
function redactParams(rest: string): string {
  const q = rest.search(/[?#]/);
  if (q < 0) return rest;
  const parts = rest.slice(q).split(/([?#&;])/);
  return rest.slice(0, q) + parts.map(redactParam).join('');
}

function redactParam(part: string): string {
  const eq = part.indexOf('=');
  if (eq <= 0) return part;
  const name = safeDecode(part.slice(0, eq));
  return SECRET_PARAM.test(name) ? `${part.slice(0, eq)}=${REDACTED}` : part;
}

/** The secret strings of one source URL, raw and percent-decoded: user-info, user, password, credential parameter values. */
function secretsOf(url: string): string[] {
  const scheme = SCHEME.exec(url);
  if (scheme === null) return [];
  const rest = url.slice(scheme[0].length);
  const found: string[] = [];
  const at = rest.lastIndexOf('@');
  if (at > 0 && !scheme[0].toLowerCase().startsWith('file:')) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    const user = colon >= 0 ? userInfo.slice(0, colon) : userInfo;
    found.push(userInfo, ...(colon >= 0 ? [userInfo.slice(colon + 1)] : []), ...(user.length >= 3 ? [user] : []));
  }
  const q = rest.search(/[?#]/);
  if (q >= 0) {
    for (const part of rest.slice(q + 1).split(/[?#&;]/)) {
      const eq = part.indexOf('=');
      if (eq > 0 && SECRET_PARAM.test(safeDecode(part.slice(0, eq)))) found.push(part.slice(eq + 1));
    }
  }
  return [...new Set(found.flatMap((s) => [s, safeDecode(s)]))].filter((s) => s.length > 0);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
