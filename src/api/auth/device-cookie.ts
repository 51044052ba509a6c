/**
 * The device cookie: after a successful sign-in the browser gets `sightline_device`, a random id
 * signed with the server's session secret for that user name. A later sign-in of the same name
 * that carries it is throttled on the device alone (see src/security/login-throttle.ts), so failures
 * from anyone else, even on the same address, never slow it down. It is sent only to /api/auth.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';

/** Name of the device cookie. */
export const DEVICE_COOKIE = 'sightline_device';

/** How long the browser keeps the device cookie: one year, s. */
const DEVICE_COOKIE_MAX_AGE_S = 365 * 86_400;

function mac(secret: Buffer, name: string, id: string): string {
  return createHmac('sha256', secret).update(`sightline-device\n${name}\n${id}`, 'utf8').digest('base64url');
}

/** A fresh device cookie value for the (normalised) user name: `<id>.<signature>`. */
export function makeDeviceCookie(secret: Buffer, name: string, random: (size: number) => Buffer = randomBytes): string {
  const id = random(16).toString('base64url');
  return `${id}.${mac(secret, name, id)}`;
}

/** The device id of a cookie value signed for this (normalised) user name, or undefined (absent, malformed, forged or another name's). */
export function deviceIdOf(secret: Buffer, name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (m === null) return undefined;
  const expected = Buffer.from(mac(secret, name, m[1]!), 'utf8');
  const given = Buffer.from(m[2]!, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1]! : undefined;
}

/** The verified device id of the request's cookie for the name, if any. */
export function requestDevice(ctx: ApiContext, request: FastifyRequest, name: string): string | undefined {
  return deviceIdOf(ctx.options.sessionSecret, name, request.cookies[DEVICE_COOKIE]);
}

/** Gives the browser a device cookie for the name, unless it already has a valid one (its id is kept). */
export function setDeviceCookie(reply: FastifyReply, ctx: ApiContext, name: string, current: string | undefined): void {
  if (current !== undefined) return;
  reply.setCookie(DEVICE_COOKIE, makeDeviceCookie(ctx.options.sessionSecret, name), {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api/auth',
    secure: ctx.options.https,
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  });
}
