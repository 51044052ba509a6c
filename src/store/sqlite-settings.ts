/** The runtime settings in SQLite (table `runtime_settings`, migration 13). */
import type { Database } from 'better-sqlite3';
import type { JsonObject } from '../core/json.ts';
import type { SettingsStore, StoredSettings } from './settings.ts';

interface Row {
  readonly value: string;
  readonly sealed: Buffer | null;
  readonly updated_at: number;
  readonly updated_by: string;
}

/** {@link SettingsStore} over the embedded database. */
export class SqliteSettingsStore implements SettingsStore {
  readonly #read;
  readonly #write;
  readonly #remove;

  constructor(db: Database) {
    this.#read = db.prepare<[string], Row>('SELECT value, sealed, updated_at, updated_by FROM runtime_settings WHERE section = ?');
    this.#write = db.prepare<[string, string, Buffer | null, number, string]>(
      `INSERT INTO runtime_settings (section, value, sealed, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (section) DO UPDATE SET value = excluded.value, sealed = excluded.sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.#remove = db.prepare<[string]>('DELETE FROM runtime_settings WHERE section = ?');
  }

  read(section: string): StoredSettings | null {
    const row = this.#read.get(section);
    if (row === undefined) return null;
    return { value: JSON.parse(row.value) as JsonObject, sealed: row.sealed, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  write(section: string, s: StoredSettings): void {
    this.#write.run(section, JSON.stringify(s.value), s.sealed === null ? null : Buffer.from(s.sealed), s.updatedAt, s.updatedBy);
  }

  remove(section: string): boolean {
    return this.#remove.run(section).changes > 0;
  }
}
