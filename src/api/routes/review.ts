/**
 * Review items: GET /api/review (the events folded into items, newest first, with the caller's
 * review marks; audited `search`) and POST /api/review/reviewed (marks items reviewed or not for the
 * caller, audited `review_mark`). Callers see and mark only the events of cameras they may see;
 * marks are per user (a token marks for the user who made it).
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import type { JsonObject } from '../../core/json.ts';
import { isItemReviewed } from '../../core/review-items.ts';
import { canSeeCamera, granteeOf, seesAllCameras, type Principal } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import { definedOnly } from '../defined.ts';
import type { ApiApp } from '../fastify-types.ts';
import { readReviewPage } from '../review-page.ts';
import { epochMsParam, idParam, noQuery, responses } from '../schemas/common.ts';
import { reviewMarkBodySchema, reviewMarkResultSchema, reviewPageSchema } from '../schemas/review.ts';

/** Default items per page. */
const DEFAULT_ITEMS = 50;

const reviewQuery = z.strictObject({
  camera: idParam.optional().describe('Only this camera.'),
  from: epochMsParam.optional().describe('Items that start at or after this time.'),
  to: epochMsParam.optional().describe('Items that start before this time (the `nextTo` of the previous page).'),
  severity: z.enum(['alarm', 'detection']).optional(),
  reviewed: z.enum(['true', 'false']).optional().describe('Only the items the caller has (true) or has not (false) marked reviewed.'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'expected a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().int().min(1).max(200))
    .optional()
    .describe('Items per page, 1 to 200 (default 50).'),
});

/** The id of the user whose marks the caller reads and writes. */
function markerOf(ctx: ApiContext, principal: Principal): string {
  const user = granteeOf(ctx.deps.users, principal);
  if (user === undefined) throw new SightlineError('FORBIDDEN', 'the user this token belongs to is gone');
  return user.id;
}

/** Registers the review routes. */
export function reviewRoutes(app: ApiApp, ctx: ApiContext): void {
  const { users, store, reviewMarks, now } = ctx.deps;

  app.get(
    '/api/review',
    { config: { permission: 'events:read' }, schema: { summary: 'Review items: events folded per episode, newest first', querystring: reviewQuery, response: responses(reviewPageSchema) } },
    async (request) => {
      const principal = request.principal!;
      const q = request.query;
      const user = markerOf(ctx, principal);
      if (q.camera !== undefined && !canSeeCamera(users, principal, q.camera)) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${q.camera}`);
      if (q.from !== undefined && q.to !== undefined && q.to <= q.from) throw new SightlineError('STORE_INPUT_INVALID', '`to` must be after `from`');
      const visible = seesAllCameras(users, principal) ? undefined : (await ctx.deps.cameras.list()).map((c) => c.id).filter((id) => canSeeCamera(users, principal, id));
      const page = await readReviewPage(
        store,
        {
          cameraId: q.camera,
          cameraIds: q.camera === undefined ? visible : undefined,
          from: q.from,
          to: q.to,
          severity: q.severity,
          reviewed: q.reviewed === undefined ? undefined : q.reviewed === 'true',
          limit: q.limit ?? DEFAULT_ITEMS,
        },
        (ids) => reviewMarks.reviewedOf(user, ids),
      );
      const details: JsonObject = definedOnly(q);
      auditRequest(ctx, request, 'search', q.camera ?? null, { ...details, review: true, results: page.items.length });
      return {
        items: page.items.map(({ item, reviewed }) => ({
          id: item.id,
          cameraId: item.cameraId,
          trackId: item.trackId,
          class: item.class,
          severity: item.severity,
          start: item.start,
          end: item.end,
          types: [...item.types],
          rules: [...item.rules],
          coverId: item.cover.id,
          events: [...item.events],
          reviewed: isItemReviewed(item, reviewed),
          reviewedEventIds: item.events.filter((e) => reviewed.has(e.id)).map((e) => e.id),
        })),
        nextTo: page.nextTo,
      };
    },
  );

  app.post(
    '/api/review/reviewed',
    {
      config: { permission: 'events:read' },
      schema: { summary: 'Mark review items (their events) reviewed or not, for the caller', querystring: noQuery, body: reviewMarkBodySchema, response: responses(reviewMarkResultSchema) },
    },
    async (request) => {
      const principal = request.principal!;
      const user = markerOf(ctx, principal);
      const { eventIds, reviewed } = request.body;
      const ids = [...new Set(eventIds)];
      const cameras = new Set<string>();
      for (const id of ids) {
        const event = await store.getEvent(id);
        if (event === null || !canSeeCamera(users, principal, event.cameraId)) throw new SightlineError('EVENT_NOT_FOUND', `no event has the id ${id}`);
        cameras.add(event.cameraId);
      }
      const changed = reviewMarks.mark(user, ids, reviewed, now());
      auditRequest(ctx, request, 'review_mark', cameras.size === 1 ? [...cameras][0]! : null, { events: ids.length, reviewed, changed });
      return { changed };
    },
  );
}
