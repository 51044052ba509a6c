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

/** True when the caller may see the camera: tokens (already scope-checked) see every camera, users those their role and grants allow. */
export function canSeeCamera(users: UserStore, principal: Principal, cameraId: string): boolean {
  return principal.kind === 'token' || users.canViewCamera(principal.user, cameraId);
}
