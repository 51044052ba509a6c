/**
 * The one-time setup link that creates the first admin, so that no default password ever exists.
 * The token is 32 random bytes (base64url); only its SHA-256 is stored. Creating a token replaces any
 * unused one, and no token can be created or used once an admin exists. The tokens are kept by the
 * store (src/store/setup-tokens.ts); this file holds the token itself and its rules.
 */
import { createHash, randomBytes } from 'node:crypto';

/** How long a setup link stays valid by default: one hour. */
export const DEFAULT_SETUP_TOKEN_TTL_MS = 3_600_000;

/** Bytes of randomness in a token. */
export const SETUP_TOKEN_BYTES = 32;

/** How to make a setup token. */
export interface CreateSetupTokenOptions {
  /** The current time, epoch ms. */
  readonly now: number;
  /** How long the token stays valid, in ms. Default {@link DEFAULT_SETUP_TOKEN_TTL_MS}. */
  readonly ttlMs?: number;
  /** A source of random bytes, for tests. Default `crypto.randomBytes`. */
  readonly random?: (size: number) => Buffer;
}

/** Why a setup token was refused; `closed` means an admin exists already. */
export type SetupTokenRefusal = 'invalid' | 'used' | 'expired' | 'closed';

/** What consuming or checking a setup token decided. */
export type SetupTokenResult = { readonly ok: true } | { readonly ok: false; readonly reason: SetupTokenRefusal };

/** The SHA-256 (hex) under which a token is stored. */
export function setupTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Makes a new token (to print as a link, never to store) with its hash and expiry, from the
 * options; throws a RangeError on a lifetime that is not a positive whole number of ms.
 */
export function newSetupToken(options: CreateSetupTokenOptions): { readonly token: string; readonly hash: string; readonly expiresAt: number } {
  const ttlMs = options.ttlMs ?? DEFAULT_SETUP_TOKEN_TTL_MS;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`a setup token's lifetime must be a positive whole number of ms, got ${ttlMs}`);
  const token = (options.random ?? randomBytes)(SETUP_TOKEN_BYTES).toString('base64url');
  return { token, hash: setupTokenHash(token), expiresAt: options.now + ttlMs };
}
