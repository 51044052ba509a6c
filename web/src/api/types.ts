/**
 * The shapes the web app works with, taken from the server's response schemas (so they cannot drift
 * from what the client parses), and the editable rule shapes the editor writes back.
 */
import type { z } from 'zod';
import type { cameraHealthSchema, cameraViewSchema } from '../../../src/api/schemas/camera.ts';
import type { eventSchema } from '../../../src/api/schemas/event.ts';
import type { reviewItemSchema } from '../../../src/api/schemas/review.ts';
import type { userSchema, userWithCamerasSchema } from '../../../src/api/schemas/user-view.ts';
import { checksNow } from './load-checks.ts';

/** A user as the API shows it. */
export type User = z.output<typeof userSchema>;

/** A user with the cameras granted to them. */
export type UserWithCameras = z.output<typeof userWithCamerasSchema>;

/** A camera as the API shows it. */
export type Camera = z.output<typeof cameraViewSchema>;

/** A camera's health as the API shows it. */
export type CameraHealth = z.output<typeof cameraHealthSchema>;

/** A stored event. */
export type SightlineEvent = z.output<typeof eventSchema>;

/** A review item as the API shows it. */
export type ReviewItemView = z.output<typeof reviewItemSchema>;

/** A point [x, y] in pixels of the camera's picture. */
export type Point = [number, number];

/** A counting line as the editor edits it (the jitter guards take the server's defaults when absent). */
export interface LineRule {
  name: string;
  points: [Point, Point];
  inside: Point;
  classes: string[];
  minObservations?: number | undefined;
  minDistance?: number | undefined;
}

/** A zone as the editor edits it. */
export interface ZoneRule {
  name: string;
  polygon: Point[];
  classes: string[];
  intrusion?: { seconds: number } | undefined;
  loitering?: { seconds: number } | undefined;
  crowd?: { count: number; seconds: number } | undefined;
}

/** A privacy mask as the editor edits it: a polygon blanked in every stream of the camera, its name optional. */
export interface MaskRule {
  name?: string | undefined;
  polygon: Point[];
}

/** A camera's privacy masks as the editor starts from them (copies, so edits never touch the loaded camera). */
export function masksOf(camera: Pick<Camera, 'privacyMasks'>): MaskRule[] {
  return camera.privacyMasks.map((m) => ({ ...(m.name !== undefined && { name: m.name }), polygon: m.polygon.map(([x, y]): Point => [x, y]) }));
}

/** A camera's lines and zones, or why its analytics do not hold valid ones. */
export type CameraRules = { readonly ok: true; readonly lines: LineRule[]; readonly zones: ZoneRule[] } | { readonly ok: false; readonly error: string };

/**
 * The lines and zones of a camera, checked against the configuration's rule schemas (checks.ts's
 * `rulesSchema`). Its camera came from a `call`, which loaded the checks.
 */
export function rulesOf(camera: Pick<Camera, 'analytics'>): CameraRules {
  const { rulesSchema, issuesText } = checksNow();
  const parsed = rulesSchema.safeParse(camera.analytics);
  if (!parsed.success) return { ok: false, error: `The camera's lines and zones are not valid (${issuesText(parsed.error)}).` };
  return { ok: true, lines: parsed.data.lines, zones: parsed.data.zones };
}
