/**
 * User and token shapes of the API (never a password hash or a token's hash). The schemas live in
 * `user-view.ts`, free of server code so that the web app can import them; this module re-exports
 * them and holds their enums to the stores' lists.
 */
import type { z } from 'zod';
import type { API_TOKEN_SCOPES } from '../../store/api-tokens.ts';
import type { USER_ROLES } from '../../store/users.ts';
import type { apiTokenScopeSchema, userRoleSchema } from './user-view.ts';

export { apiTokenSchema, apiTokenScopeSchema, passwordField, userRoleSchema, userSchema, userWithCamerasSchema } from './user-view.ts';

/** True when two types are the same set of values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Fail to compile when a store gains or loses a role or scope that the API's enums lack or keep.
const _roles: Same<(typeof USER_ROLES)[number], z.infer<typeof userRoleSchema>> = true;
const _scopes: Same<(typeof API_TOKEN_SCOPES)[number], z.infer<typeof apiTokenScopeSchema>> = true;
