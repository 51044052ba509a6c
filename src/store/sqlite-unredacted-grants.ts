/**
 * Grants of unredacted video on SQLite: the `unredacted_grants` table behind prepared statements.
 * See ./unredacted-grants.ts for the rules every implementation follows.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { scrubDeleted } from './sqlite-purge.ts';
import { checkTime, invalid } from './store-input.ts';
import { checkGrantReason, isGrantActive, type NewUnredactedGrant, type UnredactedGrant, type UnredactedGrantFilter, type UnredactedGrantStore } from './unredacted-grants.ts';

interface GrantRow {
  id: string;
  user_id: string;
  camera_id: string;
  reason: string;
  granted_at: number;
  expires_at: number;
  ended_at: number | null;
  ended_by: string | null;
}

const toGrant = (r: GrantRow): UnredactedGrant => ({
  id: r.id,
  cameraId: r.camera_id,
  userId: r.user_id,
  reason: r.reason,
  grantedAt: r.granted_at,
  expiresAt: r.expires_at,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
});

/** Default and largest page of {@link SqliteUnredactedGrantStore.list}. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Longest audit name recorded as who ended a grant, characters. */
const MAX_BY_LENGTH = 256;

/** Injected dependencies of the grant store. */
export interface UnredactedGrantStoreOptions {
  /** Makes grant ids. Default `crypto.randomUUID`. */
  readonly newId?: () => string;
}

/** The grants of one database connection; the connection stays the caller's. */
export class SqliteUnredactedGrantStore implements UnredactedGrantStore {
  readonly #db: Database;
  readonly #newId: () => string;
  readonly #s;

  /** A grant store over an open, migrated connection. */
  constructor(db: Database, options: UnredactedGrantStoreOptions = {}) {
    this.#db = db;
    this.#newId = options.newId ?? randomUUID;
    const active = 'ended_at IS NULL AND granted_at <= ? AND expires_at > ?';
    this.#s = {
      insert: db.prepare<[string, string, string, string, number, number]>('INSERT INTO unredacted_grants (id, user_id, camera_id, reason, granted_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      byId: db.prepare<[string], GrantRow>('SELECT * FROM unredacted_grants WHERE id = ?'),
      activeFor: db.prepare<[string, string, number, number], GrantRow>(`SELECT * FROM unredacted_grants WHERE user_id = ? AND camera_id = ? AND ${active} ORDER BY granted_at DESC, id DESC LIMIT 1`),
      activeOfUser: db.prepare<[string, number, number], GrantRow>(`SELECT * FROM unredacted_grants WHERE user_id = ? AND ${active}`),
      end: db.prepare<[number, string, string]>('UPDATE unredacted_grants SET ended_at = ?, ended_by = ? WHERE id = ?'),
      purge: db.prepare<[number]>('DELETE FROM unredacted_grants WHERE coalesce(ended_at, expires_at) < ?'),
      userExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM users WHERE id = ?'),
      cameraExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM cameras WHERE id = ?'),
    };
  }

  /**
   * Stores a new grant: STORE_INPUT_INVALID for a bad reason or times, USER_NOT_FOUND,
   * CAMERA_NOT_FOUND, and STORE_CONFLICT when the user already holds a grant of the camera active at
   * `grantedAt`.
   */
  add(input: NewUnredactedGrant): UnredactedGrant {
    const reason = checkGrantReason(input.reason);
    const grantedAt = checkTime('grantedAt', input.grantedAt);
    const expiresAt = checkTime('expiresAt', input.expiresAt);
    if (expiresAt <= grantedAt) throw invalid(`expiresAt (${expiresAt}) must be after grantedAt (${grantedAt})`);
    return this.#db.transaction((): UnredactedGrant => {
      if (this.#s.userExists.get(input.userId) === undefined) throw new SightlineError('USER_NOT_FOUND', `no user has the id ${input.userId}`);
      if (this.#s.cameraExists.get(input.cameraId) === undefined) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${input.cameraId}`);
      const held = this.#s.activeFor.get(input.userId, input.cameraId, grantedAt, grantedAt);
      if (held !== undefined) {
        throw new SightlineError('STORE_CONFLICT', `this user already sees camera ${input.cameraId} unredacted until ${new Date(held.expires_at).toISOString()}: end that grant first`);
      }
      const id = this.#newId();
      this.#s.insert.run(id, input.userId, input.cameraId, reason, grantedAt, expiresAt);
      return toGrant(this.#s.byId.get(id)!);
    }).immediate();
  }

  /** The grant with this id, if any. */
  get(id: string): UnredactedGrant | undefined {
    const row = this.#s.byId.get(id);
    return row === undefined ? undefined : toGrant(row);
  }

  /** The user's grant of the camera active at `now`, if any. */
  activeFor(userId: string, cameraId: string, now: number): UnredactedGrant | undefined {
    const row = this.#s.activeFor.get(userId, cameraId, now, now);
    return row === undefined ? undefined : toGrant(row);
  }

  /** The grants matching the filter, newest first; STORE_INPUT_INVALID for a bad limit or time. */
  list(filter: UnredactedGrantFilter = {}): UnredactedGrant[] {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be a whole number from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.userId !== undefined) {
      where.push('user_id = ?');
      args.push(filter.userId);
    }
    if (filter.cameraId !== undefined) {
      where.push('camera_id = ?');
      args.push(filter.cameraId);
    }
    if (filter.activeAt !== undefined) {
      const at = checkTime('activeAt', filter.activeAt);
      where.push('ended_at IS NULL AND granted_at <= ? AND expires_at > ?');
      args.push(at, at);
    }
    if (filter.inactiveAt !== undefined) {
      const at = checkTime('inactiveAt', filter.inactiveAt);
      where.push('NOT (ended_at IS NULL AND granted_at <= ? AND expires_at > ?)');
      args.push(at, at);
    }
    const sql = `SELECT * FROM unredacted_grants ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY granted_at DESC, id DESC LIMIT ?`;
    return this.#db.prepare<(string | number)[], GrantRow>(sql).all(...args, limit).map(toGrant);
  }

  /** Ends a grant early at `at`, by `by`; undefined when there is no such grant, unchanged when it is no longer active. */
  end(id: string, at: number, by: string): UnredactedGrant | undefined {
    checkTime('at', at);
    const who = checkBy(by);
    return this.#db.transaction((): UnredactedGrant | undefined => {
      const row = this.#s.byId.get(id);
      if (row === undefined) return undefined;
      const grant = toGrant(row);
      if (!isGrantActive(grant, at)) return grant;
      this.#s.end.run(at, who, id);
      return toGrant(this.#s.byId.get(id)!);
    }).immediate();
  }

  /** Deletes the grants that were over (ended or expired) before `time`. */
  purgeBefore(time: number): { readonly deleted: number } {
    checkTime('time', time);
    const deleted = this.#s.purge.run(time).changes;
    if (deleted > 0) scrubDeleted(this.#db);
    return { deleted };
  }

  /** Ends every grant of the user active at `at`, by `by`; returns those it ended. */
  endAllOf(userId: string, at: number, by: string): UnredactedGrant[] {
    checkTime('at', at);
    const who = checkBy(by);
    return this.#db.transaction((): UnredactedGrant[] => {
      const ended: UnredactedGrant[] = [];
      for (const row of this.#s.activeOfUser.all(userId, at, at)) {
        this.#s.end.run(at, who, row.id);
        ended.push(toGrant(this.#s.byId.get(row.id)!));
      }
      return ended;
    }).immediate();
  }
}

function checkBy(by: unknown): string {
  if (typeof by !== 'string' || by.trim() === '' || by.length > MAX_BY_LENGTH) throw invalid(`by must be a non-empty name of at most ${MAX_BY_LENGTH} characters`);
  return by;
}
