/**
 * API tokens for machines (Prometheus, scripts): `slt_` and 32 random bytes, shown once when made;
 * the database keeps only their SHA-256. Each token carries scopes from a fixed list, expires (after
 * 90 days unless told otherwise, never more than 365 days ahead), can be revoked, records when it
 * was last used, and lives only while the admin who made it exists and is enabled; it sees the
 * cameras its creator may see at the time of each use (see canSeeCamera in api/auth/principal.ts).
 * Implementations pass test/contracts/api-token-store-contract.ts.
 */
import { createHash } from 'node:crypto';

import type { ApiTokenScope } from '../core/access.ts';

export { API_TOKEN_SCOPES, type ApiTokenScope } from '../core/access.ts';

/** Prefix of every API token, so that leaked ones are easy to recognise and scan for. */
export const API_TOKEN_PREFIX = 'slt_';

/** The shape of an API token: the prefix and 32 bytes in base64url. */
export const API_TOKEN_PATTERN = /^slt_[A-Za-z0-9_-]{43}$/;

/** The rule for token names: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const API_TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A token as the store shows it: never its value or hash. */
export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly ApiTokenScope[];
  /** User name of the admin who made it: the token dies when that user is disabled or gone. */
  readonly createdBy: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms, or null for no expiry. */
  readonly expiresAt: number | null;
  /** Epoch ms, or null when never used. */
  readonly lastUsedAt: number | null;
  /** Epoch ms, or null while not revoked. */
  readonly revokedAt: number | null;
}

/** What is needed to make a token. */
export interface NewApiToken {
  readonly name: string;
  readonly scopes: readonly ApiTokenScope[];
  readonly createdBy: string;
  /** Epoch ms after now and at most {@link MAX_API_TOKEN_TTL_MS} ahead; absent for {@link DEFAULT_API_TOKEN_TTL_MS} from now. */
  readonly expiresAt?: number;
}

/** Injected dependencies of the token store. */
export interface ApiTokenStoreOptions {
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Makes token ids. Default `crypto.randomUUID`. */
  readonly newId?: () => string;
  /** Source of random bytes, for tests. Default `crypto.randomBytes`. */
  readonly random?: (size: number) => Buffer;
}

const DAY_MS = 86_400_000;

/** How long a token lives when its maker gives no expiry: 90 days. */
export const DEFAULT_API_TOKEN_TTL_MS = 90 * DAY_MS;

/** The furthest ahead a token's expiry may be: 365 days. */
export const MAX_API_TOKEN_TTL_MS = 365 * DAY_MS;

/** The SHA-256 (hex) under which an API token is stored. */
export function apiTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The API tokens of one store: synchronous, as the request hooks that check a bearer token call it inline. */
export interface ApiTokenStore {
  /**
   * Makes a token and returns its value (to show once) with its record. STORE_INPUT_INVALID for a bad
   * name, no or unknown scopes, or an expiry not in the future or more than 365 days ahead (absent:
   * 90 days); STORE_CONFLICT when the name is taken.
   */
  create(input: NewApiToken): { readonly token: string; readonly info: ApiTokenInfo };
  /** Every token, by name, revoked and expired ones included. */
  list(): ApiTokenInfo[];
  /** The token with this id, if any. */
  get(id: string): ApiTokenInfo | undefined;
  /** Revokes a token (again is a no-op) and returns it; NOT_FOUND when there is none. */
  revoke(id: string): ApiTokenInfo;
  /** Revokes every live token the user made (when they are disabled, so re-enabling them revives none); returns how many. */
  revokeBy(createdBy: string): number;
  /**
   * The record of the token with this id while it is still live by the same rule as {@link verify}
   * (for an open socket's re-check, which holds the record, not the value); null otherwise.
   */
  current(id: string): ApiTokenInfo | null;
  /**
   * The one check of a token, at every use (requests and the re-checks of open sockets): its record,
   * last use moved to now, while it is well-formed, known, unexpired, unrevoked and its creator
   * exists and is enabled; null otherwise.
   */
  verify(token: string): ApiTokenInfo | null;
}
