/** User and token shapes of the API (never a password hash or a token's hash). */
import { z } from 'zod';
import { API_TOKEN_SCOPES } from '../../store/api-tokens.ts';
import { USER_ROLES } from '../../store/users.ts';

/** A user. */
export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  createdAt: z.number(),
  disabled: z.boolean(),
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
  scopes: z.array(z.enum(API_TOKEN_SCOPES)),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
