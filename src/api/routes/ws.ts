/**
 * GET /api/ws: a WebSocket feed of the bus (`event`, `count`, `objects`, `health`, `tracks`) as JSON
 * `{ topic, message }`, only for cameras the caller may see. The guard authenticates the upgrade
 * (session cookie from this origin, or a token with `events:read`) and closes it with 1008 when that
 * fails; a session's socket closes when the session ends or its user is disabled.
 */
import type { WebSocket } from 'ws';
import { SightlineError } from '../../core/errors.ts';
import type { BusTopic, BusTopics } from '../../events/bus.ts';
import { WS_POLICY_VIOLATION } from '../auth/guard.ts';
import { canSeeCamera, type Principal } from '../auth/principal.ts';
import type { ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { errorSchema, noQuery } from '../schemas/common.ts';

/** Messages are dropped for a client whose unsent data exceeds this many bytes. */
const MAX_BUFFERED_BYTES = 1 << 20;

const TOPICS: readonly BusTopic[] = ['event', 'count', 'objects', 'health', 'tracks'];

function cameraOf<T extends BusTopic>(topic: T, message: BusTopics[T]): string {
  return topic === 'event' ? (message as BusTopics['event']).event.cameraId : (message as BusTopics['count' | 'objects' | 'health' | 'tracks']).cameraId;
}

/** How often a session's socket re-checks that the session and user are still valid, ms. */
const RECHECK_MS = 5000;

/**
 * For a long-lived socket: a function that returns the caller as of now (a user re-read and their
 * session re-checked at most every few seconds), or null when they may no longer listen.
 */
export function callerCheck(ctx: ApiContext, caller: Principal): () => Principal | null {
  let principal = caller;
  let checkedAt = ctx.deps.now();
  return () => {
    if (principal.kind !== 'user' || ctx.deps.now() - checkedAt < RECHECK_MS) return principal;
    checkedAt = ctx.deps.now();
    const user = ctx.deps.users.findById(principal.user.id);
    if (user === undefined || user.disabled || ctx.sessions.get(principal.session.tokenHash) === null) return null;
    principal = { ...principal, user };
    return principal;
  };
}

/** Registers the WebSocket route. */
export function wsRoutes(app: ApiApp, ctx: ApiContext): void {
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
      const offs = TOPICS.map((topic) =>
        ctx.deps.bus.subscribe(topic, (message) => {
          if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
          const caller = current();
          if (caller === null) {
            socket.close(WS_POLICY_VIOLATION, 'the session has ended');
            return;
          }
          if (!canSeeCamera(ctx.deps.users, caller, cameraOf(topic, message))) return;
          socket.send(JSON.stringify({ topic, message }));
        }),
      );
      socket.on('close', () => {
        for (const off of offs) off();
      });
    },
  });
}
