/**
 * Recorded video: GET /api/cameras/:id/recordings (segments of a range), /timeline (the stretches
 * recorded and the events per bucket of a range, for the timeline), /playback.mp4 (fragmented MP4
 * streamed from any moment across segments, audited `playback`), /preview.jpg (a small picture of a
 * moment for the scrubber, audited `preview` once a minute per minute of video),
 * /recordings/:segmentId (one segment as MPEG-TS, audited `playback`), /export.mp4 (a range joined into one MP4, for
 * operators and admins, audited `export`; the temporary file is deleted once sent), and POST
 * /api/cameras/:id/erase (an erasure request, for admins: the range's segments, events and
 * snapshots deleted for good, audited `erase` with the reason).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { actorOf, callerKey, canSeeCamera, seesAllCameras } from '../auth/principal.ts';
import { auditRequest, auditView, ViewThrottle, VIEW_AUDIT_MS, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { eraseRequestSchema, erasureSchema } from '../schemas/answers.ts';
import { exportListSchema, timelineSchema } from '../schemas/recordings.ts';
import { binary, epochMsParam, errorSchema, idParam, noQuery, rangeQuery, responses } from '../schemas/common.ts';
import { ALARM_EVENT_TYPES } from '../../core/rules/types.ts';
import { removeTemporary, showToCaller } from '../show-video.ts';

const segmentSchema = z.object({ id: z.number(), cameraId: z.string(), startTime: z.number(), endTime: z.number(), bytes: z.number() });

/** Segments closer than this join into one recorded stretch on the timeline, ms. */
const SPAN_GAP_MS = 2000;
/** The longest range the timeline draws at once (a week and a bit), ms. */
const MAX_TIMELINE_MS = 8 * 24 * 3_600_000;
const ALARMS: ReadonlySet<string> = new Set(ALARM_EVENT_TYPES);

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
    '/api/cameras/:id/timeline',
    {
      config: { permission: 'recordings:read', camera: 'id' },
      schema: {
        summary: 'The timeline of a range: stretches recorded, gaps, and events per bucket',
        params: z.strictObject({ id: idParam }),
        querystring: z.strictObject({
          from: epochMsParam,
          to: epochMsParam,
          buckets: z.string().regex(/^\d{1,4}$/, 'expected a whole number of buckets').transform(Number).pipe(z.number().int().min(1).max(2000)).default(288).describe('Buckets the range is cut into for the event marks, 1..2000; default 288.'),
        }),
        response: responses(timelineSchema),
      },
    },
    async (request) => {
      const { from, to, buckets } = request.query;
      checkRange(from, to);
      if (to - from > MAX_TIMELINE_MS) throw new SightlineError('REQUEST_INVALID', `the timeline spans at most ${MAX_TIMELINE_MS / 86_400_000} days at once (asked for ${((to - from) / 86_400_000).toFixed(1)})`);
      const bucketMs = Math.max(1, Math.ceil((to - from) / buckets));
      const [spans, density] = await Promise.all([recordings.spans(request.params.id, from, to, SPAN_GAP_MS), ctx.deps.store.eventDensity({ cameraId: request.params.id, from, to, bucketMs })]);
      const marks = new Map<number, { bucket: number; alarms: number; detections: number }>();
      for (const row of density) {
        const m = marks.get(row.bucket) ?? { bucket: row.bucket, alarms: 0, detections: 0 };
        if (ALARMS.has(row.type)) m.alarms += row.count;
        else m.detections += row.count;
        marks.set(row.bucket, m);
      }
      return { from, to, bucketMs, spans: [...spans], marks: [...marks.values()] };
    },
  );

  app.get(
    '/api/cameras/:id/playback.mp4',
    {
      config: { permission: 'recordings:read', camera: 'id' },
      schema: {
        summary: 'Play recorded video from a moment: fragmented MP4 streamed across segments (video only), from the key frame at or before `from`',
        description:
          'The response is sent while ffmpeg writes it. Headers: `x-sightline-start` (epoch ms of its first frame), `x-sightline-frame-seconds` (seconds between frames) and `x-sightline-codec` (for a Media Source). At most an hour per request; a viewer without an unredacted grant gets the people pixelated.',
        params: z.strictObject({ id: idParam }),
        querystring: rangeQuery,
        response: { 200: binary('video/mp4'), '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { from, to } = request.query;
      checkRange(from, to);
      const played = await recordings.play(id, from, to);
      let shown;
      try {
        shown = await showToCaller(ctx, request, { kind: 'playback', cameraId: id, stream: played.stream, time: played.startTime, from, frameSeconds: played.frameSeconds, codec: played.codec, width: played.width, height: played.height });
      } catch (error) {
        played.close();
        throw error;
      }
      // A viewer who seeks elsewhere or leaves closes the connection: ffmpeg stops with it.
      request.raw.once('close', () => {
        shown.stream.destroy();
        played.close();
      });
      auditRequest(ctx, request, 'playback', id, { from, to, startTime: shown.time });
      return reply
        .type('video/mp4')
        .header('cache-control', 'no-store')
        .header('x-sightline-start', String(shown.time))
        .header('x-sightline-frame-seconds', String(played.frameSeconds))
        .header('x-sightline-codec', shown.codec)
        .send(shown.stream);
    },
  );

  const previewThrottle = new ViewThrottle(VIEW_AUDIT_MS);
  app.get(
    '/api/cameras/:id/preview.jpg',
    {
      config: { permission: 'recordings:read', camera: 'id' },
      schema: {
        summary: 'A small picture of the recording at a moment, for the timeline scrubber',
        params: z.strictObject({ id: idParam }),
        querystring: z.strictObject({
          at: epochMsParam,
          width: z.string().regex(/^\d{2,4}$/, 'expected a width in pixels').transform(Number).pipe(z.number().int().min(32).max(640)).default(240).describe('Width of the picture, 32..640 pixels; default 240.'),
        }),
        response: { 200: binary('image/jpeg'), '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { at, width } = request.query;
      const made = await recordings.preview(id, at, width);
      let file = made.file;
      let body: Buffer;
      try {
        file = (await showToCaller(ctx, request, { kind: 'file', cameraId: id, file: made.file, mime: 'image/jpeg', time: made.time })).file;
        body = await readFile(file);
      } finally {
        // Gone before the answer is: the picture is sent from memory.
        await removeTemporary(made.file, file);
      }
      auditView(ctx, previewThrottle, request, 'preview', id, { minute: Math.floor(made.time / 60_000) * 60_000 });
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=60').header('x-sightline-time', String(made.time)).send(body);
    },
  );

  app.get(
    '/api/exports',
    {
      config: { permission: 'recordings:export' },
      schema: {
        summary: 'Exports made (from the audit log): an admin sees everyone\'s, others their own, of the cameras they may see; newest first',
        querystring: z.strictObject({ from: epochMsParam.optional().describe('Exports made at or after, epoch ms; default 30 days ago.'), to: epochMsParam.optional().describe('Exports made before, epoch ms; default now.') }),
        response: responses(exportListSchema),
      },
    },
    async (request) => {
      const principal = request.principal!;
      const to = request.query.to ?? ctx.deps.now() + 1;
      const from = request.query.from ?? to - 30 * 86_400_000;
      checkRange(from, to);
      // Tokens never export: the caller is a user; an admin sees every camera, and everyone's exports.
      const admin = seesAllCameras(ctx.deps.users, principal);
      const actor = actorOf(principal);
      const entries = ['export', 'subject_export'].flatMap((action) => ctx.deps.audit.list({ action, from, to, limit: 1000 }));
      const exports = entries
        .filter((e) => admin || (e.actor === actor && e.target !== null && canSeeCamera(ctx.deps.users, principal, e.target)))
        .sort((a, b) => b.seq - a.seq)
        .slice(0, 500)
        .map((e) => ({ seq: e.seq, time: e.time, actor: e.actor, action: e.action, cameraId: e.target, details: e.details, hash: e.hash }));
      return { exports };
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
