/** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS, living as long as the session. */
import type { FastifyReply } from 'fastify';
import type { ApiContext } from '../context.ts';
import { SESSION_COOKIE } from './credentials.ts';

/** Sets the session cookie with its absolute lifetime. */
export function setSessionCookie(reply: FastifyReply, ctx: ApiContext, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: ctx.options.https,
    maxAge: Math.round(ctx.deps.config.server.sessionHours * 3600),
  });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(reply: FastifyReply, ctx: ApiContext): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: ctx.options.https });
}
