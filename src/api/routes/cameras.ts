/**
 * Cameras: GET/POST /api/cameras, GET/PATCH/DELETE /api/cameras/:id. Lists show only the cameras
 * the caller may see; stream credentials are write-only and never appear in a response, an error
 * message or a log line.
 */
import { SightlineError } from '../../core/errors.ts';
import { purposeViolations, type Analytic, type AnalyticsUse } from '../../core/purpose.ts';
import { redactText, redactUrl } from '../../ingest/redact-url.ts';
import { cameraNetworksOf, checkApiCameraUrl, credentialsRequired, credentialsWouldMove } from '../../live/camera-url.ts';
import type { CameraPatch, CameraView } from '../../live/camera-service.ts';
import type { JsonValue } from '../../core/json.ts';
import type { UserStore } from '../../store/users.ts';
import { roleAllows, scopesAllow } from '../auth/permissions.ts';
import { canSeeCamera, seesAllCameras, type Principal } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import { definedOnly } from '../defined.ts';
import type { ApiApp } from '../fastify-types.ts';
import { cameraListSchema } from '../schemas/answers.ts';
import { cameraCreateSchema, cameraPatchSchema, cameraViewSchema } from '../schemas/camera.ts';
import { errorSchema, idParams, noContent, noQuery, responses } from '../schemas/common.ts';

/**
 * Runs a camera write; if its error message quotes the stream password (a service should never let
 * that happen), the message is replaced, so that the password reaches neither response nor log.
 */
async function withSecret<T>(password: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (password !== undefined && password !== '' && error instanceof Error && error.message.includes(password)) {
      const code = error instanceof SightlineError ? error.code : 'CAMERA_INVALID';
      throw new SightlineError(code, 'the camera could not be saved (the details are withheld because they quoted the stream password)');
    }
    throw error;
  }
}

/**
 * Refuses (PURPOSE_FORBIDS) a camera whose analytics ask for what its purpose does not allow,
 * naming every such field.
 */
export function checkPurpose(camera: string, allows: readonly Analytic[] | undefined, analytics: AnalyticsUse): void {
  const refused = purposeViolations(allows, analytics);
  if (refused.length > 0) throw new SightlineError('PURPOSE_FORBIDS', `camera ${camera}: ${refused.map((v) => v.message).join('; ')}`);
}

/** A camera as a response shows it: without its URLs for callers who do not administer cameras. */
export type ApiCameraView = Omit<CameraView, 'url' | 'subUrl'> & { readonly url?: string; readonly subUrl?: string | null };

/** What a caller who does not administer cameras sees instead of a stream error. */
export const STREAM_ERROR_LABEL = 'the stream reported an error (details are shown to admins)';

/** True when the caller administers cameras: the admin permission, on behalf of an enabled admin. */
export function administers(users: UserStore, principal: Principal): boolean {
  const allowed = principal.kind === 'user' ? roleAllows(principal.user.role, 'admin') : scopesAllow(principal.token.scopes, 'admin');
  return allowed && seesAllCameras(users, principal);
}

/**
 * A camera as the caller may see it: admins get the URLs and the last error with credentials redacted;
 * others get neither URL (their host is not theirs to learn) and a generic label for an error.
 */
export function cameraViewFor(camera: CameraView, admin: boolean): ApiCameraView {
  const urls = [camera.url, ...(camera.subUrl === null || camera.subUrl === undefined ? [] : [camera.subUrl])];
  const lastError = camera.health.lastError;
  if (admin) {
    return {
      ...camera,
      url: redactUrl(camera.url),
      subUrl: camera.subUrl === null || camera.subUrl === undefined ? null : redactUrl(camera.subUrl),
      health: { ...camera.health, lastError: lastError === null ? null : redactText(lastError, urls) },
    };
  }
  const { url: _u, subUrl: _s, ...rest } = camera;
  return { ...rest, health: { ...camera.health, lastError: lastError === null ? null : STREAM_ERROR_LABEL } };
}

/** A health message as the caller may see it: the last error redacted for admins, a generic label for others. */
export function healthFor<T extends { readonly lastError: string | null }>(health: T, admin: boolean): T {
  if (health.lastError === null) return health;
  return { ...health, lastError: admin ? redactText(health.lastError) : STREAM_ERROR_LABEL };
}

/** The value of a camera field for a camera_update audit entry: URLs redacted. */
function auditValue(field: string, value: unknown): JsonValue {
  if (value === undefined) return null;
  if ((field === 'url' || field === 'subUrl') && typeof value === 'string') return redactUrl(value);
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Registers the camera routes. */
export function cameraRoutes(app: ApiApp, ctx: ApiContext): void {
  const { cameras, users } = ctx.deps;
  const networks = cameraNetworksOf(ctx.deps.config.server.cameraNetworks);

  app.get(
    '/api/cameras',
    {
      config: { permission: 'cameras:read' },
      schema: { summary: 'Cameras you may see', querystring: noQuery, response: responses(cameraListSchema) },
    },
    async (request) => {
      const principal = request.principal!;
      const admin = administers(users, principal);
      return { cameras: (await cameras.list()).filter((c) => canSeeCamera(users, principal, c.id)).map((c) => cameraViewFor(c, admin)) };
    },
  );

  app.post(
    '/api/cameras',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Add a camera', querystring: noQuery, body: cameraCreateSchema, response: responses(cameraViewSchema, 201) },
    },
    async (request, reply) => {
      const body = request.body;
      checkPurpose(body.name, body.purpose.allows, body.analytics);
      await withSecret(body.credentials?.password, async () => {
        await checkApiCameraUrl('url', body.url, networks);
        if (body.subUrl !== undefined) await checkApiCameraUrl('subUrl', body.subUrl, networks);
      });
      const view = cameraViewFor(await withSecret(body.credentials?.password, () => cameras.add(body)), true);
      auditRequest(ctx, request, 'camera_create', view.id, { name: view.name, credentials: body.credentials !== undefined });
      return reply.code(201).send(view);
    },
  );

  app.get(
    '/api/cameras/:id',
    { config: { permission: 'cameras:read', camera: 'id' }, schema: { summary: 'One camera', params: idParams, querystring: noQuery, response: responses(cameraViewSchema) } },
    async (request) => cameraViewFor(request.scopedCamera!, administers(users, request.principal!)),
  );

  app.patch(
    '/api/cameras/:id',
    {
      config: { permission: 'admin', camera: 'id' },
      schema: { summary: 'Change a camera', params: idParams, querystring: noQuery, body: cameraPatchSchema, response: responses(cameraViewSchema) },
    },
    async (request) => {
      const given: CameraPatch = definedOnly(request.body);
      const before = request.scopedCamera!;
      // A new statement without `allows` keeps what the purpose allowed: rewording a purpose never widens it.
      const allows = request.body.purpose?.allows ?? [...before.purpose.allows];
      const patch: CameraPatch = request.body.purpose === undefined ? given : { ...given, purpose: { statement: request.body.purpose.statement, allows } };
      if (before.managedBy === 'api') checkPurpose(patch.name ?? before.name, allows, request.body.analytics ?? before.analytics);
      const password = patch.credentials?.password;
      await withSecret(password, async () => {
        if (patch.url !== undefined) await checkApiCameraUrl('url', patch.url, networks);
        if (patch.subUrl !== undefined) await checkApiCameraUrl('subUrl', patch.subUrl, networks);
      });
      const after = { url: patch.url ?? before.url, subUrl: patch.subUrl ?? before.subUrl };
      if (patch.credentials === undefined && before.hasCredentials && credentialsWouldMove(before, after)) throw credentialsRequired(before.name);
      const view = await withSecret(password, () => cameras.update(request.params.id, patch));
      const fields = Object.keys(patch).sort();
      const changes: Record<string, JsonValue> = {};
      for (const field of fields) {
        if (field === 'credentials') continue;
        const was = auditValue(field, (before as unknown as Record<string, unknown>)[field]);
        const now = auditValue(field, (view as unknown as Record<string, unknown>)[field]);
        if (JSON.stringify(was) !== JSON.stringify(now)) changes[field] = { before: was, after: now };
      }
      auditRequest(ctx, request, 'camera_update', view.id, {
        fields,
        changes,
        ...(patch.credentials !== undefined && { credentials: patch.credentials === null ? 'removed' : 'changed' }),
      });
      return cameraViewFor(view, true);
    },
  );

  app.delete(
    '/api/cameras/:id',
    { config: { permission: 'admin', camera: 'id' }, schema: { summary: 'Remove a camera with its data', params: idParams, querystring: noQuery, response: { 204: noContent, '4xx': errorSchema } } },
    async (request, reply) => {
      await cameras.remove(request.params.id);
      auditRequest(ctx, request, 'camera_delete', request.params.id, { name: request.scopedCamera!.name });
      return reply.code(204).send(null);
    },
  );
}
