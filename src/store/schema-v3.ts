/**
 * Migration 3 of the embedded database: what the NVR server keeps besides events: recorded
 * segments, sign-in sessions, API tokens for machines, and the outbox of notifications still to
 * deliver (so that a broker or webhook that is down loses nothing).
 */

/** SQL of migration 3: segments, sessions, API tokens and the notification outbox. */
export const SCHEMA_V3 = `
-- Recorded video segments, one file each (MPEG-TS, copied from the camera without re-encoding).
CREATE TABLE segments (
  id         INTEGER PRIMARY KEY,
  camera_id  TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
  path       TEXT NOT NULL UNIQUE,               -- relative to the data directory
  start_time INTEGER NOT NULL,                   -- epoch ms of the first frame
  end_time   INTEGER NOT NULL CHECK (end_time >= start_time),  -- epoch ms of the end of the last frame
  bytes      INTEGER NOT NULL CHECK (bytes >= 0)
) STRICT;
CREATE INDEX segments_by_camera_time ON segments (camera_id, start_time);
CREATE INDEX segments_by_time ON segments (start_time);

-- Sign-in sessions of people. Only a SHA-256 of each session token is kept, never the token.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),  -- sha256 hex of the cookie value
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,                   -- epoch ms
  last_seen  INTEGER NOT NULL,                   -- epoch ms, for the idle timeout
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),  -- epoch ms, absolute lifetime
  remote     TEXT                                -- address it was created from
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Scoped API tokens for machines (Prometheus, scripts). Only a SHA-256 of each token is kept.
CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,             -- what it is for, e.g. "prometheus"
  token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  scopes       TEXT NOT NULL CHECK (json_valid(scopes)),  -- JSON array of scopes, e.g. ["metrics:read"]
  created_by   TEXT NOT NULL,                    -- user name of the admin who made it
  created_at   INTEGER NOT NULL,                 -- epoch ms
  expires_at   INTEGER,                          -- epoch ms; null = no expiry
  last_used_at INTEGER,                          -- epoch ms
  revoked_at   INTEGER                           -- epoch ms; null while valid
) STRICT;

-- Notifications still to deliver (or delivered, kept a while for the record), retried with backoff.
CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  channel      TEXT NOT NULL,                    -- "mqtt", "webhook:<name>", "email"
  payload      TEXT NOT NULL CHECK (json_valid(payload)),  -- JSON object: what to send
  created_at   INTEGER NOT NULL,                 -- epoch ms
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt INTEGER NOT NULL,                 -- epoch ms
  last_error   TEXT,                             -- why the last attempt failed
  delivered_at INTEGER                           -- epoch ms; null while pending
) STRICT;
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt);
`;
