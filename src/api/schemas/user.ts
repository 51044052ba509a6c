/**
 * User and token shapes of the API (never a password hash or a token's hash). The schemas live in
 * `user-view.ts`, free of server code so that the web app can import them; their role and scope
 * lists are core's (src/core/access.ts), the same the stores use.
 */
export { apiTokenSchema, apiTokenScopeSchema, passwordField, userRoleSchema, userSchema, userWithCamerasSchema } from './user-view.ts';
