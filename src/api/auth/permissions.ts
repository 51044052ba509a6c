/**
 * What a route may require of its caller, and which roles and token scopes grant it. Every route
 * declares one permission in its config; the guard (src/api/auth/guard.ts) enforces it.
 */
import { mayRequestUnredacted } from '../../core/access.ts';
import type { ApiTokenScope } from '../../store/api-tokens.ts';
import type { User, UserRole } from '../../store/users.ts';

/** Every permission a route can declare, from none to admin. */
export const PERMISSIONS = [
  'public',
  'authenticated',
  'session',
  'cameras:read',
  'events:read',
  'recordings:read',
  'recordings:export',
  'metrics:read',
  'video:unredacted',
  'admin',
] as const;

/**
 * A route's permission: `public` needs no credential; `authenticated` any signed-in user or valid
 * token; `session` a signed-in user (never a token); the scopes a role or token that grants them;
 * `video:unredacted` a signed-in operator or admin whose per-user flag an admin set (no role grants
 * it, no token ever has it); `admin` an admin's session.
 */
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['authenticated', 'session', 'cameras:read', 'events:read', 'recordings:read'];

/** The permissions that no role grants by itself: each user holds them only through a flag an admin set. */
export const PER_USER_PERMISSIONS: readonly Permission[] = ['video:unredacted'];

/** The permissions each role grants (the per-user ones of {@link PER_USER_PERMISSIONS} are never among them). */
export const ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly Permission[]>> = {
  viewer: VIEWER,
  operator: [...VIEWER, 'recordings:export'],
  admin: PERMISSIONS.filter((p) => p !== 'public' && !PER_USER_PERMISSIONS.includes(p)),
};

/** True when a user of this role has the permission. */
export function roleAllows(role: UserRole, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].includes(permission);
}

/** True when this user has the permission: their role's, and `video:unredacted` only by their own flag (see mayRequestUnredacted). */
export function userAllows(user: Pick<User, 'role' | 'disabled' | 'unredactedVideo'>, permission: Permission): boolean {
  if (permission === 'video:unredacted') return mayRequestUnredacted(user);
  return roleAllows(user.role, permission);
}

/** True when a token with these scopes has the permission (tokens never have `session`, `recordings:export`, `video:unredacted` or `admin`). */
export function scopesAllow(scopes: readonly ApiTokenScope[], permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  if (PER_USER_PERMISSIONS.includes(permission)) return false;
  return (scopes as readonly string[]).includes(permission);
}

/** True when the value is a permission, for checking route configs. */
export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}
