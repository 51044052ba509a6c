/**
 * Cameras: GET/POST /api/cameras, GET/PATCH/DELETE /api/cameras/:id. Lists show only the cameras
 * the caller may see; stream credentials are write-only and never appear in a response, an error
 * message or a log line.
 */
import { SightlineError } from '../../core/errors.ts';
import type { CameraConfigInput } from '../../config/schema/server.ts';
import { canSeeCamera } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import { definedOnly } from '../defined.ts';
import type { ApiApp } from '../fastify-types.ts';
import { cameraCreateSchema, cameraPatchSchema, cameraViewSchema } from '../schemas/camera.ts';
import { errorSchema, idParams, noContent, noQuery, responses } from '../schemas/common.ts';
import { z } from 'zod';

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

/** Registers the camera routes. */
export function cameraRoutes(app: ApiApp, ctx: ApiContext): void {
  const { cameras, users } = ctx.deps;

  app.get(
    '/api/cameras',
    {
      config: { permission: 'cameras:read' },
      schema: { summary: 'Cameras you may see', querystring: noQuery, response: responses(z.object({ cameras: z.array(cameraViewSchema) })) },
    },
    async (request) => {
      const principal = request.principal!;
      return { cameras: (await cameras.list()).filter((c) => canSeeCamera(users, principal, c.id)) };
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
      const view = await withSecret(body.credentials?.password, () => cameras.add(body));
      auditRequest(ctx, request, 'camera_create', view.id, { name: view.name, credentials: body.credentials !== undefined });
      return reply.code(201).send(view);
    },
  );

  app.get(
    '/api/cameras/:id',
    { config: { permission: 'cameras:read', camera: 'id' }, schema: { summary: 'One camera', params: idParams, querystring: noQuery, response: responses(cameraViewSchema) } },
    async (request) => request.scopedCamera!,
  );

  app.patch(
    '/api/cameras/:id',
    {
      config: { permission: 'admin', camera: 'id' },
      schema: { summary: 'Change a camera', params: idParams, querystring: noQuery, body: cameraPatchSchema, response: responses(cameraViewSchema) },
    },
    async (request) => {
      const patch: Partial<CameraConfigInput> = definedOnly(request.body);
      const view = await withSecret(request.body.credentials?.password, () => cameras.update(request.params.id, patch));
      auditRequest(ctx, request, 'camera_update', view.id, { fields: Object.keys(request.body).sort() });
      return view;
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
