/** Review item shapes of the API (see src/core/review-items.ts for how events fold into items). */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/detection.ts';
import { MAX_REVIEW_MARKS } from '../../core/review-items.ts';
import { eventSchema } from './event.ts';
import { idParam } from './common.ts';

/** One review item: the events of one episode of a camera's track, or one group alarm. */
export const reviewItemSchema = z.object({
  id: z.string().describe('The id of its first event.'),
  cameraId: z.string(),
  trackId: z.number().nullable().describe('The track it is about; null for a group alarm (crowd).'),
  class: z.enum(OBJECT_CLASSES),
  severity: z.enum(['alarm', 'detection']).describe('`alarm` when it holds an intrusion, loitering or crowd alarm; otherwise `detection`.'),
  start: z.number().describe('Start of its first event, epoch ms.'),
  end: z.number().nullable().describe('The latest end among its events, epoch ms; null while an alarm of it is open.'),
  types: z.array(z.string()).describe('The event types it holds.'),
  rules: z.array(z.string()).describe('The lines and zones it touched.'),
  coverId: z.string().describe('The event whose snapshot stands for the item (its first alarm with a snapshot, else its first event with one).'),
  events: z.array(eventSchema).describe('Its events, oldest first.'),
  reviewed: z.boolean().describe('Whether the caller has marked every event of it reviewed.'),
  reviewedEventIds: z.array(z.string()).describe('Which of its events the caller has marked reviewed.'),
});

/** One page of review items, newest first. */
export const reviewPageSchema = z.object({
  items: z.array(reviewItemSchema),
  nextTo: z.number().nullable().describe('Pass as `to` for the next (older) page; null on the last.'),
});

/** What marking review items does. */
export const reviewMarkBodySchema = z.strictObject({
  eventIds: z.array(idParam).min(1).max(MAX_REVIEW_MARKS).describe('The events of the items to mark (every event of an item).'),
  reviewed: z.boolean().describe('True to mark them reviewed, false to mark them not reviewed.'),
});

/** The answer of marking review items. */
export const reviewMarkResultSchema = z.object({
  changed: z.number().describe('Marks that changed (events already in the asked state are not counted).'),
});
