/**
 * Every JSON endpoint the web app calls, declared once: its method, path (`:name` for a path
 * parameter), the success status its route declares, and the name of the response schema the
 * route declares (the server's own Zod schema, in checks.ts's `responses`, which loads as its own
 * chunk; this table stays free of Zod so that it weighs nothing at startup). Each entry's schema
 * name is its own name, which the compiler holds to. test/web-api-drift.test.ts holds this table
 * to the server's routes.
 */
import type { z } from 'zod';
import type { ResponseName, responses } from './checks.ts';

/** An HTTP method the API uses. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One endpoint: where it is, how it answers on success, and the name of the schema of that answer. */
export interface Endpoint<P extends string = string, K extends ResponseName = ResponseName> {
  readonly method: Method;
  readonly path: P;
  readonly status: 200 | 201 | 204;
  readonly response: K;
}

function endpoint<P extends string, K extends ResponseName>(method: Method, path: P, response: K, status: 200 | 201 | 204 = 200): Endpoint<P, K> {
  return { method, path, status, response };
}

/** The endpoints, by name. */
export const api = {
  me: endpoint('GET', '/api/auth/me', 'me'),
  login: endpoint('POST', '/api/auth/login', 'login'),
  logout: endpoint('POST', '/api/auth/logout', 'logout', 204),
  changePassword: endpoint('POST', '/api/auth/password', 'changePassword', 204),
  setupStatus: endpoint('GET', '/api/setup', 'setupStatus'),
  cameras: endpoint('GET', '/api/cameras', 'cameras'),
  camera: endpoint('GET', '/api/cameras/:id', 'camera'),
  addCamera: endpoint('POST', '/api/cameras', 'addCamera', 201),
  updateCamera: endpoint('PATCH', '/api/cameras/:id', 'updateCamera'),
  removeCamera: endpoint('DELETE', '/api/cameras/:id', 'removeCamera', 204),
  testCamera: endpoint('POST', '/api/cameras/test', 'testCamera'),
  eraseFootage: endpoint('POST', '/api/cameras/:id/erase', 'eraseFootage'),
  counts: endpoint('GET', '/api/cameras/:id/counts', 'counts'),
  occupancy: endpoint('GET', '/api/cameras/:id/occupancy', 'occupancy'),
  dwell: endpoint('GET', '/api/cameras/:id/dwell', 'dwell'),
  heatGrid: endpoint('GET', '/api/cameras/:id/heatmap', 'heatGrid'),
  events: endpoint('GET', '/api/events', 'events'),
  review: endpoint('GET', '/api/review', 'review'),
  timeline: endpoint('GET', '/api/cameras/:id/timeline', 'timeline'),
  exports: endpoint('GET', '/api/exports', 'exports'),
  markReviewed: endpoint('POST', '/api/review/reviewed', 'markReviewed'),
  requestUnredacted: endpoint('POST', '/api/cameras/:id/unredacted', 'requestUnredacted', 201),
  unredactedGrants: endpoint('GET', '/api/unredacted-grants', 'unredactedGrants'),
  endUnredacted: endpoint('DELETE', '/api/unredacted-grants/:id', 'endUnredacted'),
  users: endpoint('GET', '/api/users', 'users'),
  addUser: endpoint('POST', '/api/users', 'addUser', 201),
  updateUser: endpoint('PATCH', '/api/users/:id', 'updateUser'),
  setUserCameras: endpoint('PUT', '/api/users/:id/cameras', 'setUserCameras'),
  tokens: endpoint('GET', '/api/tokens', 'tokens'),
  addToken: endpoint('POST', '/api/tokens', 'addToken', 201),
  revokeToken: endpoint('DELETE', '/api/tokens/:id', 'revokeToken'),
  audit: endpoint('GET', '/api/audit', 'audit'),
  auditVerify: endpoint('GET', '/api/audit/verify', 'auditVerify'),
  system: endpoint('GET', '/api/system', 'system'),
  settings: endpoint('GET', '/api/settings', 'settings'),
  setNotifications: endpoint('PUT', '/api/settings/notifications', 'setNotifications'),
  setRetention: endpoint('PUT', '/api/settings/retention', 'setRetention'),
  setObjectFilters: endpoint('PUT', '/api/settings/object-filters', 'setObjectFilters'),
  resetSettings: endpoint('DELETE', '/api/settings/:section', 'resetSettings'),
  testNotification: endpoint('POST', '/api/settings/notifications/test', 'testNotification'),
} as const satisfies { readonly [K in ResponseName]: Endpoint<string, K> };

/** The name of an endpoint. */
export type EndpointName = keyof typeof api;

/** The parsed answer of the response schema named K. */
export type AnswerOf<K extends ResponseName> = z.output<(typeof responses)[K]>;

/** The parsed answer of an endpoint. */
export type Answer<E extends Endpoint> = AnswerOf<E['response']>;
