/**
 * Versioned schema migrations of the embedded database. Each migration runs in its own
 * transaction together with its row in `schema_migrations`, so a database is always at exactly one
 * recorded version, never between two.
 */
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { AUDIT_GENESIS_HASH, SCHEMA_V1 } from './schema-v1.ts';
import { SCHEMA_V3 } from './schema-v3.ts';

/** One step of the schema: applied once, in version order, never edited after release. */
export interface Migration {
  /** Positive, strictly increasing along the list. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly up: string;
}

/** SQL of migration 2: per-camera permissions, one-time setup tokens and the login throttling state. */
export const SCHEMA_V2 = `
-- The cameras each operator or viewer may see; admins see every camera.
CREATE TABLE user_cameras (
  user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, camera_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_cameras_by_camera ON user_cameras (camera_id);

-- One-time links that create the first admin. Only a SHA-256 of each token is kept, never the token.
CREATE TABLE setup_tokens (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),  -- sha256 hex of the token
  created_at INTEGER NOT NULL,                                   -- epoch ms
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),   -- epoch ms
  used_at    INTEGER                                             -- epoch ms; null until used
) STRICT;

-- Failed sign-ins per user name (existing or not) and per remote address, for throttling and lockout.
CREATE TABLE login_failures (
  scope        TEXT NOT NULL CHECK (scope IN ('user', 'remote')),
  key          TEXT NOT NULL,                        -- normalised user name or remote address
  failures     INTEGER NOT NULL CHECK (failures >= 0),
  last_failure INTEGER NOT NULL,                     -- epoch ms
  PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;
`;

/**
 * SQL of migration 4: the audit chain keyed with the server's secret. `keyed_from` is the first seq
 * whose hash is an HMAC (entries before it keep their plain SHA-256, NULL until a server with a key
 * first opens the log) and `seal` an HMAC over the head, so that the head cannot be moved back or
 * unkeyed without the key. The head may now also stay at its seq while the seal is first written.
 */
export const SCHEMA_V4 = `
ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER;
ALTER TABLE audit_head ADD COLUMN seal TEXT;
DROP TRIGGER audit_head_forward;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.id <> 1
  OR (NEW.seq <> OLD.seq + 1 AND NOT (NEW.seq = OLD.seq AND NEW.hash = OLD.hash))
  OR (OLD.keyed_from IS NOT NULL AND NEW.keyed_from IS NOT OLD.keyed_from)
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward one entry at a time'); END;
`;

/**
 * SQL of migration 5: login throttling counted per name-and-address (or device) pair, per address
 * and per name (the old per-name lockout rows are dropped, their rules are gone), and the addresses
 * each name last signed in from, which make a pair known.
 */
export const SCHEMA_V5 = `
DROP TABLE login_failures;
CREATE TABLE login_failures (
  scope        TEXT NOT NULL CHECK (scope IN ('pair', 'remote', 'name')),
  key          TEXT NOT NULL,                        -- pair: name, a line break, "remote:" address or "device:" id; else an address or a name
  failures     INTEGER NOT NULL CHECK (failures >= 0),
  last_failure INTEGER NOT NULL,                     -- epoch ms
  PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE login_known (
  name       TEXT NOT NULL,                          -- normalised user name
  remote     TEXT NOT NULL,                          -- normalised address it signed in from
  last_login INTEGER NOT NULL,                       -- epoch ms
  PRIMARY KEY (name, remote)
) STRICT, WITHOUT ROWID;
`;

/**
 * SQL of migration 6: zone occupancy per camera, zone and minute, from the tracks present in the
 * analysed frames (peak, object-ms, observed ms), so occupancy never depends on entrances and exits
 * adding up.
 */
export const SCHEMA_V6 = `
CREATE TABLE zone_occupancy (
  camera_id   TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  zone        TEXT NOT NULL,                                  -- name of the zone
  minute      INTEGER NOT NULL CHECK (minute % 60000 = 0),    -- start of the minute, epoch ms
  peak        INTEGER NOT NULL CHECK (peak >= 0),             -- most objects inside in one frame
  object_ms   INTEGER NOT NULL CHECK (object_ms >= 0),        -- object-milliseconds inside
  observed_ms INTEGER NOT NULL CHECK (observed_ms >= 0),      -- milliseconds analysed
  PRIMARY KEY (camera_id, zone, minute)
) STRICT, WITHOUT ROWID;
CREATE INDEX zone_occupancy_by_camera_minute ON zone_occupancy (camera_id, minute);
`;

/**
 * SQL of migration 7: retention of the audit log. `audit_checkpoint` holds the last entry deleted
 * by retention (seq, hash and time; seq 0 and the genesis hash while none was), sealed with the
 * audit key like the head; verification starts from it. Entries may now be deleted, but only those
 * at or behind the checkpoint, which only moves forward and only onto an entry of the log, so
 * removing entries still takes moving the checkpoint, which the seal shows.
 */
export const SCHEMA_V7 = `
CREATE TABLE audit_checkpoint (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL CHECK (seq >= 0),        -- the last entry deleted by retention, 0 when none
  hash TEXT NOT NULL,                            -- its hash: the prev_hash of the oldest entry kept
  time INTEGER,                                  -- its time, epoch ms; null when none
  seal TEXT                                      -- HMAC of (seq, hash, time) under the audit key; null for an unkeyed log
) STRICT;
INSERT INTO audit_checkpoint (id, seq, hash) VALUES (1, 0, '${AUDIT_GENESIS_HASH}');
CREATE TRIGGER audit_checkpoint_forward BEFORE UPDATE ON audit_checkpoint
WHEN NEW.id <> 1
  OR NEW.seq < OLD.seq
  OR NEW.seq > (SELECT seq FROM audit_head WHERE id = 1)
  OR (NEW.seq = OLD.seq AND (NEW.hash IS NOT OLD.hash OR NEW.time IS NOT OLD.time))
  OR (NEW.seq > OLD.seq AND NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = NEW.seq))
BEGIN SELECT RAISE(ABORT, 'the audit checkpoint only moves forward, onto an entry of the log'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint cannot be deleted'); END;
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > (SELECT seq FROM audit_checkpoint WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only entries behind the retention checkpoint may be deleted'); END;
`;

/**
 * SQL of migration 8: the redaction boxes kept with the recording (./redaction-boxes.ts), one row
 * per chunk of consecutive analysed frames of a camera; they go with the camera.
 */
export const SCHEMA_V8 = `
CREATE TABLE redaction_boxes (
  camera_id  TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  start_time INTEGER NOT NULL,                       -- epoch ms of the chunk's first frame
  end_time   INTEGER NOT NULL CHECK (end_time >= start_time),  -- of its last
  frames     TEXT NOT NULL                           -- JSON [[time, [[x, y, w, h], ...]], ...], fractions of the picture
) STRICT;
CREATE INDEX redaction_boxes_by_camera_time ON redaction_boxes (camera_id, start_time);
CREATE INDEX redaction_boxes_by_time ON redaction_boxes (start_time);
`;

/**
 * SQL of migration 9: unredacted video. Each user's flag that an admin sets (a viewer may never hold
 * it), and the grants: one user, one camera, a written reason, a time limit, and when and by whom a
 * grant was ended early. Grants are never deleted with their user (users are only disabled).
 */
export const SCHEMA_V9 = `
ALTER TABLE users ADD COLUMN unredacted_video INTEGER NOT NULL DEFAULT 0
  CHECK (unredacted_video IN (0, 1) AND (unredacted_video = 0 OR role <> 'viewer'));
CREATE TABLE unredacted_grants (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id),
  camera_id  TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 10 AND 500),   -- trimmed, in code points
  granted_at INTEGER NOT NULL,                                          -- epoch ms
  expires_at INTEGER NOT NULL CHECK (expires_at > granted_at),          -- epoch ms
  ended_at   INTEGER CHECK (ended_at IS NULL OR (ended_at >= granted_at AND ended_at < expires_at)),  -- epoch ms, when ended early
  ended_by   TEXT CHECK ((ended_at IS NULL) = (ended_by IS NULL))       -- audit name of who ended it early
) STRICT;
CREATE INDEX unredacted_grants_by_user_camera ON unredacted_grants (user_id, camera_id, expires_at);
CREATE INDEX unredacted_grants_by_time ON unredacted_grants (granted_at);
`;

/**
 * SQL of migration 10: each camera's purpose becomes an object with the analytics it allows stated.
 * A purpose written as plain text (or none) keeps its words as the statement and allows what the
 * camera used when it was migrated: counting where it has lines, zones where it has zones, and the
 * heat map that every camera kept until then. A later change that asks for more is refused. And an
 * index of the audit log by time, for the monthly totals of the transparency page.
 */
export const SCHEMA_V10 = `
UPDATE cameras SET config = json_set(config, '$.purpose', json_object(
  'statement', CASE json_type(config, '$.purpose')
    WHEN 'text' THEN json_extract(config, '$.purpose')
    WHEN 'object' THEN coalesce(json_extract(config, '$.purpose.statement'), '')
    ELSE '' END,
  'allows', json((SELECT json_group_array(a) FROM (
    SELECT 'counting' AS a WHERE coalesce(json_array_length(config, '$.analytics.lines'), 0) > 0
    UNION ALL SELECT 'zones' WHERE coalesce(json_array_length(config, '$.analytics.zones'), 0) > 0
    UNION ALL SELECT 'heatmap')))))
WHERE json_type(config, '$.purpose.allows') IS NULL;
-- The transparency page counts audit entries per action and month.
CREATE INDEX audit_log_by_time ON audit_log (time, action);
`;

/**
 * SQL of migration 11: zone dwell per camera, zone and minute, from the zone exits (each carries
 * how long its object spent inside): the exits, their dwell added up, and a histogram over the
 * fixed bins of src/core/rules/dwell.ts, one column per bin. No track id, box or picture: an
 * aggregate, kept and deleted with the counts and occupancy.
 */
export const SCHEMA_V11 = `
CREATE TABLE zone_dwell (
  camera_id    TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  zone         TEXT NOT NULL,                                  -- name of the zone
  minute       INTEGER NOT NULL CHECK (minute % 60000 = 0),    -- start of the minute of the exits, epoch ms
  exits        INTEGER NOT NULL CHECK (exits >= 0),            -- objects that left the zone
  dwell_ms     INTEGER NOT NULL CHECK (dwell_ms >= 0),         -- their time inside added up
  bin_lt5s     INTEGER NOT NULL CHECK (bin_lt5s >= 0),         -- exits after under 5 s inside
  bin_5_15s    INTEGER NOT NULL CHECK (bin_5_15s >= 0),        -- 5 s to under 15 s
  bin_15_30s   INTEGER NOT NULL CHECK (bin_15_30s >= 0),       -- 15 s to under 30 s
  bin_30_60s   INTEGER NOT NULL CHECK (bin_30_60s >= 0),       -- 30 s to under 1 min
  bin_1_2min   INTEGER NOT NULL CHECK (bin_1_2min >= 0),       -- 1 to under 2 min
  bin_2_5min   INTEGER NOT NULL CHECK (bin_2_5min >= 0),       -- 2 to under 5 min
  bin_5_15min  INTEGER NOT NULL CHECK (bin_5_15min >= 0),      -- 5 to under 15 min
  bin_ge15min  INTEGER NOT NULL CHECK (bin_ge15min >= 0),      -- 15 min or more
  PRIMARY KEY (camera_id, zone, minute),
  CHECK (exits = bin_lt5s + bin_5_15s + bin_15_30s + bin_30_60s + bin_1_2min + bin_2_5min + bin_5_15min + bin_ge15min)
) STRICT, WITHOUT ROWID;
CREATE INDEX zone_dwell_by_camera_minute ON zone_dwell (camera_id, minute);
`;

/**
 * SQL of migration 12: what each user has marked as reviewed on the Review page, one row per user
 * and event (a review item is reviewed when all its events are). Rows go with their event
 * (retention, erasure) and with their user.
 */
export const SCHEMA_V12 = `
CREATE TABLE review_marks (
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  reviewed_at INTEGER NOT NULL,                                   -- epoch ms
  PRIMARY KEY (user_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX review_marks_by_event ON review_marks (event_id);
`;

/**
 * SQL of migration 13: the runtime settings, one row per section, that the app writes over the
 * configuration file (notification targets, retention, object filters). `value` holds what may be
 * shown; `sealed` the section's secrets (passwords, webhook secrets), sealed by the secret box, never
 * in clear.
 */
export const SCHEMA_V13 = `
CREATE TABLE runtime_settings (
  section    TEXT PRIMARY KEY CHECK (section IN ('notifications', 'retention', 'objectFilters')),
  value      TEXT NOT NULL CHECK (json_valid(value) AND json_type(value) = 'object'),  -- the section, secrets left out
  sealed     BLOB,                               -- the section's secrets as JSON, sealed (AES-256-GCM); null when none
  updated_at INTEGER NOT NULL,                   -- epoch ms
  updated_by TEXT NOT NULL                       -- the actor, as in the audit log
) STRICT, WITHOUT ROWID;
`;

/** Every migration this version of Sightline knows, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'cameras, events, counts, heat grids, users, audit log', up: SCHEMA_V1 },
  { version: 2, name: 'per-camera permissions, setup tokens, login throttling', up: SCHEMA_V2 },
  { version: 3, name: 'recorded segments, sessions, API tokens, notification outbox', up: SCHEMA_V3 },
  { version: 4, name: 'audit chain keyed with the server secret', up: SCHEMA_V4 },
  { version: 5, name: 'login throttling per name and address, known sign-in addresses', up: SCHEMA_V5 },
  { version: 6, name: 'zone occupancy per minute from the tracks present', up: SCHEMA_V6 },
  { version: 7, name: 'audit log retention behind a sealed checkpoint', up: SCHEMA_V7 },
  { version: 8, name: 'redaction boxes kept with the recording', up: SCHEMA_V8 },
  { version: 9, name: 'unredacted video: per-user flag and time-limited grants with reasons', up: SCHEMA_V9 },
  { version: 10, name: 'camera purposes with the analytics they allow, audit entries by time', up: SCHEMA_V10 },
  { version: 11, name: 'zone dwell per minute from the zone exits', up: SCHEMA_V11 },
  { version: 12, name: 'review marks per user and event', up: SCHEMA_V12 },
  { version: 13, name: 'runtime settings written over the configuration file', up: SCHEMA_V13 },
];

/** What `applyMigrations` did. */
export interface MigrationReport {
  /** Versions applied by this call, in order. */
  readonly applied: readonly number[];
  /** The database's schema version afterwards. */
  readonly version: number;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,  -- migration version
  name       TEXT NOT NULL,        -- its description
  applied_at INTEGER NOT NULL      -- epoch ms
) STRICT`;

function checkOrder(migrations: readonly Migration[]): void {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isSafeInteger(m.version) || m.version <= last) throw new Error(`migration versions must be positive and increasing: ${m.version} after ${last}`);
    last = m.version;
  }
}

/** The highest version recorded in `schema_migrations`, 0 for a fresh database (or one without the table). */
export function schemaVersion(db: Database): number {
  const table = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined || table.n === 0) return 0;
  return db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()?.v ?? 0;
}

/** Throws DATABASE_TOO_NEW when the database holds a schema version above the newest of `migrations`. */
export function assertNotNewer(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) {
    throw new SightlineError(
      'DATABASE_TOO_NEW',
      `database ${db.name} has schema version ${current}, but this Sightline knows versions up to ${known}: it was written by a newer Sightline; upgrade Sightline (or restore a backup)`,
    );
  }
}

/**
 * Brings the database up to the newest of `migrations`, each in one immediate transaction (so two
 * processes opening the same file at once cannot both apply a step). A migration that fails rolls
 * back entirely and throws DATABASE_FAILED; the steps before it stay applied.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): MigrationReport {
  checkOrder(migrations);
  db.exec(CREATE_TABLE);
  assertNotNewer(db, migrations);
  const applied: number[] = [];
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    const step = db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return false;
      db.exec(m.up);
      record.run(m.version, m.name, now());
      return true;
    });
    let ran: boolean;
    try {
      ran = step.immediate();
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new SightlineError('DATABASE_FAILED', `migration ${m.version} (${m.name}) of ${db.name} failed and was rolled back: ${why}`, { cause });
    }
    if (ran) applied.push(m.version);
  }
  return { applied, version: schemaVersion(db) };
}
