/** Review marks on SQLite: the `review_marks` table (migration 12). See ./review-marks.ts. */
import type { Database } from 'better-sqlite3';
import { MAX_REVIEW_MARKS, type ReviewMarkStore } from './review-marks.ts';
import { checkTime, invalid } from './store-input.ts';

/** Ids asked about in one statement, at most (SQLite's bound on parameters is far above). */
const CHUNK = 500;

/** The review marks of one database connection; the connection stays the caller's. */
export class SqliteReviewMarks implements ReviewMarkStore {
  readonly #db: Database;
  readonly #s;

  /** Review marks over an open, migrated connection. */
  constructor(db: Database) {
    this.#db = db;
    this.#s = {
      insert: db.prepare<[string, number, string]>('INSERT OR IGNORE INTO review_marks (user_id, event_id, reviewed_at) SELECT ?, id, ? FROM events WHERE id = ?'),
      remove: db.prepare<[string, string]>('DELETE FROM review_marks WHERE user_id = ? AND event_id = ?'),
    };
  }

  /** Marks the events reviewed or not for the user; returns how many marks changed (unknown event ids are skipped). */
  mark(userId: string, eventIds: readonly string[], reviewed: boolean, at: number): number {
    if (eventIds.length > MAX_REVIEW_MARKS) throw invalid(`at most ${MAX_REVIEW_MARKS} events can be marked at once, not ${eventIds.length}`);
    const time = checkTime('at', at);
    return this.#db.transaction((): number => {
      let changed = 0;
      for (const id of new Set(eventIds)) changed += (reviewed ? this.#s.insert.run(userId, time, id) : this.#s.remove.run(userId, id)).changes;
      return changed;
    })();
  }

  /** Which of the events the user has marked reviewed. */
  reviewedOf(userId: string, eventIds: readonly string[]): Set<string> {
    const out = new Set<string>();
    const ids = [...new Set(eventIds)];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const rows = this.#db.prepare<string[], { event_id: string }>(`SELECT event_id FROM review_marks WHERE user_id = ? AND event_id IN (${part.map(() => '?').join(', ')})`).all(userId, ...part);
      for (const r of rows) out.add(r.event_id);
    }
    return out;
  }
}
