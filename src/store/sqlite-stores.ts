/**
 * The embedded store, whole: every repository of the NVR built over one SQLite database file (opened,
 * created and migrated as needed), and closed together. The composition root calls this and sees
 * only the interfaces; a PostgreSQL build would offer the same shape.
 */
import type { Argon2Params } from '../security/passwords.ts';
import type { ApiTokenStore } from './api-tokens.ts';
import type { AuditLog, AuditVerification } from './audit-log.ts';
import { openDatabase, type OpenDatabaseOptions } from './database.ts';
import type { EventStore } from './event-store.ts';
import type { Outbox } from './outbox.ts';
import type { RedactionBoxStore } from './redaction-boxes.ts';
import type { ReviewMarkStore } from './review-marks.ts';
import type { SegmentIndex } from './segment-index.ts';
import type { SessionStore } from './sessions.ts';
import type { SetupTokenStore } from './setup-tokens.ts';
import type { SettingsStore } from './settings.ts';
import { SqliteSettingsStore } from './sqlite-settings.ts';
import { SqliteApiTokenStore } from './sqlite-api-tokens.ts';
import { SqliteAuditLog, verifyAuditLog } from './sqlite-audit-log.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';
import { SqliteOutbox } from './sqlite-outbox.ts';
import { SqliteRedactionBoxes } from './sqlite-redaction-boxes.ts';
import { SqliteReviewMarks } from './sqlite-review-marks.ts';
import { SqliteSegmentIndex } from './sqlite-segment-index.ts';
import { SqliteSessionStore } from './sqlite-sessions.ts';
import { SqliteSetupTokenStore } from './sqlite-setup-tokens.ts';
import { SqliteUnredactedGrantStore } from './sqlite-unredacted-grants.ts';
import { SqliteUserStore } from './sqlite-users.ts';
import type { UnredactedGrantStore } from './unredacted-grants.ts';
import type { UserStore } from './users.ts';

/** Every repository of one store. */
export interface Stores {
  /** Cameras (with their sealed credentials), events, counts, occupancy and heat. */
  readonly events: EventStore;
  /** Users, their camera grants and throttled sign-ins. */
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: ApiTokenStore;
  readonly setupTokens: SetupTokenStore;
  readonly audit: AuditLog;
  readonly outbox: Outbox;
  readonly segments: SegmentIndex;
  /** The rectangles that hide people, per analysed frame, kept with the video. */
  readonly redactionBoxes: RedactionBoxStore;
  /** Time-limited grants of unredacted video, with their reasons. */
  readonly unredactedGrants: UnredactedGrantStore;
  /** What each user has marked as reviewed. */
  readonly reviewMarks: ReviewMarkStore;
  /** The settings the app writes over the configuration file. */
  readonly settings: SettingsStore;
  /** Closes the store; later calls fail. */
  close(): Promise<void>;
}

/** How to build the SQLite stores. */
export interface SqliteStoresOptions {
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Session lifetimes, ms. */
  readonly sessions: { readonly absoluteMs: number; readonly idleMs: number };
  /** The audit chain's key (see auditKeyFromSecret); without it entries are plainly hashed. */
  readonly auditKey?: Uint8Array;
  /** argon2id cost of new password hashes (tests pass cheap ones). */
  readonly hashParams?: Argon2Params;
  /** Database settings (busy timeout, migrations). */
  readonly database?: Omit<OpenDatabaseOptions, 'readonly' | 'now'>;
}

/** Opens (creating and migrating) the database file and builds every repository over it. Throws DATABASE_* errors. */
export function openSqliteStores(file: string, options: SqliteStoresOptions): Stores {
  const now = options.now ?? Date.now;
  const db = openDatabase(file, { ...options.database, now });
  try {
    const events = new SqliteEventStore(db, { now });
    return {
      events,
      users: new SqliteUserStore(db, { now, ...(options.hashParams && { hashParams: options.hashParams }) }),
      sessions: new SqliteSessionStore(db, { ...options.sessions, now }),
      tokens: new SqliteApiTokenStore(db, { now }),
      setupTokens: new SqliteSetupTokenStore(db),
      audit: new SqliteAuditLog(db, { now, ...(options.auditKey && { key: options.auditKey }) }),
      outbox: new SqliteOutbox(db),
      segments: new SqliteSegmentIndex(db),
      redactionBoxes: new SqliteRedactionBoxes(db),
      unredactedGrants: new SqliteUnredactedGrantStore(db),
      reviewMarks: new SqliteReviewMarks(db),
      settings: new SqliteSettingsStore(db),
      close: () => events.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Checks the audit chain of a database file without writing to it (see verifyAuditLog); DATABASE_NOT_FOUND when there is none. */
export function verifyAuditLogFile(file: string, options: { readonly key?: Uint8Array } = {}): AuditVerification {
  const db = openDatabase(file, { readonly: true });
  try {
    return verifyAuditLog(db, options);
  } finally {
    db.close();
  }
}
