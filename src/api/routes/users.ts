/**
 * Users, for admins: GET/POST /api/users, PATCH /api/users/:id (role, disabled, password, the
 * unredacted-video flag; users are disabled, never deleted, so the audit log keeps meaning), PUT
 * /api/users/:id/cameras. A change of role, password or a disable ends the user's sessions; a user
 * who loses the unredacted-video permission (flag taken, made a viewer, disabled) loses their
 * active grants at once.
 */
import { z } from 'zod';
import { mayRequestUnredacted } from '../../core/access.ts';
import { SightlineError } from '../../core/errors.ts';
import { USER_ROLES, type User } from '../../store/users.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import { endGrantsOfWithdrawn } from './unredacted.ts';
import type { ApiApp } from '../fastify-types.ts';
import { userListSchema } from '../schemas/answers.ts';
import { idParam, idParams, noQuery, responses } from '../schemas/common.ts';
import { passwordField, userWithCamerasSchema } from '../schemas/user.ts';

const cameraIds = z.array(idParam).max(1000).describe('Camera ids the user may see.');

/** Registers the user routes. */
export function userRoutes(app: ApiApp, ctx: ApiContext): void {
  const { users, cameras } = ctx.deps;
  const withCameras = (u: User) => ({ ...u, cameras: users.camerasOf(u.id) });

  /** Makes the user's grants exactly `ids`, after checking every camera exists (CAMERA_NOT_FOUND). */
  async function setGrants(userId: string, ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids);
    for (const id of wanted) if ((await cameras.get(id)) === null) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
    users.setCameras(userId, [...wanted]);
  }

  function userOr404(id: string): User {
    const user = users.findById(id);
    if (user === undefined) throw new SightlineError('USER_NOT_FOUND', `no user has the id ${id}`);
    return user;
  }

  app.get(
    '/api/users',
    { config: { permission: 'admin' }, schema: { summary: 'Every user', querystring: noQuery, response: responses(userListSchema) } },
    async () => ({ users: users.list().map(withCameras) }),
  );

  app.post(
    '/api/users',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Create a user',
        querystring: noQuery,
        body: z.strictObject({ name: z.string().min(1).max(256), password: passwordField, role: z.enum(USER_ROLES), cameras: cameraIds.optional() }),
        response: responses(userWithCamerasSchema, 201),
      },
    },
    async (request, reply) => {
      const { name, password, role, cameras: grants } = request.body;
      for (const id of grants ?? []) if ((await cameras.get(id)) === null) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
      const user = await users.create({ name, password, role });
      if (grants !== undefined) await setGrants(user.id, grants);
      auditRequest(ctx, request, 'user_create', user.name, { role, cameras: users.camerasOf(user.id) });
      return reply.code(201).send(withCameras(user));
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'admin' },
      schema: {
        summary: "Change a user's role, disable or enable them, reset their password, or give or take their permission to ask for unredacted video",
        params: idParams,
        querystring: noQuery,
        body: z
          .strictObject({
            role: z.enum(USER_ROLES).optional(),
            disabled: z.boolean().optional(),
            password: passwordField.optional(),
            unredactedVideo: z.boolean().optional().describe('Give (true) or take (false) the video:unredacted permission: operators and admins only, never viewers.'),
          })
          .refine((b) => b.role !== undefined || b.disabled !== undefined || b.password !== undefined || b.unredactedVideo !== undefined, 'give role, disabled, password or unredactedVideo'),
        response: responses(userWithCamerasSchema),
      },
    },
    async (request) => {
      const { id } = request.params;
      const { role, disabled, password, unredactedVideo } = request.body;
      userOr404(id);
      // All or nothing: the store checks every change before it writes any, in one transaction.
      const { user, passwordChanged } = await users.update(id, { role, disabled, password, unredactedVideo });
      // The caller's own session survives a change of their own password or role; every other ends.
      const me = request.principal?.kind === 'user' && request.principal.user.id === id ? request.principal.session.tokenHash : undefined;
      const sessionsEnded = passwordChanged || role !== undefined || disabled === true ? ctx.sessions.revokeUser(id, disabled === true ? undefined : me) : 0;
      // A disabled user's API tokens die with them (and stay dead if they are enabled again).
      const tokensRevoked = disabled === true ? ctx.tokens.revokeBy(user.name) : 0;
      const fields = Object.keys(request.body).sort();
      auditRequest(ctx, request, 'user_update', user.name, {
        tokensRevoked,
        fields,
        ...(role === undefined ? {} : { role }),
        ...(disabled === undefined ? {} : { disabled }),
        ...(unredactedVideo === undefined ? {} : { unredactedVideo }),
        passwordChanged,
        sessionsEnded,
      });
      if (!mayRequestUnredacted(user)) endGrantsOfWithdrawn(ctx, request, user.id);
      return withCameras(user);
    },
  );

  app.put(
    '/api/users/:id/cameras',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Set the cameras a user may see', params: idParams, querystring: noQuery, body: z.strictObject({ cameras: cameraIds }), response: responses(userWithCamerasSchema) },
    },
    async (request) => {
      const user = userOr404(request.params.id);
      await setGrants(user.id, request.body.cameras);
      auditRequest(ctx, request, 'user_cameras', user.name, { cameras: users.camerasOf(user.id) });
      return withCameras(user);
    },
  );
}
