/**
 * Unredacted video, on request: POST /api/cameras/:id/unredacted (a user holding the
 * `video:unredacted` permission asks with a written reason and gets one camera for a limited time,
 * audited `unredacted_grant`), GET /api/unredacted-grants (the caller's own grants; an admin's:
 * everyone's) and DELETE /api/unredacted-grants/:id (ends one early, audited `unredacted_grant_end`).
 * Nobody sees unredacted video without an active grant, admins included.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { isGrantActive, type UnredactedGrant } from '../../store/unredacted-grants.ts';
import type { UnredactedAccess } from '../../store/unredacted-access.ts';
import type { Principal } from '../auth/principal.ts';
import { actorOf } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { idParam, idParams, limitParam, noQuery, responses } from '../schemas/common.ts';
import { unredactedGrantListSchema, unredactedGrantSchema, unredactedRequestSchema } from '../schemas/unredacted.ts';

type SessionPrincipal = Extract<Principal, { kind: 'user' }>;

function sessionUser(principal: Principal | null): SessionPrincipal {
  // The guard lets only sessions reach routes with the `session` and `video:unredacted` permissions.
  if (principal?.kind !== 'user') throw new SightlineError('FORBIDDEN', 'this needs a signed-in user');
  return principal;
}

/** Minutes from `from` to `to`, to a tenth. */
function minutesBetween(from: number, to: number): number {
  return Math.round((to - from) / 6_000) / 10;
}

/** The grant as the API shows it at `now`: with its user's name and whether it is in force. */
export function grantView(ctx: ApiContext, access: UnredactedAccess, grant: UnredactedGrant, now: number): z.output<typeof unredactedGrantSchema> {
  const active = isGrantActive(grant, now) && access.unredactedGrantFor({ userId: grant.userId }, grant.cameraId, now)?.id === grant.id;
  return { ...grant, userName: ctx.deps.users.findById(grant.userId)?.name ?? null, active };
}

/**
 * Ends every active grant of a user who no longer holds the permission (flag taken, made a viewer,
 * disabled), each audited `unredacted_grant_end`; returns how many it ended.
 */
export function endGrantsOfWithdrawn(ctx: ApiContext, request: FastifyRequest, userId: string): number {
  const access = ctx.deps.unredacted;
  if (access === undefined) return 0;
  const now = ctx.deps.now();
  const ended = access.endAllOf(userId, now, actorOf(request.principal));
  for (const g of ended) {
    auditRequest(ctx, request, 'unredacted_grant_end', g.cameraId, { grant: g.id, user: ctx.deps.users.findById(g.userId)?.name ?? g.userId, reason: g.reason, minutes: minutesBetween(g.grantedAt, now), cause: 'permission withdrawn' });
  }
  return ended.length;
}

/** Registers the unredacted-video routes. */
export function unredactedRoutes(app: ApiApp, ctx: ApiContext): void {
  const { now } = ctx.deps;

  app.post(
    '/api/cameras/:id/unredacted',
    {
      config: { permission: 'video:unredacted', camera: 'id' },
      schema: {
        summary: "Ask to see one camera's video unredacted for a limited time, with a written reason",
        params: idParams,
        querystring: noQuery,
        body: unredactedRequestSchema,
        response: responses(unredactedGrantSchema, 201),
      },
    },
    async (request, reply) => {
      const access = ctx.deps.unredacted;
      if (access === undefined) throw new SightlineError('FORBIDDEN', 'this server keeps no grants of unredacted video: everyone sees redacted video');
      const me = sessionUser(request.principal);
      const { id } = request.params;
      const { reason, minutes } = request.body;
      const at = now();
      const grant = access.request(me.user, { cameraId: id, reason, minutes, now: at });
      auditRequest(ctx, request, 'unredacted_grant', id, {
        grant: grant.id,
        camera: request.scopedCamera?.name ?? id,
        reason: grant.reason,
        minutes: minutesBetween(grant.grantedAt, grant.expiresAt),
        expiresAt: grant.expiresAt,
      });
      return reply.code(201).send(grantView(ctx, access, grant, at));
    },
  );

  app.get(
    '/api/unredacted-grants',
    {
      config: { permission: 'session' },
      schema: {
        summary: "Your grants of unredacted video (an admin's: everyone's), newest first",
        querystring: z.strictObject({
          active: z.enum(['true', 'false']).optional().describe('true: only the grants active now; false: only those that are not.'),
          camera: idParam.optional().describe('Only the grants of this camera.'),
          limit: limitParam.optional(),
        }),
        response: responses(unredactedGrantListSchema),
      },
    },
    async (request) => {
      const access = ctx.deps.unredacted;
      if (access === undefined) return { grants: [] };
      const me = sessionUser(request.principal);
      const { active, camera, limit } = request.query;
      const at = now();
      const grants = access.list({
        userId: me.user.role === 'admin' ? undefined : me.user.id,
        cameraId: camera,
        activeAt: active === 'true' ? at : undefined,
        inactiveAt: active === 'false' ? at : undefined,
        limit,
      });
      return { grants: grants.map((g) => grantView(ctx, access, g, at)) };
    },
  );

  app.delete(
    '/api/unredacted-grants/:id',
    {
      config: { permission: 'session' },
      schema: { summary: 'End a grant of unredacted video now (yours; an admin: anyone\'s)', params: idParams, querystring: noQuery, response: responses(unredactedGrantSchema) },
    },
    async (request) => {
      const me = sessionUser(request.principal);
      const { id } = request.params;
      const access = ctx.deps.unredacted;
      const found = access?.get(id);
      if (access === undefined || found === undefined || (me.user.role !== 'admin' && found.userId !== me.user.id)) {
        throw new SightlineError('GRANT_NOT_FOUND', `no grant of unredacted video has the id ${id}`);
      }
      const at = now();
      const wasActive = isGrantActive(found, at);
      const grant = access.end(id, at, me.user.name) ?? found;
      if (wasActive) {
        auditRequest(ctx, request, 'unredacted_grant_end', grant.cameraId, {
          grant: grant.id,
          user: ctx.deps.users.findById(grant.userId)?.name ?? grant.userId,
          reason: grant.reason,
          minutes: minutesBetween(grant.grantedAt, at),
          cause: 'ended early',
        });
      }
      return grantView(ctx, access, grant, at);
    },
  );
}
