/**
 * GET /api/ws: a WebSocket feed of the bus (`event`, `count`, `objects`, `health`, `tracks`) as JSON
 * `{ topic, message }`, only for cameras the caller may see. The guard authenticates the upgrade
 * (session cookie from this origin, or a token with `events:read`) and closes it with 1008 when that
 * fails. Every socket re-checks its caller as messages flow and on a timer, and closes with 1008
 * once the session ends (idle included), its user is disabled, or the token is revoked or expires.
 * Subscriptions are audited `ws_subscribe`, once per caller per minute.
 */
import type { WebSocket } from 'ws';
import { SightlineError } from '../../core/errors.ts';
import type { BusTopic, BusTopics } from '../../events/bus.ts';
import { WS_POLICY_VIOLATION } from '../auth/guard.ts';
import { actorOf, canSeeCamera, type Principal } from '../auth/principal.ts';
import { auditRequest, ViewThrottle, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { errorSchema, noQuery } from '../schemas/common.ts';
import { administers, healthFor } from './cameras.ts';
import { LIVE_VIEW_AUDIT_MS } from './live.ts';

/** Messages are dropped for a client whose unsent data exceeds this many bytes. */
const MAX_BUFFERED_BYTES = 1 << 20;

const TOPICS: readonly BusTopic[] = ['event', 'count', 'objects', 'health', 'tracks'];

function cameraOf<T extends BusTopic>(topic: T, message: BusTopics[T]): string {
  return topic === 'event' ? (message as BusTopics['event']).event.cameraId : (message as BusTopics['count' | 'objects' | 'health' | 'tracks']).cameraId;
}

/** How often, at most, a socket re-checks its caller as messages flow (by the injected clock), ms. */
const RECHECK_MS = 1000;

/** How often a quiet socket re-checks its caller on a timer (real time), ms, unless the options say otherwise. */
export const WS_RECHECK_INTERVAL_MS = 5000;

/** The close reason of a socket whose caller may no longer listen. */
export const ACCESS_ENDED = 'access has ended: the session or API token is no longer valid';

/** The caller as of now: a token re-resolved by the token store, a session and its user re-read; null once it has ended. */
function recheck(ctx: ApiContext, principal: Principal): Principal | null {
  if (principal.kind === 'token') {
    const token = ctx.tokens.current(principal.token.id);
    return token === null ? null : { kind: 'token', token };
  }
  const session = ctx.sessions.current(principal.session.tokenHash);
  const user = ctx.deps.users.findById(principal.user.id);
  if (session === null || user === undefined || user.disabled) return null;
  return { ...principal, user, session };
}

/**
 * For a long-lived socket: a function that returns the caller as of now, or null when they may no
 * longer listen (token revoked, expired or its creator disabled; session ended, idle or its user
 * disabled). It re-checks at most every second by the clock unless `force` is true; once null,
 * always null.
 */
export function callerCheck(ctx: ApiContext, caller: Principal): (force?: boolean) => Principal | null {
  let principal: Principal | null = caller;
  let checkedAt = ctx.deps.now();
  return (force = false) => {
    if (principal === null) return null;
    const now = ctx.deps.now();
    if (!force && now - checkedAt < RECHECK_MS && now >= checkedAt) return principal;
    checkedAt = now;
    principal = recheck(ctx, principal);
    return principal;
  };
}

/**
 * Re-checks a socket's caller on a timer (`wsRecheckMs` of the options, default
 * {@link WS_RECHECK_INTERVAL_MS}), so that a quiet socket closes with 1008 too once its caller may
 * no longer listen or `allowed` turns false (a grant removed). Stops when the socket closes.
 */
export function watchCaller(ctx: ApiContext, socket: WebSocket, check: (force?: boolean) => Principal | null, allowed: (caller: Principal) => boolean = () => true): void {
  const timer = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    const caller = check(true);
    if (caller === null || !allowed(caller)) socket.close(WS_POLICY_VIOLATION, ACCESS_ENDED);
  }, ctx.options.wsRecheckMs ?? WS_RECHECK_INTERVAL_MS);
  timer.unref();
  socket.on('close', () => clearInterval(timer));
}

/** Registers the WebSocket route. */
export function wsRoutes(app: ApiApp, ctx: ApiContext): void {
  const subscribeAudit = new ViewThrottle(LIVE_VIEW_AUDIT_MS);
  app.route({
    method: 'GET',
    url: '/api/ws',
    config: { permission: 'events:read' },
    schema: { summary: 'Live feed (WebSocket)', hide: true, querystring: noQuery, response: { '4xx': errorSchema } },
    handler: async () => {
      throw new SightlineError('REQUEST_INVALID', 'GET /api/ws needs a WebSocket upgrade');
    },
    wsHandler: (socket: WebSocket, request) => {
      const current = callerCheck(ctx, request.principal!);
      if (subscribeAudit.admit(actorOf(request.principal), ctx.deps.now())) auditRequest(ctx, request, 'ws_subscribe', null, { topics: [...TOPICS] });
      watchCaller(ctx, socket, current);
      const offs = TOPICS.map((topic) =>
        ctx.deps.bus.subscribe(topic, (message) => {
          if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
          const caller = current();
          if (caller === null) {
            socket.close(WS_POLICY_VIOLATION, ACCESS_ENDED);
            return;
          }
          if (!canSeeCamera(ctx.deps.users, caller, cameraOf(topic, message))) return;
          socket.send(JSON.stringify({ topic, message: topic === 'health' ? healthFor(message as BusTopics['health'], administers(ctx.deps.users, caller)) : message }));
        }),
      );
      socket.on('close', () => {
        for (const off of offs) off();
      });
    },
  });
}
