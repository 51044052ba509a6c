/**
 * Zod pieces shared by the routes: the error body, query parameters that arrive as text (epoch ms,
 * limits) and path ids. Query and body objects are strict everywhere: an unknown field is a 400.
 */
import { z } from 'zod';

/** The body of every error response. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable error code, see docs (src/core/errors.ts).'),
      message: z.string().describe('What went wrong, for people.'),
    }),
  })
  .describe('An error.');

/** The responses of a route: its success schema under `status`, and the error shape for 4xx. */
export function responses<S extends z.ZodType>(ok: S, status: 200 | 201 = 200): { readonly [K in 200 | 201]?: S } & { readonly '4xx': typeof errorSchema } {
  return status === 200 ? { 200: ok, '4xx': errorSchema } : { 201: ok, '4xx': errorSchema };
}

/** A query parameter holding epoch milliseconds. */
export const epochMsParam = z
  .string()
  .regex(/^\d{1,15}$/, 'expected a whole number of epoch milliseconds')
  .transform(Number)
  .describe('Epoch milliseconds (UTC).');

/** A query parameter holding a page size of 1 to 1000. */
export const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, 'expected a whole number from 1 to 1000')
  .transform(Number)
  .pipe(z.number().int().min(1).max(1000))
  .describe('Page size, 1 to 1000.');

/** A path or query parameter holding an id (camera, event, user, token). */
export const idParam = z.string().min(1).max(128).describe('An id.');

/** Path parameters of routes under one resource id. */
export const idParams = z.strictObject({ id: idParam });

/** A query string that takes no parameters. */
export const noQuery = z.strictObject({});

/** A required time range `[from, to)` in a query. */
export const rangeQuery = z.strictObject({ from: epochMsParam, to: epochMsParam });

/** Query fields of a bucketed range whose ends may be left out: the last 24 hours by default. */
export const bucketedRangeFields = {
  from: epochMsParam.optional().describe('Start of the range, epoch ms; default 24 hours before `to`.'),
  to: epochMsParam.optional().describe('End of the range (exclusive), epoch ms; default now.'),
  bucket: z.enum(['minute', 'hour', 'day']).default('hour'),
};

/** The range a query of {@link bucketedRangeFields} names: `to` defaults to now, `from` to 24 hours before it (never before the epoch). */
export function rangeOrLastDay(query: { readonly from?: number | undefined; readonly to?: number | undefined }, now: number): { from: number; to: number } {
  const to = query.to ?? now;
  return { from: query.from ?? Math.max(0, to - 86_400_000), to };
}

/** The (empty) body of a 204 answer. */
export const noContent = z.null().describe('No content.');

/** A binary response (JPEG, PNG, MPEG-TS, MP4), sent as a buffer or stream without serialization. */
export function binary(contentType: string): z.ZodAny {
  return z.any().describe(`${contentType} bytes`);
}
