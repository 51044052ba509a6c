/**
 * Turning a request's credential into a caller: `Authorization: Bearer slt_...` for machines, the
 * `sightline_session` cookie for people, and the CSRF token tied to each session.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SightlineError } from '../../core/errors.ts';
import type { ApiContext } from '../context.ts';
import type { Principal } from './principal.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'sightline_session';

/** Header that carries the CSRF token on state-changing requests of a session. */
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token of a session: HMAC-SHA256 of its token under the server's session secret, base64url. */
export function csrfTokenFor(secret: Buffer, sessionToken: string): string {
  return createHmac('sha256', secret).update(sessionToken, 'utf8').digest('base64url');
}

/** True when the given header value equals the expected CSRF token, compared in constant time. */
export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The caller of a request, from its bearer token (preferred when present) or session cookie.
 * TOKEN_INVALID for a bad, unknown, expired or revoked token; AUTH_REQUIRED for no credential or an
 * ended session (or one whose user is gone or disabled).
 */
export function authenticate(ctx: ApiContext, request: FastifyRequest): Principal {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    const token = match === null ? null : ctx.tokens.verify(match[1]!);
    if (token === null) throw new SightlineError('TOKEN_INVALID', 'the API token is malformed, unknown, expired or revoked');
    return { kind: 'token', token };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined || cookie === '') throw new SightlineError('AUTH_REQUIRED', 'sign in or give an API token');
  const session = ctx.sessions.resolve(cookie);
  if (session === null) throw new SightlineError('AUTH_REQUIRED', 'the session has ended: sign in again');
  const user = ctx.deps.users.findById(session.userId);
  if (user === undefined || user.disabled) {
    ctx.sessions.revoke(session.tokenHash);
    throw new SightlineError('AUTH_REQUIRED', 'the session has ended: sign in again');
  }
  return { kind: 'user', user, session, csrfToken: csrfTokenFor(ctx.options.sessionSecret, cookie) };
}
