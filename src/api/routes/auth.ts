/**
 * Signing in and out: POST /api/auth/login (sets the session cookie, returns the CSRF token),
 * POST /api/auth/logout, GET /api/auth/me, POST /api/auth/password (ends the user's other sessions).
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { mayRequestUnredacted } from '../../core/access.ts';
import { normalizeUserName } from '../../store/users.ts';
import { csrfTokenFor } from '../auth/credentials.ts';
import { requestDevice, setDeviceCookie } from '../auth/device-cookie.ts';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import { errorBody } from '../errors.ts';
import type { ApiApp } from '../fastify-types.ts';
import { loginSchema, meSchema } from '../schemas/answers.ts';
import { errorSchema, noContent, noQuery, responses } from '../schemas/common.ts';
import { passwordField } from '../schemas/user.ts';

function sessionUser(principal: Principal | null): Extract<Principal, { kind: 'user' }> {
  // The guard lets only sessions reach routes with the `session` permission.
  if (principal?.kind !== 'user') throw new SightlineError('FORBIDDEN', 'this needs a signed-in user');
  return principal;
}

/** Who tried to sign in, as the audit log names them: the normalised name, bounded. */
function attemptedName(name: string): string {
  const n = normalizeUserName(name).slice(0, 64);
  return n.trim() === '' ? 'anonymous' : n;
}

/** A 429 with Retry-After in whole seconds (at least 1). */
function lockedReply(reply: FastifyReply, retryAfterMs: number, what: string): FastifyReply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return reply.code(429).header('retry-after', String(seconds)).send(errorBody('LOGIN_LOCKED', `too many failed ${what}: try again in ${seconds} s`));
}

/** Registers the sign-in routes. */
export function authRoutes(app: ApiApp, ctx: ApiContext): void {
  const { users, now } = ctx.deps;

  app.post(
    '/api/auth/login',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Sign in',
        querystring: noQuery,
        body: z.strictObject({ name: z.string().min(1).max(256), password: passwordField }),
        response: { 200: loginSchema, '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body;
      const remote = request.ip;
      const device = requestDevice(ctx, request, normalizeUserName(name).slice(0, 64));
      const result = await users.checkLogin(name, password, remote, now(), device);
      if (result.status !== 'ok') {
        auditRequest(ctx, request, 'login_failed', null, { remote, reason: result.status }, attemptedName(name));
        if (result.status === 'locked') return lockedReply(reply, result.retryAfterMs, 'sign-ins');
        throw new SightlineError('AUTH_FAILED', 'the user name or password is wrong');
      }
      ctx.sessions.prune();
      const { token } = ctx.sessions.create(result.user.id, remote);
      setSessionCookie(reply, ctx, token);
      setDeviceCookie(reply, ctx, result.user.name, device);
      auditRequest(ctx, request, 'login', result.user.name, { remote }, result.user.name);
      return { user: result.user, csrfToken: csrfTokenFor(ctx.options.sessionSecret, token) };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { permission: 'session' }, schema: { summary: 'Sign out', querystring: noQuery, response: { 204: noContent, '4xx': errorSchema } } },
    async (request, reply) => {
      const me = sessionUser(request.principal);
      ctx.sessions.revoke(me.session.tokenHash);
      clearSessionCookie(reply, ctx);
      auditRequest(ctx, request, 'logout', me.user.name);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { config: { permission: 'session' }, schema: { summary: 'The signed-in user', querystring: noQuery, response: responses(meSchema) } },
    async (request) => {
      const me = sessionUser(request.principal);
      const cameras = me.user.role === 'admin' ? (await ctx.deps.cameras.list()).map((c) => c.id) : users.camerasOf(me.user.id);
      return { user: me.user, role: me.user.role, cameras, mayRequestUnredacted: ctx.deps.unredacted !== undefined && mayRequestUnredacted(me.user), csrfToken: me.csrfToken };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { permission: 'session' },
      schema: {
        summary: 'Change your own password (ends your other sessions)',
        querystring: noQuery,
        body: z.strictObject({ currentPassword: passwordField, newPassword: passwordField }),
        response: { 204: noContent, '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const me = sessionUser(request.principal);
      const origin = { remote: request.ip, now: now(), device: requestDevice(ctx, request, me.user.name) };
      const result = await users.changePassword(me.user.id, request.body.currentPassword, request.body.newPassword, origin);
      if (result.status !== 'ok') {
        auditRequest(ctx, request, 'password_change_failed', me.user.name, { remote: request.ip, reason: result.status });
        if (result.status === 'locked') return lockedReply(reply, result.retryAfterMs, 'password checks');
        throw new SightlineError('AUTH_FAILED', 'the current password is wrong');
      }
      const ended = ctx.sessions.revokeUser(me.user.id, me.session.tokenHash);
      auditRequest(ctx, request, 'password_change', me.user.name, { sessionsEnded: ended });
      return reply.code(204).send(null);
    },
  );
}
