/** GET /api/cameras/:id/live.jpg: the camera's newest frame, audited as `live_view` at most once per viewer, camera and minute. */
import { ApiError } from '../errors.ts';
import { actorOf } from '../auth/principal.ts';
import { auditRequest, ViewThrottle, type ApiContext } from '../context.ts';
import { z } from 'zod';
import type { ApiApp } from '../fastify-types.ts';
import { binary, errorSchema, idParams } from '../schemas/common.ts';
import { showToCaller } from '../show-video.ts';

/** How often the same viewer's live views of one camera are audited at most, ms. */
export const LIVE_VIEW_AUDIT_MS = 60_000;

/** Registers the live snapshot route. */
export function liveRoutes(app: ApiApp, ctx: ApiContext): void {
  const throttle = new ViewThrottle(LIVE_VIEW_AUDIT_MS);
  app.get(
    '/api/cameras/:id/live.jpg',
    {
      config: { permission: 'cameras:read', camera: 'id' },
      schema: {
        summary: 'The newest frame as JPEG',
        params: idParams,
        querystring: z.strictObject({ t: z.string().regex(/^\d{1,16}$/, 'expected a number').optional().describe('Cache buster: any number; ignored.') }),
        response: { 200: binary('image/jpeg'), '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const latest = await ctx.deps.cameras.latestJpeg(id);
      if (latest === null) throw new ApiError('NOT_FOUND', 404, 'the camera has no frame yet');
      const { jpeg } = await showToCaller(ctx, request, { kind: 'image', cameraId: id, jpeg: latest });
      const actor = actorOf(request.principal);
      if (throttle.admit(`${actor}\u0000${id}`, ctx.deps.now())) auditRequest(ctx, request, 'live_view', id);
      return reply.type('image/jpeg').send(jpeg);
    },
  );
}
