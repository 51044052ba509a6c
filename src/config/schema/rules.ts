import { z } from 'zod';
import { classesSchema, nameSchema, pointSchema } from './common.ts';

/** A directional counting line. */
export const lineSchema = z
  .object({
    name: nameSchema,
    points: z.tuple([pointSchema, pointSchema]).describe('The counting segment: two points [[x1, y1], [x2, y2]] in pixels.'),
    inside: pointSchema.describe('Any point on the "in" side of the line; crossings towards it count as `in`.'),
    classes: classesSchema,
    minObservations: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('Jitter guard: a crossing counts once the object has been seen this many times in a row on the new side.'),
    minDistance: z
      .number()
      .min(0)
      .default(4)
      .describe('Jitter guard: foot points closer than this many pixels to the line count as on it, not past it.'),
  })
  .strict()
  .describe('A counting line: objects whose foot point crosses the segment are counted in or out.');

/** A polygonal zone with optional alarms. */
export const zoneSchema = z
  .object({
    name: nameSchema,
    polygon: z.array(pointSchema).min(3).describe('Polygon vertices [[x, y], ...] in pixels, at least three.'),
    classes: classesSchema,
    intrusion: z
      .object({ seconds: z.number().min(0).describe('Seconds an object must be inside before the alarm starts.') })
      .strict()
      .optional()
      .describe('Intrusion alarm: an object of the listed classes inside for at least `seconds`.'),
    loitering: z
      .object({ seconds: z.number().positive().describe('Dwell time (seconds) beyond which one object is loitering.') })
      .strict()
      .optional()
      .describe('Loitering alarm: one object dwelling inside beyond `seconds`.'),
    crowd: z
      .object({
        count: z.number().int().min(2).describe('Objects that must be inside at once.'),
        seconds: z.number().min(0).describe('Seconds the crowd must persist before the alarm starts.'),
      })
      .strict()
      .optional()
      .describe('Crowd alarm: at least `count` objects inside for at least `seconds`.'),
  })
  .strict()
  .describe('A zone: entrances, exits and occupancy are always reported; alarms are optional.');

/** Heat map settings. */
export const heatmapSchema = z
  .object({
    cellSize: z.number().int().min(2).max(256).default(16).describe('Side of one heat-map cell, in pixels of the original video.'),
    classes: classesSchema,
  })
  .strict()
  .describe('Dwell heat map accumulated from foot points.');
