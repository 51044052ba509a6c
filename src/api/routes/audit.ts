/** The audit log, for admins: GET /api/audit (filtered entries) and GET /api/audit/verify (checks the hash chain). */
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { definedOnly } from '../defined.ts';
import type { ApiApp } from '../fastify-types.ts';
import { auditEntriesSchema, auditVerifySchema } from '../schemas/answers.ts';
import { epochMsParam, limitParam, noQuery, responses } from '../schemas/common.ts';

const text = z.string().min(1).max(1024);

/** Registers the audit routes. */
export function auditRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/api/audit',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Audit log entries',
        querystring: z.strictObject({
          actor: text.optional(),
          action: text.optional(),
          target: text.optional(),
          from: epochMsParam.optional(),
          to: epochMsParam.optional(),
          afterSeq: z.string().regex(/^\d{1,15}$/, 'expected a whole number').transform(Number).optional().describe('Entries after this seq (paging).'),
          limit: limitParam.optional(),
        }),
        response: responses(auditEntriesSchema),
      },
    },
    async (request) => ({ entries: ctx.deps.audit.list(definedOnly(request.query)) }),
  );

  app.get(
    '/api/audit/verify',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Verify the hash chain of the audit log',
        querystring: noQuery,
        response: responses(auditVerifySchema),
      },
    },
    async () => ctx.deps.audit.verify(),
  );
}
