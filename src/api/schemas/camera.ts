/**
 * Camera shapes of the API: what is written (the configuration schema, credentials write-only) and
 * what is shown (a camera's settings and health, never its credentials: the response schema strips
 * any field it does not list).
 */
import { z } from 'zod';
import { ANALYTICS } from '../../core/purpose.ts';
import { cameraRecordSchema, cameraSchema } from '../../config/schema/server.ts';

/** A camera's health as the API shows it. */
export const cameraHealthSchema = z.object({
  cameraId: z.string(),
  cameraName: z.string(),
  state: z.enum(['starting', 'connected', 'reconnecting', 'stopped', 'failed']),
  fps: z.number(),
  analysedFps: z.number(),
  lastFrameAt: z.number().nullable(),
  lastError: z.string().nullable().describe('The last stream error, credentials redacted; a generic label for callers who do not administer cameras.'),
  reconnects: z.number(),
  droppedFrames: z.number(),
  frameSize: z.object({ width: z.number(), height: z.number() }).nullable().describe('Pixels of the analysed stream: the space of lines and zones.'),
  recording: z.boolean(),
});

/** A camera as the API shows it. */
export const cameraViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().optional().describe('Main stream URL, credentials redacted; shown only to admins.'),
    subUrl: z.string().nullable().optional().describe('Sub-stream URL, credentials redacted; shown only to admins.'),
    enabled: z.boolean(),
    purpose: z
      .object({
        statement: z.string().describe('What the camera is for, in the operator\'s words; empty when not stated.'),
        allows: z.array(z.enum(ANALYTICS)).describe('Analytics the purpose allows; a change asking for another one is refused with PURPOSE_FORBIDS.'),
      })
      .describe('What the camera is for and which analytics that allows.'),
    fps: z.number(),
    record: cameraRecordSchema,
    analytics: z.record(z.string(), z.unknown()),
    arming: z.record(z.string(), z.unknown()),
    snapshots: z.boolean(),
    privacyMasks: z.array(z.object({ name: z.string().optional(), polygon: z.array(z.tuple([z.number(), z.number()])) })).describe('Areas blanked in every stream, in pixels of the analysed picture.'),
    hasCredentials: z.boolean().describe('Whether stream credentials are stored; they are never returned.'),
    managedBy: z.enum(['config', 'api']),
    health: cameraHealthSchema,
  })
  .describe('A camera: settings and health, never credentials.');

/** A new camera: the configuration file's camera schema. */
export const cameraCreateSchema = cameraSchema;

const shape = cameraSchema.shape;

/** Changes to a camera: any top-level fields of its definition, without defaults (absent fields stay). */
export const cameraPatchSchema = z
  .strictObject({
    name: shape.name.optional(),
    url: shape.url.optional(),
    subUrl: shape.subUrl,
    credentials: shape.credentials
      .unwrap()
      .nullable()
      .optional()
      .describe('New stream credentials, or null to remove the stored ones. Required when the change moves a camera that has credentials to another scheme, host or port.'),
    enabled: shape.enabled.removeDefault().optional(),
    purpose: shape.purpose
      .unwrap()
      .optional()
      .describe('A new purpose; without `allows`, the analytics the camera\'s purpose allowed so far stay allowed.'),
    fps: shape.fps.removeDefault().optional(),
    record: shape.record.unwrap().optional(),
    analytics: shape.analytics.unwrap().optional(),
    arming: shape.arming.removeDefault().optional(),
    snapshots: shape.snapshots.removeDefault().optional(),
    privacyMasks: shape.privacyMasks.removeDefault().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change');

// Fails to compile when the camera schema gains a field the patch schema lacks.
const _allFields: Record<keyof typeof shape, unknown> = { ...cameraPatchSchema.shape };
