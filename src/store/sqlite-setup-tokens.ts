/**
 * Setup tokens on SQLite: the `setup_tokens` table, with creation and use in transactions (use may
 * join a caller's transaction, as the first admin's creation does); see ./setup-tokens.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { newSetupToken, setupTokenHash, type CreateSetupTokenOptions, type SetupTokenResult } from '../security/setup-token.ts';
import type { SetupTokenStore } from './setup-tokens.ts';

interface TokenRow {
  token_hash: string;
  expires_at: number;
  used_at: number | null;
}

/** The setup tokens of one database; the connection stays the caller's. */
export class SqliteSetupTokenStore implements SetupTokenStore {
  readonly #db: Database;
  readonly #s;

  /** Setup tokens over an open, migrated connection. */
  constructor(db: Database) {
    this.#db = db;
    this.#s = {
      admin: db.prepare<[], { one: number }>("SELECT 1 AS one FROM users WHERE role = 'admin' LIMIT 1"),
      dropUnused: db.prepare('DELETE FROM setup_tokens WHERE used_at IS NULL'),
      insert: db.prepare<[string, number, number]>('INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)'),
      all: db.prepare<[], TokenRow>('SELECT token_hash, expires_at, used_at FROM setup_tokens'),
      use: db.prepare<[number, string]>('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ?'),
    };
  }

  adminExists(): boolean {
    return this.#s.admin.get() !== undefined;
  }

  create(options: CreateSetupTokenOptions): string {
    const made = newSetupToken(options);
    this.#db
      .transaction(() => {
        if (this.adminExists()) throw new SightlineError('SETUP_CLOSED', 'an admin exists already, so no setup link can be made: sign in as that admin');
        this.#s.dropUnused.run();
        this.#s.insert.run(made.hash, options.now, made.expiresAt);
      })
      .immediate();
    return made.token;
  }

  consume(token: string, now: number): SetupTokenResult {
    return this.#db.transaction((): SetupTokenResult => {
      const found = this.#find(token, now);
      if (!found.result.ok || found.hash === null) return found.result;
      this.#s.use.run(now, found.hash);
      return { ok: true };
    })();
  }

  check(token: string, now: number): SetupTokenResult {
    return this.#find(token, now).result;
  }

  #find(token: string, now: number): { readonly result: SetupTokenResult; readonly hash: string | null } {
    if (this.adminExists()) return { result: { ok: false, reason: 'closed' }, hash: null };
    const given = Buffer.from(setupTokenHash(token), 'hex');
    let match: TokenRow | undefined;
    for (const row of this.#s.all.all()) {
      // No early exit, so the time taken does not depend on which row matched.
      if (timingSafeEqual(Buffer.from(row.token_hash, 'hex'), given)) match = row;
    }
    if (match === undefined) return { result: { ok: false, reason: 'invalid' }, hash: null };
    if (match.used_at !== null) return { result: { ok: false, reason: 'used' }, hash: null };
    if (now >= match.expires_at) return { result: { ok: false, reason: 'expired' }, hash: null };
    return { result: { ok: true }, hash: match.token_hash };
  }
}
