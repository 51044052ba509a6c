import { z } from 'zod';
import { OBJECT_CLASSES } from '../../core/detection.ts';

/** Motion gating: frames in which nothing moved skip inference. */
export const motionSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Skip inference on frames in which nothing moved; the previous detections carry over.'),
    minChangedFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.0005)
      .describe('Fraction of the frame (0..1) that must change for a frame to count as moving.'),
    maxSkipSeconds: z
      .number()
      .positive()
      .default(2)
      .describe('Run inference at least this often (seconds) even when nothing moves, so slow changes are still seen.'),
  })
  .strict()
  .describe('Cheap frame-difference motion detection ahead of the detector.');

/** Object detection settings. */
export const detectSchema = z
  .object({
    backend: z
      .enum(['auto', 'tfjs-wasm'])
      .default('auto')
      .describe('Inference backend: `auto` picks the fastest that loads; `tfjs-wasm` is the portable reference.'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Inference worker threads, each with its own model. Default: one per CPU core.'),
    minScore: z.number().min(0).max(1).default(0.1).describe('Detections scoring below this (0..1) are dropped before tracking; the tracker uses weak ones only to keep existing tracks alive.'),
    nmsIou: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Two same-class boxes overlapping more than this (IoU) are merged into the better one.'),
    maxDetections: z.number().int().min(1).max(1000).default(100).describe('At most this many detections per frame.'),
    classes: z
      .array(z.enum(OBJECT_CLASSES))
      .min(1)
      .default([...OBJECT_CLASSES])
      .describe('Classes to detect and track.'),
    fit: z
      .enum(['stretch', 'letterbox'])
      .default('letterbox')
      .describe('How frames are fitted into the model input: `stretch` scales each axis, `letterbox` keeps the aspect ratio and pads.'),
    motion: motionSchema.prefault({}),
  })
  .strict()
  .describe('Object detection: model backend, worker threads, thresholds and motion gating.');
