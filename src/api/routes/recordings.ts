/**
 * Recorded video: GET /api/cameras/:id/recordings (segments of a range), /recordings/:segmentId
 * (one segment as MPEG-TS, audited `playback`), /export.mp4 (a range joined into one MP4, for
 * operators and admins, audited `export`; the temporary file is deleted once sent), and POST
 * /api/cameras/:id/erase (an erasure request, for admins: the range's segments, events and
 * snapshots deleted for good, audited `erase` with the reason).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { callerKey } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { eraseRequestSchema, erasureSchema } from '../schemas/answers.ts';
import { binary, errorSchema, idParam, noQuery, rangeQuery, responses } from '../schemas/common.ts';
import { removeTemporary, showToCaller } from '../show-video.ts';

const segmentSchema = z.object({ id: z.number(), cameraId: z.string(), startTime: z.number(), endTime: z.number(), bytes: z.number() });

function checkRange(from: number, to: number): void {
  if (to <= from) throw new SightlineError('REQUEST_INVALID', `query.to must be after query.from (got from ${from}, to ${to})`);
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (s.isFile()) return s.size;
  } catch {
    // Reported below as not found.
  }
  throw new SightlineError('RECORDING_NOT_FOUND', 'the recording file is missing');
}

/** Registers the recording routes. */
export function recordingRoutes(app: ApiApp, ctx: ApiContext): void {
  const { recordings } = ctx.deps;

  app.get(
    '/api/cameras/:id/recordings',
    {
      config: { permission: 'recordings:read', camera: 'id' },
      schema: {
        summary: 'Recorded segments overlapping a range',
        params: z.strictObject({ id: idParam }),
        querystring: rangeQuery,
        response: responses(z.object({ segments: z.array(segmentSchema) })),
      },
    },
    async (request) => {
      const { from, to } = request.query;
      checkRange(from, to);
      return { segments: [...(await recordings.listSegments(request.params.id, from, to))] };
    },
  );

  app.get(
    '/api/cameras/:id/recordings/:segmentId',
    {
      config: { permission: 'recordings:read', camera: 'id' },
      schema: {
        summary: 'One segment (MPEG-TS) for playback',
        params: z.strictObject({ id: idParam, segmentId: z.string().regex(/^\d{1,15}$/, 'expected a segment number').transform(Number) }),
        querystring: z.strictObject({}),
        response: { 200: binary('video/mp2t'), '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const { id, segmentId } = request.params;
      const segment = await recordings.segmentFile(id, segmentId);
      if (segment === null) throw new SightlineError('RECORDING_NOT_FOUND', `camera ${id} has no segment ${segmentId}`);
      const { file } = await showToCaller(ctx, request, { kind: 'file', cameraId: id, file: segment.file, mime: 'video/mp2t', time: segment.startTime });
      const size = await fileSize(file);
      const stream = createReadStream(file);
      // A redacted copy is the caller's to delete; the stored segment is never touched.
      if (file !== segment.file) stream.on('close', () => void removeTemporary(file, file).catch((error: unknown) => request.log.warn({ err: error }, 'could not delete a redacted segment')));
      auditRequest(ctx, request, 'playback', id, { segment: segmentId });
      return reply.type('video/mp2t').header('content-length', String(size)).send(stream);
    },
  );

  app.get(
    '/api/cameras/:id/export.mp4',
    {
      config: { permission: 'recordings:export', camera: 'id' },
      schema: { summary: 'Export a range as one MP4', params: z.strictObject({ id: idParam }), querystring: rangeQuery, response: { 200: binary('video/mp4'), '4xx': errorSchema } },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { from, to } = request.query;
      checkRange(from, to);
      const { exported, file } = await ctx.jobs.run(callerKey(request.principal!), reply, async () => {
        const made = await recordings.exportRange(id, from, to);
        return { exported: made.file, file: (await showToCaller(ctx, request, { kind: 'file', cameraId: id, file: made.file, mime: 'video/mp4', time: made.startTime })).file };
      });
      const bytes = await fileSize(file);
      const stream = createReadStream(file);
      stream.on('close', () => void removeTemporary(exported, file).catch((error: unknown) => request.log.warn({ err: error }, 'could not delete an export file')));
      auditRequest(ctx, request, 'export', id, { from, to, bytes });
      const name = `${request.scopedCamera!.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${from}.mp4`;
      return reply.type('video/mp4').header('content-disposition', `attachment; filename="${name}"`).header('content-length', String(bytes)).send(stream);
    },
  );

  app.post(
    '/api/cameras/:id/erase',
    {
      config: { permission: 'admin', camera: 'id' },
      schema: {
        summary: "Erase a camera's footage of a range: segments (files and rows), events and snapshots, for good",
        params: z.strictObject({ id: idParam }),
        querystring: noQuery,
        body: eraseRequestSchema,
        response: responses(erasureSchema),
      },
    },
    async (request) => {
      const { id } = request.params;
      const { from, to, reason } = request.body;
      if (to <= from) throw new SightlineError('REQUEST_INVALID', `body.to must be after body.from (got from ${from}, to ${to})`);
      // The segment being recorded is indexed only once it is finished: a range must end behind it.
      const latest = ctx.deps.now() - 2 * ctx.deps.config.recording.segmentSeconds * 1000;
      if (to > latest) {
        throw new SightlineError('REQUEST_INVALID', `body.to must be at most ${new Date(latest).toISOString()}: the last ${2 * ctx.deps.config.recording.segmentSeconds} seconds are still being recorded; erase them once they are`);
      }
      let erased;
      try {
        erased = await recordings.erase(id, from, to);
      } catch (error) {
        // Part of the range may be gone already: the attempt is on the record too.
        auditRequest(ctx, request, 'erase_failed', id, { from, to, reason, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      auditRequest(ctx, request, 'erase', id, { from, to, reason, ...erased });
      return { from, to, ...erased };
    },
  );
}
