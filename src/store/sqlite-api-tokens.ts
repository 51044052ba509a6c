/**
 * API tokens on SQLite: the `api_tokens` table behind prepared statements; a token lives while its
 * creator is an enabled user of the same database. See ./api-tokens.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import {
  API_TOKEN_NAME_PATTERN,
  API_TOKEN_PATTERN,
  API_TOKEN_PREFIX,
  API_TOKEN_SCOPES,
  apiTokenHash,
  DEFAULT_API_TOKEN_TTL_MS,
  MAX_API_TOKEN_TTL_MS,
  type ApiTokenInfo,
  type ApiTokenScope,
  type ApiTokenStore,
  type ApiTokenStoreOptions,
  type NewApiToken,
} from './api-tokens.ts';

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

/** The API tokens of one database connection. */
export class SqliteApiTokenStore implements ApiTokenStore {
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
