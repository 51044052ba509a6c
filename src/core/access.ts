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

/** What decides whether a user may ask for unredacted video: their role, whether they are disabled, and the flag an admin set. */
export interface UnredactedHolder {
  readonly role: UserRole;
  readonly disabled: boolean;
  /** The per-user flag an admin sets; never true for a viewer. */
  readonly unredactedVideo: boolean;
}

/**
 * True when the user holds the `video:unredacted` permission: an enabled operator or admin whose
 * flag an admin set. Nobody holds it by role alone, admins included; viewers never.
 */
export function mayRequestUnredacted(user: UnredactedHolder): boolean {
  return user.unredactedVideo && !user.disabled && user.role !== 'viewer';
}

/** The shortest and longest written reason for unredacted video, in characters (Unicode code points) after trimming. */
export const UNREDACTED_REASON_CHARS = { min: 10, max: 500 } as const;
