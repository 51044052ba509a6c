/**
 * Every repository contract of the store, run against the SQLite implementations over real
 * databases in a temporary folder (the event store's main suite runs in store-sqlite.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../src/store/database.ts';
import { SqliteApiTokenStore } from '../src/store/sqlite-api-tokens.ts';
import { SqliteAuditLog } from '../src/store/sqlite-audit-log.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { SqliteLoginThrottle } from '../src/store/sqlite-login-throttle.ts';
import { SqliteOutbox } from '../src/store/sqlite-outbox.ts';
import { SqliteRedactionBoxes } from '../src/store/sqlite-redaction-boxes.ts';
import { SqliteSegmentIndex } from '../src/store/sqlite-segment-index.ts';
import { SqliteSessionStore } from '../src/store/sqlite-sessions.ts';
import { SqliteSetupTokenStore } from '../src/store/sqlite-setup-tokens.ts';
import { SqliteUnredactedGrantStore } from '../src/store/sqlite-unredacted-grants.ts';
import { SqliteUserStore } from '../src/store/sqlite-users.ts';
import { API_TOKEN_T0, apiTokenStoreContract } from './contracts/api-token-store-contract.ts';
import { auditLogContract } from './contracts/audit-log-contract.ts';
import { eventDwellContract } from './contracts/event-dwell-contract.ts';
import { eventRetentionContract } from './contracts/event-retention-contract.ts';
import { loginThrottleContract } from './contracts/login-throttle-contract.ts';
import { outboxContract } from './contracts/outbox-contract.ts';
import { redactionBoxesContract } from './contracts/redaction-boxes-contract.ts';
import { segmentIndexContract } from './contracts/segment-index-contract.ts';
import { SESSION_T0, sessionStoreContract } from './contracts/session-store-contract.ts';
import { setupTokensContract } from './contracts/setup-tokens-contract.ts';
import { unredactedGrantStoreContract } from './contracts/unredacted-grant-store-contract.ts';
import { USERS_T0, userStoreContract } from './contracts/user-store-contract.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-contracts-'));
const open: Database[] = [];
after(() => {
  for (const db of open) if (db.open) db.close();
  rmSync(TMP, { recursive: true, force: true });
});
let n = 0;
function freshDb(): Database {
  const db = openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db'), { now: () => 0 });
  open.push(db);
  return db;
}
/** Adds a user row (its id is its name) behind the stores' backs. */
const addUser = (db: Database, name: string, role: string, disabled = false): void => {
  db.prepare('INSERT INTO users (id, name, password_hash, role, created_at, disabled) VALUES (?, ?, ?, ?, 0, ?)').run(name, name, '$argon2id$x', role, disabled ? 1 : 0);
};

outboxContract('SQLite', () => new SqliteOutbox(freshDb()));

redactionBoxesContract('SQLite', async () => {
  const db = freshDb();
  const cameras = new SqliteEventStore(db);
  for (const id of ['A', 'B']) await cameras.addCamera({ id, name: `cam-${id}`, url: `rtsp://127.0.0.1/${id}` });
  return { store: new SqliteRedactionBoxes(db), removeCamera: (id) => cameras.removeCamera(id) };
});

segmentIndexContract('SQLite', async () => {
  const db = freshDb();
  const cameras = new SqliteEventStore(db);
  return { index: new SqliteSegmentIndex(db), cameras, close: () => cameras.close() };
});

sessionStoreContract('SQLite', () => {
  const db = freshDb();
  for (const id of ['u1', 'u2']) addUser(db, id, 'viewer');
  const clock = { t: SESSION_T0 };
  const store = new SqliteSessionStore(db, { absoluteMs: 120 * 60_000, idleMs: 30 * 60_000, now: () => clock.t });
  return { store, clock, count: () => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!.n };
});

apiTokenStoreContract('SQLite', () => {
  const db = freshDb();
  for (const name of ['admin', 'a']) addUser(db, name, 'admin');
  const clock = { t: API_TOKEN_T0 };
  let id = 0;
  const store = new SqliteApiTokenStore(db, { now: () => clock.t, newId: () => `t${++id}` });
  return {
    store,
    clock,
    hashes: () => db.prepare<[], { token_hash: string }>('SELECT token_hash FROM api_tokens').all().map((r) => r.token_hash),
    setCreator: (name, state) => {
      if (state === 'removed') db.prepare('DELETE FROM users WHERE name = ?').run(name);
      else db.prepare('UPDATE users SET disabled = ? WHERE name = ?').run(state === 'disabled' ? 1 : 0, name);
    },
  };
});

loginThrottleContract('SQLite', () => new SqliteLoginThrottle(freshDb()));

setupTokensContract('SQLite', () => {
  const db = freshDb();
  return { tokens: new SqliteSetupTokenStore(db), addUser: (name, role, disabled) => addUser(db, name, role, disabled) };
});

userStoreContract('SQLite', () => {
  let id = 0;
  return new SqliteUserStore(freshDb(), { now: () => USERS_T0, newId: () => `u${++id}`, hashParams: { memoryCost: 64, timeCost: 1, parallelism: 1 } });
});

auditLogContract('SQLite', ({ now, key }) => new SqliteAuditLog(freshDb(), { now, ...(key && { key }) }));

eventRetentionContract('SQLite', async ({ now }) => new SqliteEventStore(freshDb(), { now }));

eventDwellContract('SQLite', async ({ now }) => new SqliteEventStore(freshDb(), { now }));

unredactedGrantStoreContract('SQLite', () => {
  const db = freshDb();
  for (const id of ['u1', 'u2']) addUser(db, id, 'operator');
  for (const id of ['A', 'B']) db.prepare("INSERT INTO cameras (id, name, url, created_at, updated_at) VALUES (?, ?, 'rtsp://10.0.0.1/x', 0, 0)").run(id, `cam-${id}`);
  return new SqliteUnredactedGrantStore(db);
});
