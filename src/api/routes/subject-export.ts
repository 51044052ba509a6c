/**
 * A subject-access export: POST /api/events/:id/subject-export.mp4. A user who holds the
 * `video:unredacted` permission gives a written reason and gets the event's clip (as clip.mp4: 5 s
 * before its start to 5 s after its end) with every person's head pixelated except the event's own
 * person, audited `subject_export`. Live and batch analyses number their tracks each on their own,
 * so that person is found in the clip by where and when the event saw them: its box (`data.box`) at
 * the time of the frame it is from (`data.boxTime`; the event's start for events stored without
 * it), on the frame of the clip most like the event's snapshot when it has one (the live camera's
 * clock and the recorder's differ). The batch redactor is what hides everyone else here;
 * ShowVideo would hide the subject too (its stored boxes hide everyone), and a grant would show
 * everyone. The audit entry says which person was left visible: where, when and how well matched.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import type { Box } from '../../core/geometry.ts';
import type { JsonObject } from '../../core/json.ts';
import type { ClipRedactResult } from '../../pipeline/redact-clip.ts';
import type { StoredEvent } from '../../store/event-store.ts';
import { checkGrantReason } from '../../store/unredacted-grants.ts';
import { callerKey } from '../auth/principal.ts';
import { fileInside } from '../files.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { binary, errorSchema, idParams, noQuery } from '../schemas/common.ts';
import { subjectExportRequestSchema } from '../schemas/unredacted.ts';
import { clipRange } from './events.ts';

/** `[x, y, w, h]` in pixels of the camera's analysed stream, as live events keep their track's box. */
const eventBoxSchema = z.tuple([z.number(), z.number(), z.number().positive(), z.number().positive()]);

/** Where and when an event saw its person: their box (pixels of the analysed stream) and the epoch ms of its frame. */
export interface EventSighting {
  readonly box: Box;
  readonly time: number;
}

/** Where and when the event saw its person; SUBJECT_NOT_FOUND when the event follows no one tracked person or kept no box. */
export function subjectOf(event: Pick<StoredEvent, 'id' | 'type' | 'trackId' | 'class' | 'startTime' | 'data'>): EventSighting {
  if (event.trackId === null) throw new SightlineError('SUBJECT_NOT_FOUND', `event ${event.id} (${event.type.replace('_', ' ')}) follows no one person: only an event of a tracked person can be exported for that person`);
  if (event.class !== 'person') throw new SightlineError('SUBJECT_NOT_FOUND', `event ${event.id} follows a ${event.class}, not a person`);
  const box = eventBoxSchema.safeParse(event.data.box);
  if (!box.success) throw new SightlineError('SUBJECT_NOT_FOUND', `event ${event.id} keeps no box of its person, so they cannot be found in the clip`);
  const [x, y, w, h] = box.data;
  const time = event.data.boxTime;
  return { box: { x, y, w, h }, time: typeof time === 'number' && Number.isFinite(time) ? time : event.startTime };
}

/**
 * The longest clip a subject export redacts, ms: every frame of it is analysed again on the
 * detector the cameras share, while the caller waits (an event that lasted longer, a long
 * intrusion, is refused).
 */
export const SUBJECT_EXPORT_MAX_MS = 5 * 60_000;

const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * Which person the export left visible, for the audit log: the frame of the clip (1-based) it was
 * matched on, its box there (clip pixels) and its overlap with the event's box; where in the clip
 * it was looked for (s) and how far the event's picture moved that from the clocks' time.
 */
function keptOf(result: ClipRedactResult): JsonObject | null {
  const s = result.subject;
  if (s === null) return null;
  return {
    frame: s.frame,
    box: [s.box.x, s.box.y, s.box.w, s.box.h].map(round2),
    iou: round2(s.iou),
    soughtAt: round2(result.soughtAt),
    clockOffset: result.clockOffset === null ? null : round2(result.clockOffset),
  };
}

/** Registers the subject-access export route. */
export function subjectExportRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/api/events/:id/subject-export.mp4',
    {
      config: { permission: 'video:unredacted', event: 'id' },
      schema: {
        summary: "Export the event's clip (MP4) for its person: their face and head visible, everyone else's pixelated, with a written reason",
        params: idParams,
        querystring: noQuery,
        body: subjectExportRequestSchema,
        response: { 200: binary('video/mp4'), '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const redact = ctx.deps.redactClip;
      if (redact === undefined) throw new SightlineError('FORBIDDEN', 'this server runs no detector for exports: it cannot export video for one person');
      const event = request.scopedEvent!;
      const reason = checkGrantReason(request.body.reason);
      const subject = subjectOf(event);
      const { from, to } = clipRange(event);
      if (to - from > SUBJECT_EXPORT_MAX_MS) {
        throw new SightlineError('EXPORT_TOO_LONG', `the clip of this event spans ${Math.round((to - from) / 60_000)} minutes; a subject export analyses every frame again, so it takes clips of at most ${SUBJECT_EXPORT_MAX_MS / 60_000} minutes`);
      }
      const camera = await ctx.deps.cameras.get(event.cameraId);
      const picture = event.snapshotPath === null ? null : await fileInside(ctx.deps.dataDir, event.snapshotPath);
      const { file, result } = await ctx.jobs.run(callerKey(request.principal!), reply, async () => {
        const clip = await ctx.deps.recordings.exportRange(event.cameraId, from, to);
        const output = `${clip.file.replace(/\.mp4$/i, '')}-subject.mp4`;
        try {
          const result = await redact({
            video: clip.file,
            output,
            ...(camera !== null && { analytics: camera.analytics }),
            boxFrame: camera?.health.frameSize ?? null,
            picture,
            keepAt: { seconds: (subject.time - clip.startTime) / 1000, box: subject.box },
          });
          return { file: output, result };
        } catch (error) {
          await rm(output, { force: true });
          throw error;
        } finally {
          await rm(clip.file, { force: true });
        }
      });
      const bytes = (await stat(file)).size;
      const stream = createReadStream(file);
      stream.on('close', () => void rm(file, { force: true }).catch((error: unknown) => request.log.warn({ err: error }, 'could not delete a subject export file')));
      auditRequest(ctx, request, 'subject_export', event.cameraId, { event: event.id, camera: camera?.name ?? event.cameraId, reason, from, to, bytes, frames: result.frames, kept: keptOf(result) });
      const name = `${(camera?.name ?? event.cameraId).replace(/[^A-Za-z0-9_-]/g, '_')}-${from}-subject.mp4`;
      return reply.type('video/mp4').header('content-disposition', `attachment; filename="${name}"`).header('content-length', String(bytes)).send(stream);
    },
  );
}
