/**
 * The first schema of the embedded database. Conventions: every time is an INTEGER of milliseconds
 * since the Unix epoch (UTC); every JSON column holds a JSON object as text; tables are STRICT so
 * that SQLite refuses a value of the wrong type; a camera's rows go with it when it is removed.
 */

/** The genesis `prev_hash` of the audit chain: the hash "before" entry 1. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** SQL of migration 1: cameras, events, line counts, heat grids, users and the audit log. */
export const SCHEMA_V1 = `
-- One row per camera.
CREATE TABLE cameras (
  id          TEXT PRIMARY KEY,                  -- stable id (caller-given or a random UUID)
  name        TEXT NOT NULL UNIQUE,              -- display name, unique
  url         TEXT NOT NULL,                     -- stream URL or file path, never with credentials
  credentials BLOB,                              -- encrypted user/password; null until set (filled by a later issue)
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  config      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),  -- per-camera settings as a JSON object
  created_at  INTEGER NOT NULL,                  -- epoch ms
  updated_at  INTEGER NOT NULL                   -- epoch ms
) STRICT;

-- What the rules decided happened. Duration events get end_time when they end.
CREATE TABLE events (
  id            TEXT PRIMARY KEY,                -- caller-given id, so that a retried append is a no-op
  camera_id     TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  type          TEXT NOT NULL,                   -- line_crossing, zone_enter, zone_exit, intrusion, loitering, crowd
  rule          TEXT NOT NULL,                   -- name of the line or zone
  track_id      INTEGER,                         -- the track concerned; null for group events (crowd)
  class         TEXT NOT NULL,                   -- object class (person, car, ...)
  start_time    INTEGER NOT NULL,                -- epoch ms
  end_time      INTEGER CHECK (end_time IS NULL OR end_time >= start_time),  -- epoch ms; null while open or for instant events
  frame         INTEGER NOT NULL,                -- 1-based frame index in the analysed stream
  direction     TEXT CHECK (direction IN ('in', 'out')),  -- line crossings only
  data          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),  -- extra fields (count, seconds, ...) as a JSON object
  snapshot_path TEXT,                            -- JPEG snapshot, relative to the data directory
  recording     TEXT                             -- opaque pointer into the recording (segment and offset)
) STRICT;
CREATE INDEX events_by_camera_time ON events (camera_id, start_time, id);
CREATE INDEX events_by_time ON events (start_time, id);

-- Line crossings per camera, line and minute.
CREATE TABLE line_counts (
  camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  line      TEXT NOT NULL,                       -- name of the counting line
  minute    INTEGER NOT NULL CHECK (minute % 60000 = 0),  -- start of the minute, epoch ms
  in_count  INTEGER NOT NULL DEFAULT 0 CHECK (in_count >= 0),
  out_count INTEGER NOT NULL DEFAULT 0 CHECK (out_count >= 0),
  PRIMARY KEY (camera_id, line, minute)
) STRICT, WITHOUT ROWID;
CREATE INDEX line_counts_by_camera_minute ON line_counts (camera_id, minute);

-- Heat maps per camera and hour: dwell seconds per cell.
CREATE TABLE heat_grids (
  camera_id   TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  hour        INTEGER NOT NULL CHECK (hour % 3600000 = 0),  -- start of the hour, epoch ms
  cols        INTEGER NOT NULL CHECK (cols > 0),
  rows        INTEGER NOT NULL CHECK (rows > 0),
  cell_width  REAL NOT NULL CHECK (cell_width > 0),   -- frame pixels
  cell_height REAL NOT NULL CHECK (cell_height > 0),  -- frame pixels
  seconds     BLOB NOT NULL CHECK (length(seconds) = cols * rows * 8),  -- row-major little-endian Float64 seconds per cell
  PRIMARY KEY (camera_id, hour)
) STRICT, WITHOUT ROWID;

-- People who may sign in.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,                   -- argon2id PHC string, never a password
  role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  created_at    INTEGER NOT NULL,                -- epoch ms
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

-- Append-only, hash-chained record of every use of the system.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY CHECK (seq > 0), -- 1, 2, 3, ... without gaps
  time      INTEGER NOT NULL,                    -- epoch ms
  actor     TEXT NOT NULL,                       -- user name, token name or "system"
  action    TEXT NOT NULL,                       -- login, login_failed, live_view, playback, export, ...
  target    TEXT,                                -- what was acted on (camera id, user name, ...)
  details   TEXT NOT NULL CHECK (json_valid(details)),  -- canonical JSON object
  prev_hash TEXT NOT NULL,                       -- hash of entry seq - 1 (the genesis hash for entry 1)
  hash      TEXT NOT NULL                        -- sha256 hex, see src/store/audit-log.ts
) STRICT;

-- The newest entry of the audit chain, kept apart so that a cut tail shows.
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,                         -- seq of the newest entry, 0 when empty
  hash TEXT NOT NULL                             -- hash of the newest entry
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${AUDIT_GENESIS_HASH}');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN NEW.seq <> (SELECT seq FROM audit_head) + 1 OR NEW.prev_hash <> (SELECT hash FROM audit_head)
BEGIN SELECT RAISE(ABORT, 'audit_log entries must extend the chain at its head'); END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.id <> 1 OR NEW.seq <> OLD.seq + 1
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward one entry at a time'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
`;
