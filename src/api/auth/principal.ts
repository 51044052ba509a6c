/**
 * Who is calling: a signed-in user (with the session behind the cookie) or a machine with an API
 * token. Routes use these helpers for audit names and camera visibility.
 */
import type { ApiTokenInfo } from '../../store/api-tokens.ts';
import type { Session } from '../../store/sessions.ts';
import type { User, UserStore } from '../../store/users.ts';

/** The authenticated caller of a request. */
export type Principal =
  | { readonly kind: 'user'; readonly user: User; readonly session: Session; readonly csrfToken: string }
  | { readonly kind: 'token'; readonly token: ApiTokenInfo };

/** The actor name in the audit log: the user's name, or `token:<name>`. */
export function actorOf(principal: Principal | null): string {
  if (principal === null) return 'anonymous';
  return principal.kind === 'user' ? principal.user.name : `token:${principal.token.name}`;
}

/**
 * The user whose camera grants the caller has: the signed-in user, or a token's creator as they are
 * now (so later grant, role and disable changes apply to the token at once); undefined when gone.
 */
export function granteeOf(users: UserStore, principal: Principal): User | undefined {
  return principal.kind === 'user' ? principal.user : users.findByName(principal.token.createdBy);
}

/** True when the caller may see the camera: what the role and grants of its user (a token's creator) allow. */
export function canSeeCamera(users: UserStore, principal: Principal, cameraId: string): boolean {
  const grantee = granteeOf(users, principal);
  return grantee !== undefined && users.canViewCamera(grantee, cameraId);
}

/** True when the caller sees every camera: its user (a token's creator) is an enabled admin. */
export function seesAllCameras(users: UserStore, principal: Principal): boolean {
  const grantee = granteeOf(users, principal);
  return grantee !== undefined && !grantee.disabled && grantee.role === 'admin';
}

/** The key of a caller for per-caller limits (live viewers, jobs): its user id or its token id. */
export function callerKey(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.user.id}` : `token:${principal.token.id}`;
}
