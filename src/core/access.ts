/**
 * The vocabulary of access: the roles a user may have and the scopes an API token may hold. One
 * list each, shared by the stores, the API's schemas and the web app.
 */

/** The roles a user may have, from most to least powerful. */
export const USER_ROLES = ['admin', 'operator', 'viewer'] as const;

/** A user's role: admins manage everything, operators use the cameras they are given, viewers only watch them. */
export type UserRole = (typeof USER_ROLES)[number];

/** The scopes an API token may hold. */
export const API_TOKEN_SCOPES = ['metrics:read', 'events:read', 'cameras:read', 'recordings:read'] as const;

/** One scope of an API token. */
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
