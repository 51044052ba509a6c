/**
 * API tokens for machines (Prometheus, scripts): `slt_` and 32 random bytes, shown once when made;
 * the database keeps only their SHA-256. Each token carries scopes from a fixed list, expires (after
 * 90 days unless told otherwise, never more than 365 days ahead), can be revoked, records when it
 * was last used, and lives only while the admin who made it exists and is enabled; it sees the
 * cameras its creator may see at the time of each use (see canSeeCamera in api/auth/principal.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';

/** What a token may be allowed to do: read metrics, events (and the live feed), cameras or recordings. */
export const API_TOKEN_SCOPES = ['metrics:read', 'events:read', 'cameras:read', 'recordings:read'] as const;

/** One scope of an API token. */
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

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

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const DAY_MS = 86_400_000;

/** How long a token lives when its maker gives no expiry: 90 days. */
export const DEFAULT_API_TOKEN_TTL_MS = 90 * DAY_MS;

/** The furthest ahead a token's expiry may be: 365 days. */
export const MAX_API_TOKEN_TTL_MS = 365 * DAY_MS;

/** How often last_used_at is written at most per token, ms. */
const TOUCH_EVERY_MS = 60_000;

function parseScopes(text: string): ApiTokenScope[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((s): s is ApiTokenScope => (API_TOKEN_SCOPES as readonly unknown[]).includes(s)) : [];
}

const toInfo = (r: TokenRow): ApiTokenInfo => ({
  id: r.id,
  name: r.name,
  scopes: parseScopes(r.scopes),
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** The SHA-256 (hex) under which an API token is stored. */
export function apiTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The API tokens of one database connection. */
export class ApiTokenStore {
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #random: (size: number) => Buffer;
  readonly #s;

  /** A token store over an open, migrated connection. */
  constructor(db: Database, options: ApiTokenStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
    this.#random = options.random ?? randomBytes;
    this.#s = {
      insert: db.prepare<[string, string, string, string, string, number, number | null]>(
        'INSERT INTO api_tokens (id, name, token_hash, scopes, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      byId: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?'),
      byHash: db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE token_hash = ?'),
      all: db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY name'),
      revoke: db.prepare<[number, string]>('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      revokeBy: db.prepare<[number, string]>('UPDATE api_tokens SET revoked_at = ? WHERE created_by = ? AND revoked_at IS NULL'),
      touch: db.prepare<[number, string]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      creatorActive: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM users WHERE name = ? AND disabled = 0'),
    };
  }

  /**
   * Makes a token and returns its value (to show once) with its record. STORE_INPUT_INVALID for a bad
   * name, no or unknown scopes, or an expiry not in the future or more than 365 days ahead (absent:
   * 90 days); STORE_CONFLICT when the name is taken.
   */
  create(input: NewApiToken): { readonly token: string; readonly info: ApiTokenInfo } {
    const invalid = (message: string): SightlineError => new SightlineError('STORE_INPUT_INVALID', message);
    if (!API_TOKEN_NAME_PATTERN.test(input.name)) throw invalid('a token name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    const scopes = [...new Set(input.scopes)].sort();
    if (scopes.length === 0 || scopes.some((s) => !(API_TOKEN_SCOPES as readonly string[]).includes(s))) {
      throw invalid(`a token needs one or more scopes of ${API_TOKEN_SCOPES.join(', ')}`);
    }
    const now = this.#now();
    const expiresAt = input.expiresAt ?? now + DEFAULT_API_TOKEN_TTL_MS;
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= now) throw invalid('expiresAt must be a whole number of epoch ms in the future');
    if (expiresAt > now + MAX_API_TOKEN_TTL_MS) throw invalid('expiresAt may be at most 365 days ahead: make a new token when it ends');
    const token = API_TOKEN_PREFIX + this.#random(32).toString('base64url');
    const id = this.#newId();
    try {
      this.#s.insert.run(id, input.name, apiTokenHash(token), JSON.stringify(scopes), input.createdBy, now, expiresAt);
    } catch (cause) {
      if (cause instanceof BetterSqlite3.SqliteError && cause.code.startsWith('SQLITE_CONSTRAINT')) {
        throw new SightlineError('STORE_CONFLICT', `the token name ${input.name} is taken`, { cause });
      }
      throw cause;
    }
    return { token, info: toInfo(this.#s.byId.get(id)!) };
  }

  /** Every token, by name, revoked and expired ones included. */
  list(): ApiTokenInfo[] {
    return this.#s.all.all().map(toInfo);
  }

  /** The token with this id, if any. */
  get(id: string): ApiTokenInfo | undefined {
    const row = this.#s.byId.get(id);
    return row === undefined ? undefined : toInfo(row);
  }

  /** Revokes a token (again is a no-op) and returns it; NOT_FOUND when there is none. */
  revoke(id: string): ApiTokenInfo {
    this.#s.revoke.run(this.#now(), id);
    const row = this.#s.byId.get(id);
    if (row === undefined) throw new SightlineError('NOT_FOUND', 'no API token has this id');
    return toInfo(row);
  }

  /** Revokes every live token the user made (when they are disabled, so re-enabling them revives none); returns how many. */
  revokeBy(createdBy: string): number {
    return this.#s.revokeBy.run(this.#now(), createdBy).changes;
  }

  /** The one rule of a live token: unrevoked, unexpired, and its creator exists and is enabled. */
  #valid(row: TokenRow, now: number): boolean {
    if (row.revoked_at !== null || (row.expires_at !== null && now >= row.expires_at)) return false;
    return this.#s.creatorActive.get(row.created_by) !== undefined;
  }

  /**
   * The record of the token with this id while it is still live by the same rule as {@link verify}
   * (for an open socket's re-check, which holds the record, not the value); null otherwise.
   */
  current(id: string): ApiTokenInfo | null {
    const row = this.#s.byId.get(id);
    return row !== undefined && this.#valid(row, this.#now()) ? toInfo(row) : null;
  }

  /**
   * The one check of a token, at every use (requests and the re-checks of open sockets): its record,
   * last use moved to now, while it is well-formed, known, unexpired, unrevoked and its creator
   * exists and is enabled; null otherwise.
   */
  verify(token: string): ApiTokenInfo | null {
    if (!API_TOKEN_PATTERN.test(token)) return null;
    const row = this.#s.byHash.get(apiTokenHash(token));
    const now = this.#now();
    if (row === undefined || !this.#valid(row, now)) return null;
    if (row.last_used_at === null || now - row.last_used_at >= TOUCH_EVERY_MS) {
      this.#s.touch.run(now, row.id);
      return toInfo({ ...row, last_used_at: now });
    }
    return toInfo(row);
  }
}
