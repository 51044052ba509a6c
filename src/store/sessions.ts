/**
 * Sign-in sessions of people: a random 32-byte token lives only in the browser's cookie, the
 * database keeps its SHA-256. A session ends at its absolute expiry, after an idle time without
 * requests, when the user signs out, or when it is revoked (a password change ends the others).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/** Bytes of randomness in a session token. */
export const SESSION_TOKEN_BYTES = 32;

/** The shape of a session token: 32 bytes in base64url without padding. */
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** How long last_seen may lag behind, ms: a request within this of the last one writes nothing. */
const TOUCH_EVERY_MS = 1000;

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

interface SessionRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen: number;
  expires_at: number;
  remote: string | null;
}

const toSession = (r: SessionRow): Session => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeen: r.last_seen,
  expiresAt: r.expires_at,
  remote: r.remote,
});

/** The SHA-256 (hex) under which a session token is stored. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The sessions of one database connection. */
export class SessionStore {
  readonly #absoluteMs: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #random: (size: number) => Buffer;
  readonly #s;

  /** A session store over an open, migrated connection. */
  constructor(db: Database, options: SessionStoreOptions) {
    if (!(options.absoluteMs > 0 && options.idleMs > 0)) throw new RangeError('session lifetimes must be positive');
    this.#absoluteMs = Math.round(options.absoluteMs);
    this.#idleMs = Math.round(options.idleMs);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? randomBytes;
    this.#s = {
      insert: db.prepare<[string, string, number, number, number, string | null]>(
        'INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, remote) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      byHash: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?'),
      touch: db.prepare<[number, string]>('UPDATE sessions SET last_seen = ? WHERE token_hash = ?'),
      remove: db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?'),
      removeUser: db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
      removeUserExcept: db.prepare<[string, string]>('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?'),
      prune: db.prepare<[number, number]>('DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?'),
    };
  }

  /** Starts a session for a user and returns its token (for the cookie, never stored) with the session. */
  create(userId: string, remote: string | null): { readonly token: string; readonly session: Session } {
    const token = this.#random(SESSION_TOKEN_BYTES).toString('base64url');
    const now = this.#now();
    const hash = sessionTokenHash(token);
    this.#s.insert.run(hash, userId, now, now, now + this.#absoluteMs, remote === null ? null : remote.slice(0, 64));
    return { token, session: { tokenHash: hash, userId, createdAt: now, lastSeen: now, expiresAt: now + this.#absoluteMs, remote } };
  }

  /**
   * The live session of a token, its last_seen moved to now; null for a malformed, unknown, expired
   * or idle token (an ended session is deleted on the way).
   */
  resolve(token: string): Session | null {
    if (!SESSION_TOKEN_PATTERN.test(token)) return null;
    const hash = sessionTokenHash(token);
    const row = this.#s.byHash.get(hash);
    if (row === undefined) return null;
    const now = this.#now();
    if (now >= row.expires_at || now - row.last_seen >= this.#idleMs) {
      this.#s.remove.run(hash);
      return null;
    }
    if (now - row.last_seen >= TOUCH_EVERY_MS) this.#s.touch.run(now, hash);
    return toSession({ ...row, last_seen: Math.max(row.last_seen, now) });
  }

  /** The session with this token hash while it has not reached its absolute end (idle time not checked), else null. */
  get(tokenHash: string): Session | null {
    const row = this.#s.byHash.get(tokenHash);
    return row === undefined || this.#now() >= row.expires_at ? null : toSession(row);
  }

  /**
   * The session with this token hash while it is live by the same rule as {@link resolve} (absolute
   * end and idle time), without moving last_seen: for the re-checks of an open socket, which are not
   * requests of the person. Null once it has ended.
   */
  current(tokenHash: string): Session | null {
    const row = this.#s.byHash.get(tokenHash);
    const now = this.#now();
    return row === undefined || now >= row.expires_at || now - row.last_seen >= this.#idleMs ? null : toSession(row);
  }

  /** Ends the session with this token hash; true when there was one. */
  revoke(tokenHash: string): boolean {
    return this.#s.remove.run(tokenHash).changes > 0;
  }

  /** Ends every session of a user but the one with `keepTokenHash`, when given; returns how many ended. */
  revokeUser(userId: string, keepTokenHash?: string): number {
    return keepTokenHash === undefined ? this.#s.removeUser.run(userId).changes : this.#s.removeUserExcept.run(userId, keepTokenHash).changes;
  }

  /** Deletes the sessions that have ended by now, returning how many. */
  prune(): number {
    const now = this.#now();
    return this.#s.prune.run(now, now - this.#idleMs).changes;
  }
}
