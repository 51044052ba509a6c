/**
 * The one-time setup link: GET /api/setup says whether it is still open (and nothing else); POST
 * /api/setup creates the first admin with the link's token.
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { setupStatusSchema } from '../schemas/answers.ts';
import { noQuery, responses } from '../schemas/common.ts';
import { userSchema } from '../schemas/user.ts';

/** Registers the setup routes. */
export function setupRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/api/setup',
    {
      config: { permission: 'public' },
      schema: { summary: 'Whether the setup link is open', querystring: noQuery, response: responses(setupStatusSchema) },
    },
    async () => ({ open: !ctx.deps.setupTokens.adminExists() }),
  );

  app.post(
    '/api/setup',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'Create the first admin with the setup link',
        querystring: noQuery,
        body: z.strictObject({
          token: z.string().min(1).max(256).describe('The token of the setup link printed at first start.'),
          name: z.string().min(1).max(256),
          password: z.string().min(1).max(1024),
        }),
        response: responses(z.object({ user: userSchema }), 201),
      },
    },
    async (request, reply) => {
      const { token, name, password } = request.body;
      // Checked before the store hashes the password, so a closed setup costs no argon2 work.
      if (ctx.deps.setupTokens.adminExists()) throw new SightlineError('SETUP_CLOSED', 'an admin exists already: sign in as that admin');
      const user = await ctx.deps.users.createFirstAdmin(token, { name, password });
      auditRequest(ctx, request, 'setup', user.name, { remote: request.ip }, user.name);
      return reply.code(201).send({ user });
    },
  );
}
