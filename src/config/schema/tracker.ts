import { z } from 'zod';

/** Multi-object tracker settings (ByteTrack family). */
export const trackerSchema = z
  .object({
    highThreshold: z.number().min(0).max(1).default(0.4).describe('Detections scoring at least this take part in the first association and may start tracks.'),
    lowThreshold: z.number().min(0).max(1).default(0.1).describe('Detections between this and `highThreshold` only keep existing tracks alive (second association).'),
    newTrackThreshold: z.number().min(0).max(1).default(0.5).describe('A detection must score at least this to start a new track.'),
    matchThreshold: z.number().min(0).max(1).default(0.9).describe('Largest association cost (1 - IoU) accepted in the first association.'),
    fuseScore: z.boolean().default(false).describe('Weigh association overlap by detection score (ByteTrack fuse_score); off keeps weak detections of partly hidden people attached.'),
    maxLostSeconds: z.number().min(0).max(600).default(3).describe('A track missed for longer than this (seconds of video) is dropped; shorter gaps keep its id.'),
    minHits: z.number().int().min(1).max(30).default(2).describe('Consecutive matches before a new track is confirmed and reported.'),
  })
  .strict()
  .describe('Multi-object tracker (ByteTrack family): association thresholds and track life.');
