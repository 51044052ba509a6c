/**
 * Events: GET /api/events (search, audited `search`), GET /api/events/:id (audited `event_view`), its
 * snapshot JPEG (audited `snapshot_view`) and its clip (the recording around it as MP4, audited `playback`).
 * Callers see only the events of cameras they may see; others answer 404. Retention deletes old
 * snapshot files and leaves the event's `snapshotPath` as it was: a snapshot that is gone answers 404.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/detection.ts';
import { SightlineError } from '../../core/errors.ts';
import type { EventPage, EventQuery, StoredEvent } from '../../store/event-store.ts';
import type { JsonObject } from '../../core/json.ts';
import { EVENT_TYPES } from '../../core/rules/types.ts';
import { actorOf, callerKey, canSeeCamera, seesAllCameras } from '../auth/principal.ts';
import { CursorSeal, type CursorBinding } from '../event-cursor-seal.ts';
import { auditRequest, auditView, VIEW_AUDIT_MS, ViewThrottle, type ApiContext } from '../context.ts';
import { definedOnly } from '../defined.ts';
import { ApiError } from '../errors.ts';
import type { ApiApp } from '../fastify-types.ts';
import { fileInside } from '../files.ts';
import { binary, epochMsParam, errorSchema, idParam, idParams, limitParam, noQuery, responses } from '../schemas/common.ts';
import { removeTemporary, showToCaller } from '../show-video.ts';
import { eventPageSchema, eventSchema } from '../schemas/event.ts';

/** Recording kept before an event's start and after its end in its clip, ms. */
const CLIP_MARGIN_MS = 5000;

/** Length of the clip after the start of an event that is still open, ms. */
const OPEN_CLIP_MS = 10_000;

/** The range of an event's clip, epoch ms: from 5 s before its start to 5 s after its end (10 s after the start of one still open). */
export function clipRange(event: Pick<StoredEvent, 'startTime' | 'endTime'>): { readonly from: number; readonly to: number } {
  return { from: Math.max(0, event.startTime - CLIP_MARGIN_MS), to: (event.endTime ?? event.startTime + OPEN_CLIP_MS) + CLIP_MARGIN_MS };
}

const searchQuery = z.strictObject({
  camera: idParam.optional().describe('Only this camera.'),
  from: epochMsParam.optional(),
  to: epochMsParam.optional(),
  type: z.enum(EVENT_TYPES).optional(),
  rule: z.string().min(1).max(256).optional(),
  class: z.enum(OBJECT_CLASSES).optional(),
  limit: limitParam.optional(),
  cursor: z.string().min(1).max(512).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

/** Registers the event routes. */
export function eventRoutes(app: ApiApp, ctx: ApiContext): void {
  const { users, dataDir, recordings } = ctx.deps;
  const cursors = new CursorSeal(ctx.options.sessionSecret);
  const views = new ViewThrottle(VIEW_AUDIT_MS);

  app.get(
    '/api/events',
    { config: { permission: 'events:read' }, schema: { summary: 'Search events', querystring: searchQuery, response: responses(eventPageSchema) } },
    async (request) => {
      const principal = request.principal!;
      const q = request.query;
      const { camera, cursor, limit, ...filter } = q;
      const details: JsonObject = definedOnly(q);
      if (camera !== undefined && !canSeeCamera(users, principal, camera)) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${camera}`);
      // A caller who sees only some cameras pages over their events alone: no page boundary is ever a hidden event.
      const visible = seesAllCameras(users, principal) ? null : (await ctx.deps.cameras.list()).map((c) => c.id).filter((id) => canSeeCamera(users, principal, id));
      const binding: CursorBinding = { filter: { ...filter, camera }, caller: actorOf(principal), cameras: visible };
      const query: EventQuery = definedOnly({
        ...filter,
        limit,
        cameraId: camera,
        cameraIds: camera === undefined && visible !== null ? visible : undefined,
        cursor: cursor === undefined ? undefined : cursors.open(cursor, binding),
      });
      const page: EventPage = await ctx.deps.store.queryEvents(query);
      auditRequest(ctx, request, 'search', camera ?? null, { ...details, results: page.events.length });
      return { events: [...page.events], nextCursor: page.nextCursor === null ? null : cursors.seal(page.nextCursor, binding) };
    },
  );

  app.get(
    '/api/events/:id',
    { config: { permission: 'events:read', event: 'id' }, schema: { summary: 'One event', params: idParams, querystring: noQuery, response: responses(eventSchema) } },
    async (request) => {
      const event = request.scopedEvent!;
      auditView(ctx, views, request, 'event_view', event.cameraId, { event: event.id });
      return event;
    },
  );

  app.get(
    '/api/events/:id/snapshot.jpg',
    {
      config: { permission: 'events:read', event: 'id' },
      schema: { summary: "The event's snapshot JPEG", params: idParams, querystring: noQuery, response: { 200: binary('image/jpeg'), '4xx': errorSchema } },
    },
    async (request, reply) => {
      const rel = request.scopedEvent!.snapshotPath;
      const stored = rel === null ? null : await fileInside(dataDir, rel);
      const event = request.scopedEvent!;
      const file = stored === null ? null : (await showToCaller(ctx, request, { kind: 'file', cameraId: event.cameraId, file: stored, mime: 'image/jpeg', time: event.startTime })).file;
      // Retention may delete the file at any moment: open it first, so the answer is the whole file or a 404, never a broken stream.
      const handle = file === null ? null : await open(file, 'r').catch(() => null);
      if (handle === null) throw new ApiError('NOT_FOUND', 404, 'this event has no snapshot');
      auditView(ctx, views, request, 'snapshot_view', event.cameraId, { event: event.id });
      const stream = handle.createReadStream();
      if (file !== stored) stream.on('close', () => void removeTemporary(file!, file!).catch((error: unknown) => request.log.warn({ err: error }, 'could not delete a redacted snapshot')));
      return reply.type('image/jpeg').send(stream);
    },
  );
  app.get(
    '/api/events/:id/clip.mp4',
    {
      config: { permission: 'recordings:read', event: 'id' },
      schema: {
        summary: "The event's recorded clip (MP4), from 5 s before its start to 5 s after its end",
        params: idParams,
        querystring: noQuery,
        response: { 200: binary('video/mp4'), '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const event = request.scopedEvent!;
      const { from, to } = clipRange(event);
      const { exported, file } = await ctx.jobs.run(callerKey(request.principal!), reply, async () => {
        const clip = await recordings.exportRange(event.cameraId, from, to);
        return { exported: clip.file, file: (await showToCaller(ctx, request, { kind: 'file', cameraId: event.cameraId, file: clip.file, mime: 'video/mp4', time: clip.startTime })).file };
      });
      let bytes: number;
      try {
        bytes = (await stat(file)).size;
      } catch {
        throw new SightlineError('RECORDING_NOT_FOUND', 'the clip file is missing');
      }
      const stream = createReadStream(file);
      stream.on('close', () => void removeTemporary(exported, file).catch((error: unknown) => request.log.warn({ err: error }, 'could not delete a clip file')));
      auditRequest(ctx, request, 'playback', event.cameraId, { event: event.id, from, to, bytes });
      return reply.type('video/mp4').header('content-length', String(bytes)).send(stream);
    },
  );
}
