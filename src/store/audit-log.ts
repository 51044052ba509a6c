/**
 * The append-only, hash-chained audit log: every login, view, export and change, each entry sealed
 * by a SHA-256 over its fields and the previous entry's hash, with the newest (seq, hash) kept in
 * `audit_head` in the same transaction. Triggers refuse UPDATE and DELETE, so changing the record
 * takes deliberate tampering, which `verifyAuditLog` then finds: an edited entry (its hash no longer
 * matches), a removed one (a gap in seq or a broken prev link) and a cut tail (the head disagrees).
 *
 * What it cannot find: someone with write access to the file who rewrites the whole chain and the
 * head. Copying the head hash elsewhere (a log line, a remote) from time to time closes that gap.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { canonicalJson, parseJsonObject, type JsonObject } from './json.ts';
import { AUDIT_GENESIS_HASH } from './schema-v1.ts';
import { checkJson, checkOptionalText, checkText, checkTime, checkLimit } from './store-input.ts';

export { AUDIT_GENESIS_HASH };

/** What happened, by whom, to what. */
export interface NewAuditEntry {
  /** Who did it: a user name, an API token's name, or `system`. */
  readonly actor: string;
  /** What was done: login, login_failed, live_view, playback, export, config_change, user_change, delete, ... */
  readonly action: string;
  /** What it was done to (a camera id, a user name), when anything. */
  readonly target?: string | null;
  /** Anything else worth keeping (never a secret). Default `{}`. */
  readonly details?: JsonObject;
}

/** An entry as stored, with its place in the chain. */
export interface AuditEntry {
  readonly seq: number;
  /** Epoch ms. */
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: JsonObject;
  /** Hash of entry seq - 1, or {@link AUDIT_GENESIS_HASH} for entry 1. */
  readonly prevHash: string;
  /** SHA-256 hex of this entry, see {@link auditHash}. */
  readonly hash: string;
}

/** Which entries to list; every field narrows it. Entries come by seq. */
export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  /** Entries at or after this time, epoch ms. */
  readonly from?: number;
  /** Entries before this time, epoch ms. */
  readonly to?: number;
  /** Entries after this seq (paging). */
  readonly afterSeq?: number;
  /** At most this many, 1..1000; default 100. */
  readonly limit?: number;
}

/** The outcome of a verification: intact with its entry count, or the first entry that is wrong and why. */
export type AuditVerification = { readonly ok: true; readonly entries: number } | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

interface AuditRow {
  seq: number;
  time: number;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * The hash of an entry: SHA-256 (hex) of the JSON array [prevHash, seq, time, actor, action, target,
 * canonical JSON of details], so no field can bleed into its neighbour.
 */
export function auditHash(prevHash: string, seq: number, time: number, actor: string, action: string, target: string | null, details: JsonObject): string {
  const text = JSON.stringify([prevHash, seq, time, actor, action, target, canonicalJson(details)]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  time: r.time,
  actor: r.actor,
  action: r.action,
  target: r.target,
  details: parseJsonObject(r.details, `details of audit entry ${r.seq}`),
  prevHash: r.prev_hash,
  hash: r.hash,
});

function dbFailed(what: string, cause: unknown): SightlineError {
  return new SightlineError('DATABASE_FAILED', `could not ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

/** The audit log of one database connection. */
export class AuditLog {
  readonly #db: Database;
  readonly #now: () => number;

  /** An audit log over an open, migrated connection; `now` stamps entries (epoch ms, default `Date.now`). */
  constructor(db: Database, options: { readonly now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /** Appends one entry at the head of the chain, atomically with the head; STORE_INPUT_INVALID for an empty actor or action. */
  append(entry: NewAuditEntry): AuditEntry {
    const actor = checkText('actor', entry.actor);
    const action = checkText('action', entry.action);
    const target = checkOptionalText('target', entry.target);
    const details = parseJsonObject(checkJson('details', entry.details), 'details');
    const time = checkTime('time', this.#now());
    const db = this.#db;
    const write = db.transaction((): AuditEntry => {
      const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1').get();
      if (head === undefined) throw new Error('audit_head has no row');
      const seq = head.seq + 1;
      const hash = auditHash(head.hash, seq, time, actor, action, target, details);
      db.prepare<[number, number, string, string, string | null, string, string, string]>(
        'INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(seq, time, actor, action, target, canonicalJson(details), head.hash, hash);
      db.prepare<[number, string]>('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(seq, hash);
      return { seq, time, actor, action, target, details, prevHash: head.hash, hash };
    });
    try {
      return write.immediate();
    } catch (cause) {
      throw dbFailed('append to the audit log', cause);
    }
  }

  /** The entries that match, by seq; STORE_INPUT_INVALID for a bad range or limit. */
  list(filter: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (sql: string, value: string | number): void => {
      where.push(sql);
      params.push(value);
    };
    if (filter.actor !== undefined) add('actor = ?', checkText('actor', filter.actor));
    if (filter.action !== undefined) add('action = ?', checkText('action', filter.action));
    if (filter.target !== undefined) add('target = ?', checkText('target', filter.target));
    if (filter.from !== undefined) add('time >= ?', checkTime('from', filter.from));
    if (filter.to !== undefined) add('time < ?', checkTime('to', filter.to));
    if (filter.from !== undefined && filter.to !== undefined && filter.to <= filter.from) {
      throw new SightlineError('STORE_INPUT_INVALID', `the time range is empty or reversed: to (${filter.to}) must be after from (${filter.from})`);
    }
    if (filter.afterSeq !== undefined) {
      if (!Number.isSafeInteger(filter.afterSeq) || filter.afterSeq < 0) throw new SightlineError('STORE_INPUT_INVALID', `afterSeq must be a whole, non-negative number, got ${filter.afterSeq}`);
      add('seq > ?', filter.afterSeq);
    }
    const limit = checkLimit(filter.limit);
    const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    try {
      return this.#db.prepare<(string | number)[], AuditRow>(sql).all(...params, limit).map(toEntry);
    } catch (cause) {
      throw dbFailed('read the audit log', cause);
    }
  }
}

/**
 * Walks the whole chain in seq order and checks each entry's seq (1, 2, 3, ... without gaps), its link
 * to the previous hash and its own hash, then that the stored head matches the last entry. Returns the
 * first entry found wrong: for a removed entry, the first missing seq; for a cut tail, the first seq
 * past the last entry. Throws DATABASE_FAILED when the tables cannot be read at all.
 */
export function verifyAuditLog(db: Database): AuditVerification {
  try {
    return verify(db);
  } catch (cause) {
    if (cause instanceof BetterSqlite3.SqliteError) throw dbFailed('read the audit log', cause);
    throw cause;
  }
}

function verify(db: Database): AuditVerification {
  let expected = 1;
  let prev = AUDIT_GENESIS_HASH;
  const bad = (firstBadSeq: number, reason: string): AuditVerification => ({ ok: false, firstBadSeq, reason });
  for (const row of db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate()) {
    if (row.seq !== expected) {
      return bad(expected, `entry ${expected} is missing (the next stored entry is ${row.seq})`);
    }
    if (row.prev_hash !== prev) return bad(row.seq, `its prev_hash does not match the hash of entry ${row.seq - 1}: the chain is broken before it`);
    let details: JsonObject;
    try {
      details = parseJsonObject(row.details, 'details');
    } catch {
      return bad(row.seq, 'its details are not a JSON object');
    }
    if (auditHash(row.prev_hash, row.seq, row.time, row.actor, row.action, row.target, details) !== row.hash) {
      return bad(row.seq, 'its hash does not match its contents: the entry was edited');
    }
    prev = row.hash;
    expected += 1;
  }
  const last = expected - 1;
  const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1').get();
  if (head === undefined) return bad(last + 1, 'the audit head record is missing');
  if (head.seq > last) return bad(last + 1, `entries ${last + 1} to ${head.seq} are missing: the log was cut after entry ${last}`);
  if (head.seq < last) return bad(head.seq + 1, `entries from ${head.seq + 1} on were added behind the head (which ends at ${head.seq})`);
  if (head.hash !== prev) return bad(last, `the head hash disagrees with entry ${last}`);
  return { ok: true, entries: last };
}
