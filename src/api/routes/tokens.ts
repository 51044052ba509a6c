/** API tokens, for admins: GET/POST /api/tokens (the value is shown once, on creation), DELETE /api/tokens/:id revokes. */
import { z } from 'zod';
import { API_TOKEN_NAME_PATTERN, API_TOKEN_SCOPES } from '../../store/api-tokens.ts';
import { actorOf } from '../auth/principal.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { tokenCreatedSchema, tokenListSchema } from '../schemas/answers.ts';
import { idParams, noQuery, responses } from '../schemas/common.ts';
import { apiTokenSchema } from '../schemas/user.ts';

/** Registers the token routes. */
export function tokenRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/api/tokens',
    { config: { permission: 'admin' }, schema: { summary: 'Every API token (never their values)', querystring: noQuery, response: responses(tokenListSchema) } },
    async () => ({ tokens: ctx.tokens.list() }),
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Make an API token',
        querystring: noQuery,
        body: z.strictObject({
          name: z.string().regex(API_TOKEN_NAME_PATTERN, 'expected 1-64 letters, digits, ".", "_" or "-"'),
          scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1).max(API_TOKEN_SCOPES.length),
          expiresAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('Epoch ms, at most 365 days ahead; absent for 90 days from now.'),
        }),
        response: responses(tokenCreatedSchema, 201),
      },
    },
    async (request, reply) => {
      const { name, scopes, expiresAt } = request.body;
      const made = ctx.tokens.create({ name, scopes, createdBy: actorOf(request.principal), ...(expiresAt === undefined ? {} : { expiresAt }) });
      auditRequest(ctx, request, 'token_create', made.info.id, { name, scopes: [...made.info.scopes], expiresAt: made.info.expiresAt });
      return reply.code(201).send({ ...made.info, token: made.token });
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config: { permission: 'admin' }, schema: { summary: 'Revoke an API token', params: idParams, querystring: noQuery, response: responses(apiTokenSchema) } },
    async (request) => {
      const info = ctx.tokens.revoke(request.params.id);
      auditRequest(ctx, request, 'token_revoke', info.id, { name: info.name });
      return info;
    },
  );
}
