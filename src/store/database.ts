/**
 * Opening the embedded SQLite database: the file in the data directory, the settings that make it
 * safe to share between the server and the CLI (WAL, foreign keys, a busy timeout), `secure_delete`
 * (deleted rows are overwritten, so retention and erasure leave nothing readable), and migrations.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { applyMigrations, assertNotNewer, MIGRATIONS, type Migration } from './migrations.ts';

/** Name of the database file inside the data directory. */
export const DATABASE_FILE_NAME = 'sightline.db';

/** How long a statement waits for another connection's write lock before failing, in milliseconds. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The database file of a data directory. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME);
}

/** How to open the database. */
export interface OpenDatabaseOptions {
  /** Open without writing: no migrations, no journal change; the file must exist. Default false. */
  readonly readonly?: boolean;
  /** Fail with DATABASE_NOT_FOUND instead of creating a missing file. Default false (always true when read-only). */
  readonly mustExist?: boolean;
  /** Migrations to apply when opening read-write. Default {@link MIGRATIONS}. */
  readonly migrations?: readonly Migration[];
  /** The clock that stamps applied migrations, in epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Busy timeout in milliseconds. Default {@link DEFAULT_BUSY_TIMEOUT_MS}. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (or creates, with its folder) the database file, sets WAL journaling, foreign keys and a busy
 * timeout, and applies pending migrations. Throws DATABASE_NOT_FOUND, DATABASE_TOO_NEW or
 * DATABASE_FAILED (not a database, unreadable, a failed migration).
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const readonly = options.readonly ?? false;
  const migrations = options.migrations ?? MIGRATIONS;
  if ((readonly || options.mustExist === true) && !existsSync(file)) {
    throw new SightlineError('DATABASE_NOT_FOUND', `no database at ${file}: give the data directory with --data-dir or SIGHTLINE_DATA_DIR`);
  }
  let db: Database;
  try {
    if (!readonly) mkdirSync(path.dirname(file), { recursive: true });
    db = new BetterSqlite3(file, { readonly, fileMustExist: readonly || options.mustExist === true, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (cause) {
    throw new SightlineError('DATABASE_FAILED', `cannot open the database ${file}: ${messageOf(cause)}`, { cause });
  }
  try {
    configure(db, readonly);
    if (readonly) assertNotNewer(db, migrations);
    else applyMigrations(db, migrations, options.now);
  } catch (cause) {
    db.close();
    if (cause instanceof SightlineError) throw cause;
    throw new SightlineError('DATABASE_FAILED', `cannot use the database ${file}: ${messageOf(cause)}`, { cause });
  }
  return db;
}

function configure(db: Database, readonly: boolean): void {
  if (!readonly) {
    // WAL: readers never block the writer, and a crash never leaves a half-written page.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`the journal mode stayed "${String(mode)}" instead of WAL`);
    // In WAL, NORMAL loses no committed transaction when the process dies, only on power loss.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  // Deleted rows (retention, erasure) are overwritten with zeros, not left readable in free pages.
  db.pragma('secure_delete = ON');
  // Reading the schema fails here, not later, when the file is not a database.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
