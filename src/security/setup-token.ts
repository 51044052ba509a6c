/**
 * The one-time setup link that creates the first admin, so that no default password ever exists.
 * The token is 32 random bytes (base64url); only its SHA-256 is stored. Creating a token replaces any
 * unused one, and no token can be created or used once an admin exists.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';

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

/** What {@link consumeSetupToken} decided. */
export type SetupTokenResult = { readonly ok: true } | { readonly ok: false; readonly reason: SetupTokenRefusal };

interface TokenRow {
  token_hash: string;
  expires_at: number;
  used_at: number | null;
}

/** The SHA-256 (hex) under which a token is stored. */
export function setupTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when any admin account exists, enabled or not: then setup is closed for good. */
export function adminExists(db: Database): boolean {
  return db.prepare<[], { one: number }>("SELECT 1 AS one FROM users WHERE role = 'admin' LIMIT 1").get() !== undefined;
}

/**
 * Makes a new setup token, stores its hash with its expiry, drops every unused older token, and
 * returns the token (to print as a link, never to store). Throws SETUP_CLOSED when an admin exists.
 */
export function createSetupToken(db: Database, options: CreateSetupTokenOptions): string {
  const ttlMs = options.ttlMs ?? DEFAULT_SETUP_TOKEN_TTL_MS;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`a setup token's lifetime must be a positive whole number of ms, got ${ttlMs}`);
  const token = (options.random ?? randomBytes)(SETUP_TOKEN_BYTES).toString('base64url');
  db.transaction(() => {
    if (adminExists(db)) throw new SightlineError('SETUP_CLOSED', 'an admin exists already, so no setup link can be made: sign in as that admin');
    db.prepare('DELETE FROM setup_tokens WHERE used_at IS NULL').run();
    db.prepare<[string, number, number]>('INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)').run(
      setupTokenHash(token),
      options.now,
      options.now + ttlMs,
    );
  }).immediate();
  return token;
}

/**
 * Uses up a setup token: ok once for a stored, unexpired, unused token while no admin exists;
 * otherwise the reason. Every stored hash is compared in constant time. Runs in one transaction and
 * may be called inside a caller's transaction (creating the first admin in the same one).
 */
export function consumeSetupToken(db: Database, token: string, now: number): SetupTokenResult {
  const given = Buffer.from(setupTokenHash(token), 'hex');
  return db.transaction((): SetupTokenResult => {
    if (adminExists(db)) return { ok: false, reason: 'closed' };
    let match: TokenRow | undefined;
    for (const row of db.prepare<[], TokenRow>('SELECT token_hash, expires_at, used_at FROM setup_tokens').all()) {
      // No early exit, so the time taken does not depend on which row matched.
      if (timingSafeEqual(Buffer.from(row.token_hash, 'hex'), given)) match = row;
    }
    if (match === undefined) return { ok: false, reason: 'invalid' };
    if (match.used_at !== null) return { ok: false, reason: 'used' };
    if (now >= match.expires_at) return { ok: false, reason: 'expired' };
    db.prepare<[number, string]>('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ?').run(now, match.token_hash);
    return { ok: true };
  })();
}

/**
 * Whether a setup token would be accepted now, without using it up: the same constant-time
 * comparison as {@link consumeSetupToken}, and a cheap one, so callers check it before costly work
 * (hashing the new admin's password) and consume it afterwards.
 */
export function checkSetupToken(db: Database, token: string, now: number): SetupTokenResult {
  if (adminExists(db)) return { ok: false, reason: 'closed' };
  const given = Buffer.from(setupTokenHash(token), 'hex');
  let match: TokenRow | undefined;
  for (const row of db.prepare<[], TokenRow>('SELECT token_hash, expires_at, used_at FROM setup_tokens').all()) {
    if (timingSafeEqual(Buffer.from(row.token_hash, 'hex'), given)) match = row;
  }
  if (match === undefined) return { ok: false, reason: 'invalid' };
  if (match.used_at !== null) return { ok: false, reason: 'used' };
  if (now >= match.expires_at) return { ok: false, reason: 'expired' };
  return { ok: true };
}
