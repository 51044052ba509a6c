/**
 * Shapes of the unredacted-video API without any server code behind them, shared with the web app:
 * a request (a written reason and a duration), a grant as the API shows it, and the request for a
 * subject-access export (a written reason).
 */
import { z } from 'zod';
import { UNREDACTED_REASON_CHARS } from '../../core/access.ts';

/** A written reason for seeing someone unredacted, trimmed. */
const reasonSchema = z.string().trim().min(UNREDACTED_REASON_CHARS.min).max(UNREDACTED_REASON_CHARS.max);

/** POST /api/cameras/:id/unredacted: why, and for how long. */
export const unredactedRequestSchema = z.strictObject({
  reason: reasonSchema.describe(`Why you need to see faces and heads (${UNREDACTED_REASON_CHARS.min} to ${UNREDACTED_REASON_CHARS.max} characters): kept with the grant and in the audit log.`),
  minutes: z.number().int().min(1).max(1440).optional().describe("How long, minutes: default `server.unredactedMinutes` (15), at most `server.unredactedMaxMinutes` (60)."),
});

/** One grant of unredacted video. */
export const unredactedGrantSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  userId: z.string(),
  userName: z.string().nullable().describe('The name of the user it was granted to; null when that user is gone.'),
  reason: z.string(),
  grantedAt: z.number().describe('Epoch ms.'),
  expiresAt: z.number().describe('Epoch ms at which it runs out.'),
  endedAt: z.number().nullable().describe('Epoch ms at which it was ended early; null when it was not.'),
  endedBy: z.string().nullable().describe('Who ended it early; null when nobody did.'),
  active: z.boolean().describe('Whether it lets its user see the camera unredacted now.'),
});

/** GET /api/unredacted-grants: the caller's grants (an admin's: everyone's), newest first. */
export const unredactedGrantListSchema = z.object({ grants: z.array(unredactedGrantSchema) });

/** POST /api/events/:id/subject-export.mp4: why this person's video is exported unredacted. */
export const subjectExportRequestSchema = z.strictObject({
  reason: reasonSchema.describe(
    `Why you export this person with their face and head visible and everyone else hidden, a subject-access request for instance (${UNREDACTED_REASON_CHARS.min} to ${UNREDACTED_REASON_CHARS.max} characters): kept in the audit log.`,
  ),
});
