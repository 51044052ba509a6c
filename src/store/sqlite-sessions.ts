/**
 * Sessions on SQLite: the `sessions` table behind prepared statements; see ./sessions.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { SESSION_TOKEN_BYTES, SESSION_TOKEN_PATTERN, sessionTokenHash, type Session, type SessionStore, type SessionStoreOptions } from './sessions.ts';

/** How long last_seen may lag behind, ms: a request within this of the last one writes nothing. */
const TOUCH_EVERY_MS = 1000;

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

/** The sessions of one database connection. */
export class SqliteSessionStore implements SessionStore {
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
