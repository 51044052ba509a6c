/** Event, count and heat shapes of the API. */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/detection.ts';
import { EVENT_TYPES } from '../../core/rules/types.ts';

/** A stored event. */
export const eventSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  type: z.enum(EVENT_TYPES),
  rule: z.string(),
  trackId: z.number().nullable(),
  class: z.enum(OBJECT_CLASSES),
  startTime: z.number(),
  endTime: z.number().nullable(),
  frame: z.number(),
  direction: z.enum(['in', 'out']).nullable(),
  data: z.record(z.string(), z.unknown()),
  snapshotPath: z.string().nullable().describe('Snapshot file relative to the data directory; fetch it from /api/events/{id}/snapshot.jpg.'),
  recording: z.string().nullable(),
});

/** One page of events. */
export const eventPageSchema = z.object({
  events: z.array(eventSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last. Pages may be shorter than `limit`.'),
});

/** Line counts per bucket. */
export const countRowsSchema = z.object({
  from: z.number().describe('Start of the range, epoch ms.'),
  to: z.number().describe('End of the range (exclusive), epoch ms.'),
  totals: z.record(z.string(), z.object({ in: z.number(), out: z.number() })).describe('Crossings per line over the range.'),
  rows: z.array(z.object({ line: z.string(), start: z.number(), in: z.number(), out: z.number() })).describe('Crossings per line and bucket; empty buckets are absent.'),
});

/** A heat grid as JSON, or null when the range holds none. */
export const heatGridSchema = z.object({
  grid: z
    .object({
      cols: z.number(),
      rows: z.number(),
      cellWidth: z.number(),
      cellHeight: z.number(),
      seconds: z.array(z.number()).describe('Dwell seconds per cell, row-major.'),
    })
    .nullable(),
});
