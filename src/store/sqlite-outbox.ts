/**
 * The outbox on SQLite: the `outbox` table (migration 3) behind prepared statements; see
 * ./outbox.ts for the rules every implementation follows.
 */
import type { Database, Statement } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { parseJsonObject, type JsonObject } from '../core/json.ts';
import { GAVE_UP, type Outbox, type OutboxItem } from './outbox.ts';

interface OutboxRow {
  id: number;
  channel: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt: number;
  last_error: string | null;
  delivered_at: number | null;
}

const CHANNEL = /^[A-Za-z0-9:_-]{1,80}$/;
const MAX_ERROR_LENGTH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    channel: row.channel,
    payload: parseJsonObject(row.payload, `outbox item ${row.id}`),
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttempt: row.next_attempt,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}

/** The durable queue of notifications in the embedded database; the connection stays the caller's. */
export class SqliteOutbox implements Outbox {
  private readonly insert: Statement<[string, string, number, number]>;
  private readonly dueStmt: Statement<{ now: number; limit: number; gaveUp: number }, OutboxRow>;
  private readonly headStmt: Statement<[string, number], OutboxRow>;
  private readonly channelsStmt: Statement<[number], { channel: string }>;
  private readonly getStmt: Statement<[number], OutboxRow>;
  private readonly deliveredStmt: Statement<[number, number]>;
  private readonly failedStmt: Statement<[string, number, number]>;
  private readonly retryStmt: Statement<{ channel: string; now: number; gaveUp: number }>;
  private readonly pendingStmt: Statement<[number], { n: number }>;
  private readonly undeliveredStmt: Statement<[], { n: number }>;
  private readonly pruneStmt: Statement<{ cutoff: number; gaveUp: number }>;

  /** An outbox over an open, migrated connection (see `openDatabase`). */
  constructor(db: Database) {
    this.insert = db.prepare('INSERT INTO outbox (channel, payload, created_at, next_attempt) VALUES (?, ?, ?, ?)');
    this.dueStmt = db.prepare(`
      SELECT o.* FROM outbox o
      WHERE o.delivered_at IS NULL AND o.next_attempt <= @now
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.channel = o.channel AND p.id < o.id AND p.delivered_at IS NULL AND p.next_attempt > @now AND p.next_attempt < @gaveUp)
      ORDER BY o.id LIMIT @limit`);
    this.headStmt = db.prepare('SELECT * FROM outbox WHERE channel = ? AND delivered_at IS NULL AND next_attempt < ? ORDER BY id LIMIT 1');
    this.channelsStmt = db.prepare('SELECT DISTINCT channel FROM outbox WHERE delivered_at IS NULL AND next_attempt < ? ORDER BY channel');
    this.getStmt = db.prepare('SELECT * FROM outbox WHERE id = ?');
    this.deliveredStmt = db.prepare('UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL');
    this.failedStmt = db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ? AND delivered_at IS NULL');
    this.retryStmt = db.prepare(
      'UPDATE outbox SET next_attempt = @now WHERE channel = @channel AND delivered_at IS NULL AND next_attempt > @now AND next_attempt < @gaveUp',
    );
    this.pendingStmt = db.prepare('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL AND next_attempt < ?');
    this.undeliveredStmt = db.prepare('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL');
    this.pruneStmt = db.prepare(
      'DELETE FROM outbox WHERE (delivered_at IS NOT NULL AND delivered_at < @cutoff) OR (delivered_at IS NULL AND next_attempt = @gaveUp AND created_at < @cutoff)',
    );
  }

  /** Queues a notification, due at once; returns its id. */
  enqueue(channel: string, payload: JsonObject, now: number): number {
    if (!CHANNEL.test(channel)) throw new SightlineError('STORE_INPUT_INVALID', `"${channel}" is not an outbox channel name`);
    const info = this.insert.run(channel, JSON.stringify(payload), now, now);
    return Number(info.lastInsertRowid);
  }

  /** Pending items that may be attempted at `now`, oldest first: per channel, those before the first item still waiting for a later retry. */
  due(now: number, limit: number): OutboxItem[] {
    return this.dueStmt.all({ now, limit, gaveUp: GAVE_UP }).map(toItem);
  }

  /** The oldest pending item of a channel (due or not), or null; given-up items are skipped. */
  head(channel: string): OutboxItem | null {
    const row = this.headStmt.get(channel, GAVE_UP);
    return row ? toItem(row) : null;
  }

  /** Channels that have pending items. */
  channels(): string[] {
    return this.channelsStmt.all(GAVE_UP).map((r) => r.channel);
  }

  /** One item by id, or null. */
  get(id: number): OutboxItem | null {
    const row = this.getStmt.get(id);
    return row ? toItem(row) : null;
  }

  /** Records a delivery. */
  markDelivered(id: number, at: number): void {
    this.deliveredStmt.run(at, id);
  }

  /** Records a failed attempt and when to try again. */
  markFailed(id: number, error: string, nextAttempt: number): void {
    this.failedStmt.run(error.slice(0, MAX_ERROR_LENGTH), nextAttempt, id);
  }

  /** Records a last failed attempt and gives the item up for good. */
  markGaveUp(id: number, error: string): void {
    this.failedStmt.run(error.slice(0, MAX_ERROR_LENGTH), GAVE_UP, id);
  }

  /** Makes every pending item of a channel due now (its far end came back); returns how many moved. */
  retryNow(channel: string, now: number): number {
    return this.retryStmt.run({ channel, now, gaveUp: GAVE_UP }).changes;
  }

  /** Items still to deliver (not given up). */
  pending(): number {
    return this.pendingStmt.get(GAVE_UP)?.n ?? 0;
  }

  /** Items not delivered, given up or not. */
  undelivered(): number {
    return this.undeliveredStmt.get()?.n ?? 0;
  }

  /** Deletes items delivered, and items given up, more than `days` days before `now`; returns how many. */
  prune(now: number, days: number): number {
    return this.pruneStmt.run({ cutoff: now - days * DAY_MS, gaveUp: GAVE_UP }).changes;
  }
}
