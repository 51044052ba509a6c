/**
 * GET /api/transparency: what the public transparency page shows, as JSON. It names cameras, their
 * purposes and what they keep, and counts how they were used; it holds no picture, no stream URL
 * and no user name.
 */
import { z } from 'zod';
import { ANALYTICS } from '../../core/purpose.ts';

/** Kinds of data whose retention the page states, in the order shown. */
export const RETENTION_KINDS = ['video', 'snapshots', 'events', 'aggregates', 'audit'] as const;

/** One camera as the public sees it. */
export const transparencyCameraSchema = z.object({
  name: z.string(),
  enabled: z.boolean().describe('A camera switched off neither records nor analyses.'),
  purpose: z.object({
    statement: z.string().describe('What the camera is for, in the operator\'s words; empty when the operator has not stated it.'),
    allows: z.array(z.enum(ANALYTICS)).describe('Analytics the purpose allows; the server refuses any other.'),
  }),
  recording: z.object({
    mode: z.enum(['continuous', 'events', 'off']).describe('`continuous`: all the time; `events`: only around events; `off`: no video kept.'),
    preRollSeconds: z.number(),
    postRollSeconds: z.number(),
  }),
  snapshots: z.boolean().describe('Whether a still picture is kept with each event.'),
  analytics: z.array(z.enum(ANALYTICS)).describe('Analytics that run on the camera now: counting (lines), zones, heatmap.'),
});

/** How long one kind of data is kept. */
export const retentionLineSchema = z.object({
  kind: z.enum(RETENTION_KINDS),
  what: z.string().describe('The data, in words.'),
  hours: z.number().nullable().describe('Deleted once older than this many hours; null when no automatic limit applies.'),
  keptFor: z.string().describe('How long it is kept, in words.'),
});

/** Uses of the cameras in one calendar month (UTC), counted from the audit log. */
export const usageMonthSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/).describe('The month, YYYY-MM (UTC).'),
  liveViews: z.number().describe('Times someone started watching a camera live (repeated views by one person within a minute count once).'),
  playbacks: z.number().describe('Recorded segments or event clips played.'),
  exports: z.number().describe('Recordings exported as files, subject-access exports (one person left visible, everyone else hidden) included.'),
  unredactedGrants: z.number().describe('Times someone was granted unredacted video, with a written reason.'),
  erasures: z.number().describe('Recordings deleted on request (erasure).'),
});

/** GET /api/transparency. */
export const transparencySchema = z
  .object({
    generatedAt: z.number().describe('When this was put together, epoch ms.'),
    url: z.string().describe('The address of the transparency page: what the printable sign\'s QR code holds.'),
    operator: z.object({
      name: z.string().nullable().describe('Who operates the cameras; null when not configured.'),
      contact: z.string().nullable().describe('How to reach the operator; null when not configured.'),
    }),
    cameras: z.array(transparencyCameraSchema),
    retention: z.array(retentionLineSchema),
    usage: z.object({
      months: z.array(usageMonthSchema).describe('The last 12 months, newest first; the first is the month so far.'),
      countedAt: z.number().describe('When the totals were counted, epoch ms (they are kept a few minutes).'),
    }),
    auditChain: z
      .object({
        verifiedAt: z.number().describe('When the hash chain of the audit log was last verified, epoch ms.'),
        intact: z.boolean().describe('Whether every entry was found unaltered, none removed.'),
        entries: z.number().nullable().describe('Entries verified, when intact.'),
        firstBadEntry: z.number().nullable().describe('The first entry found altered or missing, when not intact.'),
      })
      .describe('The audit log is hash-chained: an edited, removed or cut entry breaks the chain.'),
  })
  .describe('What the cameras are for, what they keep and for how long, and how they have been used.');

/** The transparency answer. */
export type Transparency = z.infer<typeof transparencySchema>;
