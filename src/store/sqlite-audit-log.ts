/**
 * The audit log on SQLite: `audit_log` and `audit_head` (whose triggers refuse UPDATE and DELETE),
 * each append one immediate transaction; and the chain check over a database. See ./audit-log.ts.
 */
import { createHmac } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { auditHash, auditMac, type AuditEntry, type AuditFilter, type AuditLog, type AuditPurge, type AuditVerification, type NewAuditEntry } from './audit-log.ts';
import { canonicalJson, parseJsonObject, type JsonObject } from '../core/json.ts';
import { AUDIT_GENESIS_HASH } from './schema-v1.ts';
import { scrubDeleted } from './sqlite-purge.ts';
import { checkJson, checkLimit, checkOptionalText, checkText, checkTime } from './store-input.ts';

/** A row of the `audit_log` table as SQLite returns it. */
export interface AuditRow {
  seq: number;
  time: number;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** The seal of the head: HMAC-SHA256 (hex) over its seq, hash and first keyed seq. */
function headSeal(key: Uint8Array, seq: number, hash: string, keyedFrom: number): string {
  return createHmac('sha256', key).update(JSON.stringify(['audit_head', seq, hash, keyedFrom]), 'utf8').digest('hex');
}

/** The seal of the retention checkpoint: HMAC-SHA256 (hex) over its seq, hash and time. */
function checkpointSeal(key: Uint8Array, seq: number, hash: string, time: number | null): string {
  return createHmac('sha256', key).update(JSON.stringify(['audit_checkpoint', seq, hash, time]), 'utf8').digest('hex');
}

interface CheckpointRow {
  seq: number;
  hash: string;
  time: number | null;
  seal: string | null;
}

/** The retention checkpoint; none deleted (seq 0, the genesis hash) on a database that predates it (read-only opens skip migrations). */
function readCheckpoint(db: Database): CheckpointRow {
  const table = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'audit_checkpoint'").get();
  const none: CheckpointRow = { seq: 0, hash: AUDIT_GENESIS_HASH, time: null, seal: null };
  if (table === undefined || table.n === 0) return none;
  return db.prepare<[], CheckpointRow>('SELECT seq, hash, time, seal FROM audit_checkpoint WHERE id = 1').get() ?? none;
}

interface HeadRow {
  seq: number;
  hash: string;
  keyed_from: number | null;
  seal: string | null;
}

/** The head row, with NULL keying columns on a database that predates them (read-only opens skip migrations). */
function readHead(db: Database): HeadRow | undefined {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('audit_head')").all().map((c) => c.name);
  if (!columns.includes('seal')) {
    const old = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1').get();
    return old && { ...old, keyed_from: null, seal: null };
  }
  return db.prepare<[], HeadRow>('SELECT seq, hash, keyed_from, seal FROM audit_head WHERE id = 1').get();
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
export class SqliteAuditLog implements AuditLog {
  readonly #db: Database;
  readonly #now: () => number;
  readonly #key: Buffer | undefined;

  /**
   * An audit log over an open, migrated connection; `now` stamps entries (epoch ms, default `Date.now`).
   * With `key` (see {@link auditKeyFromSecret}) new entries and the head are sealed with it; the first
   * keyed open of a log marks where keying starts. Without one, a log that is already keyed refuses appends.
   */
  constructor(db: Database, options: { readonly now?: () => number; readonly key?: Uint8Array } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#key = options.key === undefined ? undefined : Buffer.from(options.key);
    const key = this.#key;
    if (key !== undefined) {
      const start = db.transaction(() => {
        const head = readHead(db);
        if (head === undefined || head.keyed_from !== null) return;
        const keyedFrom = head.seq + 1;
        db.prepare<[number, string]>('UPDATE audit_head SET keyed_from = ?, seal = ? WHERE id = 1').run(keyedFrom, headSeal(key, head.seq, head.hash, keyedFrom));
        // A checkpoint left by an unkeyed purge is trusted once, with the rest of the unkeyed log.
        const cp = readCheckpoint(db);
        if (cp.seq > 0 && cp.seal === null) db.prepare<[string]>('UPDATE audit_checkpoint SET seal = ? WHERE id = 1').run(checkpointSeal(key, cp.seq, cp.hash, cp.time));
      });
      try {
        start.immediate();
      } catch (cause) {
        throw dbFailed('start keying the audit log', cause);
      }
    }
  }

  /** Verifies the whole chain with this log's key (if any), see {@link verifyAuditLog}. */
  verify(): AuditVerification {
    return verifyAuditLog(this.#db, this.#key === undefined ? {} : { key: this.#key });
  }

  /** The newest entry's seq and hash, to keep elsewhere and compare later (a cut tail shows against it). */
  head(): { readonly seq: number; readonly hash: string } {
    const head = readHead(this.#db);
    if (head === undefined) throw new Error('audit_head has no row');
    return { seq: head.seq, hash: head.hash };
  }

  /** Appends one entry at the head of the chain, atomically with the head; STORE_INPUT_INVALID for an empty actor or action. */
  append(entry: NewAuditEntry): AuditEntry {
    const actor = checkText('actor', entry.actor);
    const action = checkText('action', entry.action);
    const target = checkOptionalText('target', entry.target);
    const details = parseJsonObject(checkJson('details', entry.details), 'details');
    const time = checkTime('time', this.#now());
    try {
      return this.#db.transaction(() => this.#append(actor, action, target, details, time)).immediate();
    } catch (cause) {
      throw dbFailed('append to the audit log', cause);
    }
  }

  /** Retention: deletes the entries before the first one written at or after `time`, behind a sealed checkpoint, and records it. */
  purgeBefore(time: number): AuditPurge {
    checkTime('time', time);
    const db = this.#db;
    const purge = db.transaction((): AuditPurge => {
      const cp = readCheckpoint(db);
      const head = readHead(db);
      if (head === undefined) throw new Error('audit_head has no row');
      const firstKept = db.prepare<[number], { seq: number | null }>('SELECT min(seq) AS seq FROM audit_log WHERE time >= ?').get(time)?.seq ?? null;
      const through = firstKept === null ? head.seq : firstKept - 1;
      if (through <= cp.seq) return { deleted: 0, throughSeq: cp.seq };
      if (head.keyed_from !== null && this.#key === undefined) throw new Error('the audit log is keyed with the server secret, and this connection has no key');
      const last = db.prepare<[number], { hash: string; time: number }>('SELECT hash, time FROM audit_log WHERE seq = ?').get(through);
      if (last === undefined) throw new Error(`audit entry ${through} is missing: run "sightline audit verify"`);
      const seal = this.#key === undefined ? null : checkpointSeal(this.#key, through, last.hash, last.time);
      db.prepare<[number, string, number, string | null]>('UPDATE audit_checkpoint SET seq = ?, hash = ?, time = ?, seal = ? WHERE id = 1').run(through, last.hash, last.time, seal);
      const deleted = db.prepare<[number]>('DELETE FROM audit_log WHERE seq <= ?').run(through).changes;
      this.#append('system', 'audit_purge', null, { before: time, deleted, throughSeq: through }, checkTime('time', this.#now()));
      return { deleted, throughSeq: through };
    });
    let result: AuditPurge;
    try {
      result = purge.immediate();
    } catch (cause) {
      throw dbFailed('purge the audit log', cause);
    }
    if (result.deleted > 0) scrubDeleted(db);
    return result;
  }

  /** Appends one checked entry at the head, inside the caller's transaction. */
  #append(actor: string, action: string, target: string | null, details: JsonObject, time: number): AuditEntry {
    const db = this.#db;
    const head = readHead(db);
    if (head === undefined) throw new Error('audit_head has no row');
    const key = this.#key;
    if (head.keyed_from !== null && key === undefined) throw new Error('the audit log is keyed with the server secret, and this connection has no key');
    const seq = head.seq + 1;
    const hash = key === undefined ? auditHash(head.hash, seq, time, actor, action, target, details) : auditMac(key, head.hash, seq, time, actor, action, target, details);
    db.prepare<[number, number, string, string, string | null, string, string, string]>(
      'INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(seq, time, actor, action, target, canonicalJson(details), head.hash, hash);
    if (key === undefined || head.keyed_from === null) db.prepare<[number, string]>('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(seq, hash);
    else db.prepare<[number, string, string]>('UPDATE audit_head SET seq = ?, hash = ?, seal = ? WHERE id = 1').run(seq, hash, headSeal(key, seq, hash, head.keyed_from));
    return { seq, time, actor, action, target, details, prevHash: head.hash, hash };
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

  /** How many entries each action has in `[from, to)`; STORE_INPUT_INVALID for a bad range. */
  countByAction(from: number, to: number): Readonly<Record<string, number>> {
    return countByAction(this.#db, from, to);
  }
}

/** How many entries each action has in `[from, to)` (see {@link AuditLog.countByAction}). */
function countByAction(db: Database, from: number, to: number): Record<string, number> {
  checkTime('from', from);
  checkTime('to', to);
  if (to <= from) throw new SightlineError('STORE_INPUT_INVALID', `the time range is empty or reversed: to (${to}) must be after from (${from})`);
  try {
    const rows = db.prepare<[number, number], { action: string; n: number }>('SELECT action, count(*) AS n FROM audit_log WHERE time >= ? AND time < ? GROUP BY action ORDER BY action').all(from, to);
    return Object.fromEntries(rows.map((r) => [r.action, r.n]));
  } catch (cause) {
    throw dbFailed('count the audit log', cause);
  }
}

/**
 * Walks the whole chain in seq order and checks each entry's seq (1, 2, 3, ... without gaps), its link
 * to the previous hash and its own hash, then that the stored head matches the last entry. With `key`,
 * entries from the head's `keyed_from` on must carry HMACs under it and the head's seal must match; a
 * log that was never keyed, or had its keying removed, then fails too. Without a key, a keyed log
 * fails (it cannot be checked). Returns the first entry found wrong: for a removed entry, the first
 * missing seq; for a cut tail, the first seq past the last entry. Throws DATABASE_FAILED when the
 * tables cannot be read at all.
 */
export function verifyAuditLog(db: Database, options: { readonly key?: Uint8Array } = {}): AuditVerification {
  try {
    return verify(db, options.key);
  } catch (cause) {
    if (cause instanceof BetterSqlite3.SqliteError) throw dbFailed('read the audit log', cause);
    throw cause;
  }
}

function verify(db: Database, key: Uint8Array | undefined): AuditVerification {
  const bad = (firstBadSeq: number, reason: string): AuditVerification => ({ ok: false, firstBadSeq, reason });
  const head = readHead(db);
  if (head === undefined) return bad(1, 'the audit head record is missing');
  const cp = readCheckpoint(db);
  let expected = cp.seq + 1;
  let prev = cp.hash;
  const keyedFrom = head.keyed_from;
  if (keyedFrom !== null && key === undefined) return bad(Math.max(keyedFrom, expected), `entries from ${keyedFrom} on are sealed with the server's key: verify needs the secret key file of the data directory`);
  if (key !== undefined) {
    if (keyedFrom === null || head.seal === null) return bad(expected, "the log is not sealed with the server's key: its keying was removed, or no server of this version has opened it yet");
    if (cp.seq > 0 && cp.seal !== checkpointSeal(key, cp.seq, cp.hash, cp.time)) {
      return bad(expected, `the retention checkpoint (entries 1 to ${cp.seq} deleted) does not match its seal under the server's key: entries were removed from the start of the log`);
    }
  }
  for (const row of db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate()) {
    if (row.seq !== expected) {
      return bad(expected, `entry ${expected} is missing (the next stored entry is ${row.seq})`);
    }
    if (row.prev_hash !== prev) {
      return bad(row.seq, row.seq === cp.seq + 1 && cp.seq > 0 ? `its prev_hash does not match the retention checkpoint (the hash of entry ${cp.seq}, the last one deleted)` : `its prev_hash does not match the hash of entry ${row.seq - 1}: the chain is broken before it`);
    }
    let details: JsonObject;
    try {
      details = parseJsonObject(row.details, 'details');
    } catch {
      return bad(row.seq, 'its details are not a JSON object');
    }
    const keyed = key !== undefined && keyedFrom !== null && row.seq >= keyedFrom;
    const want = keyed ? auditMac(key, row.prev_hash, row.seq, row.time, row.actor, row.action, row.target, details) : auditHash(row.prev_hash, row.seq, row.time, row.actor, row.action, row.target, details);
    if (want !== row.hash) {
      return bad(row.seq, 'its hash does not match its contents: the entry was edited');
    }
    prev = row.hash;
    expected += 1;
  }
  const last = expected - 1;
  if (head.seq > last) return bad(last + 1, `entries ${last + 1} to ${head.seq} are missing: the log was cut after entry ${last}`);
  if (head.seq < last) return bad(head.seq + 1, `entries from ${head.seq + 1} on were added behind the head (which ends at ${head.seq})`);
  if (head.hash !== prev) return bad(last, `the head hash disagrees with entry ${last}`);
  if (key !== undefined && keyedFrom !== null && head.seal !== headSeal(key, head.seq, head.hash, keyedFrom)) {
    return bad(Math.min(keyedFrom, last + 1), "the head's seal does not match the server's key: the head was moved back (a cut tail) or the keying changed");
  }
  return { ok: true, entries: last - cp.seq, ...(cp.seq > 0 && { purgedThrough: cp.seq }) };
}
