/**
 * Sign-in sessions of people: a random 32-byte token lives only in the browser's cookie, the
 * database keeps its SHA-256. A session ends at its absolute expiry, after an idle time without
 * requests, when the user signs out, or when it is revoked (a password change ends the others).
 * Implementations pass test/contracts/session-store-contract.ts.
 */
import { createHash } from 'node:crypto';

/** Bytes of randomness in a session token. */
export const SESSION_TOKEN_BYTES = 32;

/** The shape of a session token: 32 bytes in base64url without padding. */
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Lifetimes and injected dependencies of the session store. */
export interface SessionStoreOptions {
  /** Absolute lifetime of a session, ms. */
  readonly absoluteMs: number;
  /** A session without requests for this long ends, ms. */
  readonly idleMs: number;
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Source of random bytes, for tests. Default `crypto.randomBytes`. */
  readonly random?: (size: number) => Buffer;
}

/** A live session as the store shows it (never with its token). */
export interface Session {
  /** SHA-256 hex of the token: the session's id. */
  readonly tokenHash: string;
  readonly userId: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms of the latest request. */
  readonly lastSeen: number;
  /** Epoch ms of the absolute end. */
  readonly expiresAt: number;
  readonly remote: string | null;
}

/** The SHA-256 (hex) under which a session token is stored. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The sessions of one store: synchronous, as the request hooks that resolve a cookie call it inline. */
export interface SessionStore {
  /** Starts a session for a user and returns its token (for the cookie, never stored) with the session. */
  create(userId: string, remote: string | null): { readonly token: string; readonly session: Session };
  /**
   * The live session of a token, its last_seen moved to now; null for a malformed, unknown, expired
   * or idle token (an ended session is deleted on the way).
   */
  resolve(token: string): Session | null;
  /** The session with this token hash while it has not reached its absolute end (idle time not checked), else null. */
  get(tokenHash: string): Session | null;
  /**
   * The session with this token hash while it is live by the same rule as {@link resolve} (absolute
   * end and idle time), without moving last_seen: for the re-checks of an open socket, which are not
   * requests of the person. Null once it has ended.
   */
  current(tokenHash: string): Session | null;
  /** Ends the session with this token hash; true when there was one. */
  revoke(tokenHash: string): boolean;
  /** Ends every session of a user but the one with `keepTokenHash`, when given; returns how many ended. */
  revokeUser(userId: string, keepTokenHash?: string): number;
  /** Deletes the sessions that have ended by now, returning how many. */
  prune(): number;
}
