/**
 * The browser's client of the Sightline API: same-origin fetch with the session cookie, the CSRF
 * token on every state change, and one error type carrying the server's code and message.
 */
// Types shared with the server: imported as types only, so nothing of the server reaches the bundle.
import type { CameraHealth as ServerCameraHealth } from '../../src/events/live-event.ts';
import type { CameraView } from '../../src/server/services.ts';
import type { StoredEvent } from '../../src/store/event-store.ts';

/** An API failure: the HTTP status and the server's stable code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Remembers the CSRF token from a login or /api/auth/me answer. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function request(method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined && { body: JSON.stringify(body) }) });
  if (!res.ok) {
    let code = 'HTTP_ERROR';
    let message = `${method} ${url} failed with HTTP ${res.status}`;
    try {
      const data = (await res.json()) as { error?: { code?: string; message?: string } };
      if (data.error?.code) code = data.error.code;
      if (data.error?.message) message = data.error.message;
    } catch {
      // Not JSON: keep the generic message.
    }
    throw new ApiError(res.status, code, message);
  }
  return res;
}

/** GET a JSON resource. */
export async function getJson<T>(url: string): Promise<T> {
  return (await (await request('GET', url)).json()) as T;
}

/** POST, PATCH, PUT or DELETE with an optional JSON body; the JSON answer, or null for 204. */
export async function send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T | null> {
  const res = await request(method, url, body);
  if (res.status === 204) return null;
  const text = await res.text();
  return text === '' ? null : (JSON.parse(text) as T);
}

/** A user as the API shows it. */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin' | 'operator' | 'viewer';
  readonly createdAt: number;
  readonly disabled: boolean;
}

/** A camera's health, as the server's live cameras report it (one definition, shared with the server). */
export type CameraHealth = Omit<ServerCameraHealth, 'cameraId' | 'cameraName'>;

/** A point [x, y] in pixels of the camera's picture. */
export type Point = [number, number];

/** A counting line as the API holds it. */
export interface LineRule {
  name: string;
  points: [Point, Point];
  inside: Point;
  classes: string[];
  minObservations?: number;
  minDistance?: number;
}

/** A zone as the API holds it. */
export interface ZoneRule {
  name: string;
  polygon: Point[];
  classes: string[];
  intrusion?: { seconds: number };
  loitering?: { seconds: number };
  crowd?: { count: number; seconds: number };
}

/** A camera as the API shows it (the server's own type), with the editable rule shapes the editor writes back. */
export type Camera = Omit<CameraView, 'analytics' | 'health' | 'url' | 'subUrl'> & {
  /** Stream URLs (credentials redacted), shown only to admins. */
  readonly url?: string;
  readonly subUrl?: string | null;
  readonly analytics: Omit<CameraView['analytics'], 'lines' | 'zones'> & { lines: LineRule[]; zones: ZoneRule[] };
  readonly health: CameraHealth;
};

/** A stored event (the server's own type). */
export type SightlineEvent = StoredEvent;
