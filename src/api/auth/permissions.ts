/**
 * What a route may require of its caller, and which roles and token scopes grant it. Every route
 * declares one permission in its config; the guard (src/api/auth/guard.ts) enforces it.
 */
import type { ApiTokenScope } from '../../store/api-tokens.ts';
import type { UserRole } from '../../store/users.ts';

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
  'admin',
] as const;

/**
 * A route's permission: `public` needs no credential; `authenticated` any signed-in user or valid
 * token; `session` a signed-in user (never a token); the scopes a role or token that grants them;
 * `admin` an admin's session.
 */
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['authenticated', 'session', 'cameras:read', 'events:read', 'recordings:read'];

/** The permissions each role grants. */
export const ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly Permission[]>> = {
  viewer: VIEWER,
  operator: [...VIEWER, 'recordings:export'],
  admin: PERMISSIONS.filter((p) => p !== 'public'),
};

/** True when a user of this role has the permission. */
export function roleAllows(role: UserRole, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].includes(permission);
}

/** True when a token with these scopes has the permission (tokens never have `session`, `recordings:export` or `admin`). */
export function scopesAllow(scopes: readonly ApiTokenScope[], permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return (scopes as readonly string[]).includes(permission);
}

/** True when the value is a permission, for checking route configs. */
export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}
