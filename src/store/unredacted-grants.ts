/**
 * Grants of unredacted video: one user may see one camera's video unredacted, for a limited time,
 * for a reason they wrote. A grant is active from `grantedAt` until `expiresAt`, or until it was
 * ended early (`endedAt`). Grants are kept (the audit log has each one too); ending one only marks
 * it. Implementations pass test/contracts/unredacted-grant-store-contract.ts.
 *
 * Reads and writes are synchronous, like the user store's: the code that shows video asks for the
 * active grant of each viewer inline.
 */
import { UNREDACTED_REASON_CHARS } from '../core/access.ts';
import { SightlineError } from '../core/errors.ts';

/** One grant of unredacted video. */
export interface UnredactedGrant {
  readonly id: string;
  readonly cameraId: string;
  /** The user it was granted to. */
  readonly userId: string;
  /** The written reason, trimmed. */
  readonly reason: string;
  /** Epoch ms. */
  readonly grantedAt: number;
  /** When it runs out, epoch ms (exclusive). */
  readonly expiresAt: number;
  /** When it was ended early, epoch ms; null when it was not. */
  readonly endedAt: number | null;
  /** Who ended it early (an audit name); null when it was not. */
  readonly endedBy: string | null;
}

/** What a new grant holds (the store gives it its id). */
export interface NewUnredactedGrant {
  readonly userId: string;
  readonly cameraId: string;
  readonly reason: string;
  readonly grantedAt: number;
  readonly expiresAt: number;
}

/** Which grants a list returns: all of them, or those of a user, of a camera, active at a time. */
export interface UnredactedGrantFilter {
  readonly userId?: string | undefined;
  readonly cameraId?: string | undefined;
  /** Only the grants active at this time, epoch ms. */
  readonly activeAt?: number | undefined;
  /** Only the grants not active at this time (not yet begun, expired or ended), epoch ms. */
  readonly inactiveAt?: number | undefined;
  /** At most this many, newest first (1 to 1000, default 100). */
  readonly limit?: number | undefined;
}

/** True when the grant lets its user see its camera unredacted at `now`: granted, not yet expired, not ended. */
export function isGrantActive(grant: Pick<UnredactedGrant, 'grantedAt' | 'expiresAt' | 'endedAt'>, now: number): boolean {
  return grant.endedAt === null && grant.grantedAt <= now && now < grant.expiresAt;
}

/** The reason, trimmed and checked: 10 to 500 characters (code points); throws STORE_INPUT_INVALID. */
export function checkGrantReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  const chars = [...text].length;
  if (chars < UNREDACTED_REASON_CHARS.min || chars > UNREDACTED_REASON_CHARS.max) {
    throw new SightlineError('STORE_INPUT_INVALID', `the reason for unredacted video must be ${UNREDACTED_REASON_CHARS.min} to ${UNREDACTED_REASON_CHARS.max} characters, not ${chars}: say why you need to see faces`);
  }
  return text;
}

/** The grants of one store; failures are SightlineErrors. */
export interface UnredactedGrantStore {
  /**
   * Stores a new grant: STORE_INPUT_INVALID for a bad reason (see {@link checkGrantReason}) or times
   * (whole epoch ms, `expiresAt` after `grantedAt`), USER_NOT_FOUND, CAMERA_NOT_FOUND, and
   * STORE_CONFLICT when the user already holds a grant of the camera active at `grantedAt`.
   */
  add(input: NewUnredactedGrant): UnredactedGrant;
  /** The grant with this id, if any. */
  get(id: string): UnredactedGrant | undefined;
  /** The user's grant of the camera active at `now`, if any (at most one is). */
  activeFor(userId: string, cameraId: string, now: number): UnredactedGrant | undefined;
  /** The grants matching the filter, newest first (by `grantedAt`, then id); STORE_INPUT_INVALID for a bad limit. */
  list(filter?: UnredactedGrantFilter): UnredactedGrant[];
  /**
   * Ends a grant early at `at`, by `by`: the grant as it is afterwards, undefined when there is no
   * such grant. A grant no longer active at `at` (expired, ended) is returned unchanged.
   */
  end(id: string, at: number, by: string): UnredactedGrant | undefined;
  /** Ends every grant of the user active at `at`, by `by` (the user lost the permission); returns those it ended. */
  endAllOf(userId: string, at: number, by: string): UnredactedGrant[];
  /** Deletes the grants over before `time` (ended, or expired, before it), as retention does with the audit log; grants still running at `time` stay. */
  purgeBefore(time: number): { readonly deleted: number };
}
