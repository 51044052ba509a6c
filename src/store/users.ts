/**
 * The people who may sign in: accounts with argon2id password hashes (never returned), roles
 * admin / operator / viewer, per-camera permissions for operators and viewers, the first admin made
 * through the one-time setup link, and sign-in checks with throttling that never reveal whether a
 * user name exists. Implementations pass test/contracts/user-store-contract.ts.
 *
 * Reads and the permission checks are synchronous: the API's request hooks and camera filters call
 * them inline; writes that hash a password are async.
 */
import { SightlineError } from '../core/errors.ts';
import { checkPassword } from '../security/passwords.ts';
import type { SetupTokenRefusal } from '../security/setup-token.ts';

import { USER_ROLES, type UserRole } from '../core/access.ts';

export { USER_ROLES, type UserRole } from '../core/access.ts';

/** The rule for user names (after {@link normalizeUserName}): 3 to 32 of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit. */
export const USER_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** A user as the store shows it: never with the password hash. */
export interface User {
  readonly id: string;
  /** Normalised (lower-case) name, unique. */
  readonly name: string;
  readonly role: UserRole;
  /** Epoch ms. */
  readonly createdAt: number;
  /** A disabled user cannot sign in. */
  readonly disabled: boolean;
  /**
   * Whether an admin lets this user ask for unredacted video (with a written reason, for a limited
   * time, one camera): never true for a viewer. No role grants it by itself, admins included.
   */
  readonly unredactedVideo: boolean;
}

/** What is needed to create a user. */
export interface NewUser {
  readonly name: string;
  readonly password: string;
  readonly role: UserRole;
}

/** The outcome of a sign-in: the user, a lock with its remaining time, or invalid (wrong name, password or a disabled user, never saying which). */
export type LoginResult =
  | { readonly status: 'ok'; readonly user: User }
  | { readonly status: 'locked'; readonly retryAfterMs: number }
  | { readonly status: 'invalid' };

/** What {@link UserStore.changePassword} decided: done, throttled with its remaining time, or a wrong current password. */
export type PasswordChangeResult =
  | { readonly status: 'ok' }
  | { readonly status: 'locked'; readonly retryAfterMs: number }
  | { readonly status: 'invalid' };

/** Where a sign-in or password check comes from, for throttling. */
export interface AttemptOrigin {
  /** The remote address. */
  readonly remote: string;
  /** The time of the attempt, epoch ms. */
  readonly now: number;
  /** The id of a device cookie verified for this user name, if the attempt carried one. */
  readonly device?: string | undefined;
}

/** The changes an admin may make to a user at once; all are applied or none. */
export interface UserChanges {
  readonly role?: UserRole | undefined;
  readonly disabled?: boolean | undefined;
  readonly password?: string | undefined;
  /** Give (true) or take (false) the user's permission to ask for unredacted video; a viewer may not have it. */
  readonly unredactedVideo?: boolean | undefined;
}

/** A user name in its one stored spelling: Unicode NFKC, trimmed, lower-case. */
export function normalizeUserName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** Normalises a user name and checks it against {@link USER_NAME_PATTERN}; throws USER_INVALID. */
export function checkUserName(name: unknown): string {
  const n = typeof name === 'string' ? normalizeUserName(name) : '';
  if (!USER_NAME_PATTERN.test(n)) {
    throw new SightlineError('USER_INVALID', `the user name "${String(name)}" is not allowed: use 3 to 32 letters a-z, digits, dots, dashes or underscores, starting with a letter or digit`);
  }
  return n;
}

/** Checks a role; throws USER_INVALID. */
export function checkRole(role: unknown): UserRole {
  if (!USER_ROLES.includes(role as UserRole)) throw new SightlineError('USER_INVALID', `the role "${String(role)}" is not one of ${USER_ROLES.join(', ')}`);
  return role as UserRole;
}

/** Checks a new password against the policy for this user; throws PASSWORD_WEAK. */
export function checkPolicy(password: string, user: string): void {
  const check = checkPassword(password, { user });
  if (!check.ok) throw new SightlineError('PASSWORD_WEAK', check.problems.join(' '));
}

/** The error of a refused setup token: SETUP_CLOSED, else SETUP_TOKEN_INVALID. */
export function setupRefusal(reason: SetupTokenRefusal): SightlineError {
  if (reason === 'closed') return new SightlineError('SETUP_CLOSED', 'an admin exists already: sign in as that admin');
  return new SightlineError('SETUP_TOKEN_INVALID', `the setup link is ${reason === 'invalid' ? 'not valid' : reason}: restart the server for a new one`);
}

/** The users of one store; failures are SightlineErrors (USER_NOT_FOUND, USER_INVALID, PASSWORD_WEAK, STORE_CONFLICT, CAMERA_NOT_FOUND, SETUP_*). */
export interface UserStore {
  /**
   * Creates a user after checking the name (USER_INVALID), role (USER_INVALID) and password policy
   * (PASSWORD_WEAK); STORE_CONFLICT when the name is taken.
   */
  create(input: NewUser): Promise<User>;
  /**
   * Creates the first admin through the setup link: the token is used up and the admin inserted in
   * one transaction. SETUP_TOKEN_INVALID when the token is wrong, used or expired; SETUP_CLOSED when
   * an admin exists; USER_INVALID or PASSWORD_WEAK for the name or password (the token stays unused).
   */
  createFirstAdmin(token: string, input: { readonly name: string; readonly password: string }): Promise<User>;
  /** The user with this name (normalised first), if any. */
  findByName(name: string): User | undefined;
  /** The user with this id, if any. */
  findById(id: string): User | undefined;
  /** Every user, by name, without password hashes. */
  list(): User[];
  /**
   * Changes a user's own password after verifying the current one, throttled like a sign-in of
   * that user from `origin` (the same pair key, so guessing here and at sign-in share one count):
   * locked, invalid for a wrong current password, or ok. Throws USER_NOT_FOUND, and PASSWORD_WEAK
   * for a new password that breaks the policy or equals the old (checked before anything is counted).
   */
  changePassword(id: string, currentPassword: string, newPassword: string, origin: AttemptOrigin): Promise<PasswordChangeResult>;
  /**
   * An admin's change of a user's role, disabled flag, password and unredacted-video flag, all or
   * nothing: every change is checked first (USER_NOT_FOUND, USER_INVALID, also for the unredacted-video
   * flag on a user who is or becomes a viewer, PASSWORD_WEAK, STORE_CONFLICT when the user would stop
   * being the last enabled admin or the password changed meanwhile), then all are written in one
   * transaction. A user made a viewer loses the unredacted-video flag. Returns the user and whether
   * the password was changed.
   */
  update(id: string, changes: UserChanges): Promise<{ readonly user: User; readonly passwordChanged: boolean }>;
  /** Sets a user's password without the current one (an admin's reset): USER_NOT_FOUND or PASSWORD_WEAK. */
  setPassword(id: string, newPassword: string): Promise<void>;
  /** Disables or re-enables a user: USER_NOT_FOUND, or STORE_CONFLICT when it would disable the last enabled admin. */
  setDisabled(id: string, disabled: boolean): User;
  /** Changes a user's role (a new viewer loses the unredacted-video flag): USER_NOT_FOUND, USER_INVALID for an unknown role, or STORE_CONFLICT when it would demote the last enabled admin. */
  setRole(id: string, role: UserRole): User;
  /** How many enabled admins exist. */
  countAdmins(): number;
  /** Lets a user see a camera (no-op if already allowed): USER_NOT_FOUND or CAMERA_NOT_FOUND. */
  grantCamera(userId: string, cameraId: string): void;
  /** Takes a camera away from a user; true when it had been granted. */
  revokeCamera(userId: string, cameraId: string): boolean;
  /** Makes a user's grants exactly these cameras, all or nothing (USER_NOT_FOUND, CAMERA_NOT_FOUND); returns them sorted. */
  setCameras(userId: string, cameraIds: readonly string[]): string[];
  /** The camera ids granted to a user, sorted (admins see all cameras whatever this says). */
  camerasOf(userId: string): string[];
  /** True when the user may see the camera: never when disabled; admins every camera; others only those granted. */
  canViewCamera(user: Pick<User, 'id' | 'role' | 'disabled'>, cameraId: string): boolean;
  /**
   * Checks a sign-in, throttled as src/security/login-throttle.ts describes: locked when a key that
   * applies to the attempt is throttled (the password is then not checked). Otherwise one failure is
   * counted against those keys first, the password verified (against a dummy hash of the same cost
   * when there is no such user, so time and writes are the same), and on success the pair's
   * failures are cleared, the others' count taken back and the address remembered as known for the
   * name; an outdated hash is then upgraded. `device` is the id of a device cookie the caller
   * verified for this name.
   */
  checkLogin(name: string, password: string, remote: string, now: number, device?: string): Promise<LoginResult>;
  /** Deletes the throttling rows that no longer count at `now`, returning how many. */
  pruneLoginFailures(now: number): number;
}
