/**
 * GET /api/cameras/:id/live: the camera's analysed stream as fragmented MP4 over a WebSocket, for
 * Media Source Extensions. The first message is JSON `{ type: 'init', mime }`, then binary
 * messages: the init segment (ftyp + moov) and media fragments (moof + mdat). Before the first
 * fragment comes JSON `{ type: 'clock', streamTime }`: the stream time (s) of that fragment's first
 * picture on the clock of the `tracks` topic, so the player can show the boxes of the frame on screen. A failed stream
 * sends `{ type: 'error', message }` and closes with 1011; a full camera, or a caller already
 * watching it twice, closes with 1013. The caller is re-checked per fragment and on a timer (1008
 * once the token or session has gone; 1013 once the grant of an unredacted stream has ended, and the
 * player reconnects to the redacted one). Views are audited as `live_view` like the JPEG snapshot.
 */
import type { WebSocket } from 'ws';
import { SightlineError } from '../../core/errors.ts';
import { WS_POLICY_VIOLATION } from '../auth/guard.ts';
import { actorOf, callerKey, canSeeCamera } from '../auth/principal.ts';
import { auditRequest, ViewThrottle, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { errorSchema, idParams, noQuery } from '../schemas/common.ts';
import { showToCaller, viewerOf } from '../show-video.ts';
import { LIVE_VIEW_AUDIT_MS } from './live.ts';
import { ACCESS_ENDED, callerCheck, watchCaller } from './ws.ts';

/** Most simultaneous live viewers of one camera (they share its stream; each costs its bandwidth). */
export const MAX_LIVE_VIEWERS = 8;

/** Most simultaneous live viewers of one camera for one caller (a user, or an API token), so that one cannot take every slot. */
export const MAX_LIVE_VIEWERS_PER_CALLER = 2;

/** A viewer whose unsent data exceeds this many bytes is too slow and is closed (it reconnects at the live edge). */
const MAX_BUFFERED_BYTES = 8 << 20;

/** WebSocket close code: try again later (too many viewers, a slow viewer). */
export const WS_TRY_AGAIN_LATER = 1013;

/** WebSocket close code: the server could not go on (the stream failed). */
export const WS_INTERNAL_ERROR = 1011;

/** Why an unredacted live stream closed: its grant ended (the player reconnects and gets the redacted stream). */
export const GRANT_ENDED = 'the unredacted grant has ended; reconnecting to the redacted stream';

/** A close reason fits in 123 bytes. */
function reason(text: string): string {
  return Buffer.from(text, 'utf8').subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '');
}

/** Registers the live video route. */
export function liveStreamRoutes(app: ApiApp, ctx: ApiContext): void {
  const viewers = new Map<string, number>();
  const mine = new Map<string, number>();
  const less = (counts: Map<string, number>, key: string): void => {
    const left = (counts.get(key) ?? 1) - 1;
    if (left > 0) counts.set(key, left);
    else counts.delete(key);
  };
  const throttle = new ViewThrottle(LIVE_VIEW_AUDIT_MS);
  app.route({
    method: 'GET',
    url: '/api/cameras/:id/live',
    config: { permission: 'cameras:read', camera: 'id' },
    schema: { summary: 'Live video as fragmented MP4 (WebSocket)', hide: true, params: idParams, querystring: noQuery, response: { '4xx': errorSchema } },
    handler: async () => {
      throw new SightlineError('REQUEST_INVALID', 'GET /api/cameras/:id/live needs a WebSocket upgrade');
    },
    wsHandler: (socket: WebSocket, request) => {
      const id = request.params.id;
      const current = callerCheck(ctx, request.principal!);
      const count = viewers.get(id) ?? 0;
      if (count >= MAX_LIVE_VIEWERS) {
        socket.close(WS_TRY_AGAIN_LATER, `this camera already has ${MAX_LIVE_VIEWERS} live viewers; try again later`);
        return;
      }
      const own = `${callerKey(request.principal!)}\u0000${id}`;
      const ownCount = mine.get(own) ?? 0;
      if (ownCount >= MAX_LIVE_VIEWERS_PER_CALLER) {
        socket.close(WS_TRY_AGAIN_LATER, `you already watch this camera live ${MAX_LIVE_VIEWERS_PER_CALLER} times; close one first`);
        return;
      }
      viewers.set(id, count + 1);
      mine.set(own, ownCount + 1);
      watchCaller(ctx, socket, current, (caller) => canSeeCamera(ctx.deps.users, caller, id));
      let released = false;
      let stop: (() => Promise<void>) | null = null;
      const release = (): void => {
        if (released) return;
        released = true;
        less(viewers, id);
        less(mine, own);
        if (stop !== null) void stop();
      };
      const open = (): boolean => socket.readyState === socket.OPEN;
      socket.on('close', release);
      // Nothing is read from the viewer; a message is not an error.
      socket.on('message', () => undefined);
      void ctx.deps.cameras.liveStream(id).then(async (camera) => (camera === null ? null : (await showToCaller(ctx, request, { kind: 'live', cameraId: id, stream: camera })).stream)).then(
        (stream) => {
          if (released) return;
          if (stream === null) {
            socket.close(WS_TRY_AGAIN_LATER, 'the camera is not running');
            return;
          }
          if (throttle.admit(`${actorOf(request.principal)}\u0000${id}`, ctx.deps.now())) auditRequest(ctx, request, 'live_view', id, { video: 'mp4' });
          // Shown unredacted under a grant: the stream ends with the grant (expired or ended), and the player reconnects to the redacted one.
          const grants = ctx.deps.unredacted;
          const viewer = viewerOf(ctx, request);
          const underGrant = grants !== undefined && grants.unredactedGrantFor(viewer, id, ctx.deps.now()) !== null;
          const session = stream.open({
            onInit: (mime, init) => {
              if (!open()) return;
              socket.send(JSON.stringify({ type: 'init', mime }));
              socket.send(init);
            },
            onMedia: (fragment, streamTime) => {
              if (!open()) return;
              const caller = current();
              if (caller === null || !canSeeCamera(ctx.deps.users, caller, id)) {
                socket.close(WS_POLICY_VIOLATION, ACCESS_ENDED);
                return;
              }
              if (underGrant && grants.unredactedGrantFor(viewer, id, ctx.deps.now()) === null) {
                socket.close(WS_TRY_AGAIN_LATER, GRANT_ENDED);
                return;
              }
              if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
                socket.close(WS_TRY_AGAIN_LATER, 'the connection is too slow for this stream');
                return;
              }
              if (streamTime !== undefined) socket.send(JSON.stringify({ type: 'clock', streamTime }));
              socket.send(fragment);
            },
            onEnd: (error) => {
              if (error === null || !open()) return;
              socket.send(JSON.stringify({ type: 'error', message: error }));
              socket.close(WS_INTERNAL_ERROR, reason(error));
            },
          });
          stop = session.close;
          if (released) void stop();
        },
        (error: unknown) => {
          if (open()) socket.close(WS_INTERNAL_ERROR, reason(error instanceof SightlineError ? error.message : 'the live stream could not start'));
        },
      );
    },
  });
}
