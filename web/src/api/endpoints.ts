/**
 * Every JSON endpoint the web app calls, declared once: its method, path (`:name` for a path
 * parameter), the success status its route declares, and the response schema the route declares
 * (the server's own Zod schema object, imported from src/api/schemas). test/web-api-drift.test.ts
 * holds this table to the server's routes.
 */
import type { z } from 'zod';
import {
  auditEntriesSchema,
  auditVerifySchema,
  cameraListSchema,
  cameraTestResultSchema,
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
import { noContent } from '../../../src/api/schemas/common.ts';
import { countRowsSchema, eventPageSchema, heatGridSchema } from '../../../src/api/schemas/event.ts';
import { apiTokenSchema, userWithCamerasSchema } from '../../../src/api/schemas/user-view.ts';

/** An HTTP method the API uses. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One endpoint: where it is, how it answers on success, and the schema of that answer. */
export interface Endpoint<P extends string = string, S extends z.ZodType = z.ZodType> {
  readonly method: Method;
  readonly path: P;
  readonly status: 200 | 201 | 204;
  readonly response: S;
}

function endpoint<P extends string, S extends z.ZodType>(method: Method, path: P, response: S, status: 200 | 201 | 204 = 200): Endpoint<P, S> {
  return { method, path, status, response };
}

/** The endpoints, by name. */
export const api = {
  me: endpoint('GET', '/api/auth/me', meSchema),
  login: endpoint('POST', '/api/auth/login', loginSchema),
  logout: endpoint('POST', '/api/auth/logout', noContent, 204),
  changePassword: endpoint('POST', '/api/auth/password', noContent, 204),
  setupStatus: endpoint('GET', '/api/setup', setupStatusSchema),
  cameras: endpoint('GET', '/api/cameras', cameraListSchema),
  camera: endpoint('GET', '/api/cameras/:id', cameraViewSchema),
  addCamera: endpoint('POST', '/api/cameras', cameraViewSchema, 201),
  updateCamera: endpoint('PATCH', '/api/cameras/:id', cameraViewSchema),
  removeCamera: endpoint('DELETE', '/api/cameras/:id', noContent, 204),
  testCamera: endpoint('POST', '/api/cameras/test', cameraTestResultSchema),
  counts: endpoint('GET', '/api/cameras/:id/counts', countRowsSchema),
  occupancy: endpoint('GET', '/api/cameras/:id/occupancy', occupancySchema),
  heatGrid: endpoint('GET', '/api/cameras/:id/heatmap', heatGridSchema),
  events: endpoint('GET', '/api/events', eventPageSchema),
  users: endpoint('GET', '/api/users', userListSchema),
  addUser: endpoint('POST', '/api/users', userWithCamerasSchema, 201),
  updateUser: endpoint('PATCH', '/api/users/:id', userWithCamerasSchema),
  setUserCameras: endpoint('PUT', '/api/users/:id/cameras', userWithCamerasSchema),
  tokens: endpoint('GET', '/api/tokens', tokenListSchema),
  addToken: endpoint('POST', '/api/tokens', tokenCreatedSchema, 201),
  revokeToken: endpoint('DELETE', '/api/tokens/:id', apiTokenSchema),
  audit: endpoint('GET', '/api/audit', auditEntriesSchema),
  auditVerify: endpoint('GET', '/api/audit/verify', auditVerifySchema),
  system: endpoint('GET', '/api/system', systemSchema),
} as const;

/** The name of an endpoint. */
export type EndpointName = keyof typeof api;

/** The parsed answer of an endpoint. */
export type Answer<E extends Endpoint> = z.output<E['response']>;
