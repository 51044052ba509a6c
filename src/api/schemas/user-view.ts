/**
 * User and token shapes of the API without any server code behind them, so that the browser app
 * can parse answers with the very schemas the routes declare. The role and scope lists are core's,
 * the stores' own.
 */
import { z } from 'zod';
import { API_TOKEN_SCOPES, USER_ROLES } from '../../core/access.ts';

/** A user's role, as the API names it. */
export const userRoleSchema = z.enum(USER_ROLES);

/** A scope an API token may hold. */
export const apiTokenScopeSchema = z.enum(API_TOKEN_SCOPES);

/** A user. */
export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: userRoleSchema,
  createdAt: z.number(),
  disabled: z.boolean(),
  unredactedVideo: z.boolean().describe('Whether an admin lets this user ask for unredacted video (with a written reason, for a limited time, one camera); never a viewer.'),
});

/** A user with the cameras granted to them. */
export const userWithCamerasSchema = userSchema.extend({
  cameras: z.array(z.string()).describe('Camera ids granted (admins see every camera whatever this says).'),
});

/** A password as a request carries it. */
export const passwordField = z.string().min(1).max(1024);

/** An API token's record. */
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiTokenScopeSchema),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
