/**
 * The one-time setup tokens that create the first admin: stored as SHA-256 hashes with an expiry,
 * usable once and only while no admin exists. The token format and its lifetime are in
 * src/security/setup-token.ts; implementations pass test/contracts/setup-tokens-contract.ts.
 *
 * The interface is synchronous, like the user store's first-admin creation that consumes a token
 * in the same unit of work.
 */
import type { CreateSetupTokenOptions, SetupTokenResult } from '../security/setup-token.ts';

/** The setup tokens of one store. */
export interface SetupTokenStore {
  /** True when any admin account exists, enabled or not: then setup is closed for good. */
  adminExists(): boolean;
  /**
   * Makes a new setup token, stores its hash with its expiry, drops every unused older token, and
   * returns the token. Throws SETUP_CLOSED when an admin exists, RangeError on a bad lifetime.
   */
  create(options: CreateSetupTokenOptions): string;
  /** Uses up a token: ok once for a stored, unexpired, unused token while no admin exists; otherwise the reason. Stored hashes are compared in constant time. */
  consume(token: string, now: number): SetupTokenResult;
  /** Whether a token would be accepted now, without using it up (checked before costly work, consumed after it). */
  check(token: string, now: number): SetupTokenResult;
}
