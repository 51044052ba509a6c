/** Answers of the recordings timeline's routes (src/api/routes/recordings.ts), shared with the web app. */
import { z } from 'zod';

/** The timeline of a camera's range (GET /api/cameras/:id/timeline). */
export const timelineSchema = z.object({
  from: z.number(),
  to: z.number(),
  bucketMs: z.number().describe('Width of one bucket of `marks`, ms; bucket n starts at from + n * bucketMs.'),
  spans: z.array(z.object({ start: z.number(), end: z.number() })).describe('The stretches recorded, oldest first, clipped to the range; what lies between is a gap.'),
  marks: z.array(z.object({ bucket: z.number(), alarms: z.number(), detections: z.number() })).describe('Events starting in each bucket that has any: alarms (intrusion, loitering, crowd) and detections (crossings, entrances, exits).'),
});

/** One export, from its audit entry. */
export const exportEntrySchema = z.object({
  seq: z.number(),
  time: z.number(),
  actor: z.string(),
  action: z.string(),
  cameraId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string().describe('The hash of the audit entry (GET /api/audit/verify checks the chain).'),
});

/** The exports made (GET /api/exports). */
export const exportListSchema = z.object({ exports: z.array(exportEntrySchema) });
