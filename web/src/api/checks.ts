/**
 * Every runtime check of the web app, in one lazily loaded chunk: the server's response schemas by
 * endpoint name, its error shape, the live WebSocket messages, a camera's rules, and how a failed
 * check reads. This module is the web app's only runtime importer of Zod and of src/api/schemas
 * (elsewhere only `import type`), so neither weighs on first paint: load-checks.ts imports it
 * dynamically, in parallel with the first request.
 *
 * `../zod-config.ts` comes first: modules evaluate in import order, so Zod is jitless before any
 * schema below (or in the modules they import) is built.
 */
import '../zod-config.ts';
import { z } from 'zod';
import {
  auditEntriesSchema,
  auditVerifySchema,
  cameraListSchema,
  cameraTestResultSchema,
  dwellSchema,
  erasureSchema,
  loginSchema,
  meSchema,
  occupancySchema,
  setupStatusSchema,
  systemSchema,
  tokenCreatedSchema,
  tokenListSchema,
  userListSchema,
} from '../../../src/api/schemas/answers.ts';
import { cameraViewSchema } from '../../../src/api/schemas/camera.ts';
import { errorSchema, noContent } from '../../../src/api/schemas/common.ts';
import { countRowsSchema, eventPageSchema, heatGridSchema } from '../../../src/api/schemas/event.ts';
import { reviewMarkResultSchema, reviewPageSchema } from '../../../src/api/schemas/review.ts';
import { exportListSchema, timelineSchema } from '../../../src/api/schemas/recordings.ts';
import { busMessageSchema, liveStreamMessageSchema } from '../../../src/api/schemas/live.ts';
import { settingsTestResultSchema, settingsUpdateSchema, settingsViewSchema } from '../../../src/api/schemas/settings.ts';
import { unredactedGrantListSchema, unredactedGrantSchema } from '../../../src/api/schemas/unredacted.ts';
import { apiTokenSchema, userWithCamerasSchema } from '../../../src/api/schemas/user-view.ts';
import { lineSchema, zoneSchema } from '../../../src/config/schema/rules.ts';

/** The response schema each endpoint's route declares, by the endpoint's name in endpoints.ts. */
export const responses = {
  me: meSchema,
  login: loginSchema,
  logout: noContent,
  changePassword: noContent,
  setupStatus: setupStatusSchema,
  cameras: cameraListSchema,
  camera: cameraViewSchema,
  addCamera: cameraViewSchema,
  updateCamera: cameraViewSchema,
  removeCamera: noContent,
  testCamera: cameraTestResultSchema,
  eraseFootage: erasureSchema,
  counts: countRowsSchema,
  occupancy: occupancySchema,
  dwell: dwellSchema,
  heatGrid: heatGridSchema,
  events: eventPageSchema,
  review: reviewPageSchema,
  timeline: timelineSchema,
  exports: exportListSchema,
  markReviewed: reviewMarkResultSchema,
  requestUnredacted: unredactedGrantSchema,
  unredactedGrants: unredactedGrantListSchema,
  endUnredacted: unredactedGrantSchema,
  users: userListSchema,
  addUser: userWithCamerasSchema,
  updateUser: userWithCamerasSchema,
  setUserCameras: userWithCamerasSchema,
  tokens: tokenListSchema,
  addToken: tokenCreatedSchema,
  revokeToken: apiTokenSchema,
  audit: auditEntriesSchema,
  auditVerify: auditVerifySchema,
  system: systemSchema,
  settings: settingsViewSchema,
  setNotifications: settingsUpdateSchema,
  setRetention: settingsUpdateSchema,
  setObjectFilters: settingsUpdateSchema,
  resetSettings: settingsUpdateSchema,
  testNotification: settingsTestResultSchema,
} as const satisfies Record<string, z.ZodType>;

/** The name of a response schema (the same as its endpoint's). */
export type ResponseName = keyof typeof responses;

export { busMessageSchema, errorSchema, liveStreamMessageSchema };

/** The lines and zones of a camera's analytics: the configuration's own rule schemas (the API shows analytics as an open record). */
export const rulesSchema = z.object({ lines: z.array(lineSchema).default([]), zones: z.array(zoneSchema).default([]) });

/** A Zod failure as one line for people: each issue's path and message. */
export function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length === 0 ? '(answer)' : i.path.join('.')}: ${i.message}`)
    .concat(error.issues.length > 3 ? [`and ${error.issues.length - 3} more`] : [])
    .join('; ');
}
