import { z } from 'zod';
import { allowedAnalytics, ANALYTICS, type Analytic, type AnalyticsUse } from '../../core/purpose.ts';

/** What a camera is for and which analytics that allows. */
export const purposeObjectSchema = z
  .object({
    statement: z
      .string()
      .max(500)
      .default('')
      .describe('What this camera is for, in plain words (e.g. "Count visitors at the main entrance"); shown in the live view and on the public transparency page. Empty means not stated, and the page says so.'),
    allows: z
      .array(z.enum(ANALYTICS))
      .max(ANALYTICS.length)
      .refine((a) => new Set(a).size === a.length, 'name each analytic once')
      .optional()
      .describe(
        `Analytics the purpose allows, any of: ${ANALYTICS.join(', ')} (faces and plates: no analytic uses them yet). Counting lines need \`counting\`, zones need \`zones\`, and the heat map is kept only when \`heatmap\` is listed; a camera that asks for an analytic its purpose does not allow is refused. When absent (a configuration written before purposes), the purpose allows what the camera's analytics use, plus the heat map.`,
      ),
  })
  .strict()
  .describe('The purpose of a camera: a statement and the analytics it allows.');

/** A camera's purpose: the object, or (as before purposes had `allows`) its statement alone as a string. */
export const purposeSchema = z
  .union([z.string().max(500), purposeObjectSchema])
  .transform((p) => (typeof p === 'string' ? { statement: p } : p))
  .describe('What this camera is for and which analytics that allows: `{ statement, allows }`, or the statement alone as a string (then `allows` is absent).');

/** A camera's purpose with its defaults filled in; `allows` is absent when the configuration does not state it. */
export type Purpose = z.infer<typeof purposeObjectSchema>;

/** A purpose with its allowed analytics stated: as given, or derived from `analytics` when the configuration leaves them out (see {@link allowedAnalytics}). */
export function statedPurpose(purpose: Purpose, analytics: AnalyticsUse): { statement: string; allows: Analytic[] } {
  return { statement: purpose.statement, allows: allowedAnalytics(purpose.allows, analytics) };
}
