import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { SightlineError } from '../core/errors.ts';
import { verifyPassword, type Argon2Params } from '../security/passwords.ts';
import { openDatabase } from './database.ts';
import { SqliteSetupTokenStore } from './sqlite-setup-tokens.ts';
import { SqliteUserStore, type UserStoreOptions } from './sqlite-users.ts';
import type { User, UserStore } from './users.ts';
import { rejectsCode } from '../../test/contracts/user-store-contract.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-users-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);
const MIN = 60_000;
const CHEAP: Argon2Params = { memoryCost: 64, timeCost: 1, parallelism: 1 };
const PW = 'blue-kettle-on-the-roof';

function fresh(options: UserStoreOptions = {}): { db: Database; users: UserStore } {
  const db = openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db'), { now: () => T0 });
  let id = 0;
  return { db, users: new SqliteUserStore(db, { now: () => T0, newId: () => `u${++id}`, hashParams: CHEAP, ...options }) };
}


function addCamera(db: Database, id: string): void {
  db.prepare('INSERT INTO cameras (id, name, url, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, id, `rtsp://h/${id}`, T0, T0);
}

describe('user store: accounts', () => {
  test('create normalises the name, hashes the password and never shows the hash', async () => {
    const { db, users } = fresh();
    const alice = await users.create({ name: '  Alice ', password: PW, role: 'operator' });
    assert.deepEqual(alice, { id: 'u1', name: 'alice', role: 'operator', createdAt: T0, disabled: false, unredactedVideo: false });
    const stored = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM users').get()!.password_hash;
    assert.match(stored, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    assert.equal(stored.includes(PW), false);
    await users.create({ name: 'bob', password: PW, role: 'viewer' });
    for (const u of [...users.list(), users.findByName('ALICE')!, users.findById('u2')!]) {
      assert.deepEqual(Object.keys(u).sort(), ['createdAt', 'disabled', 'id', 'name', 'role', 'unredactedVideo']);
    }
    assert.deepEqual(users.list().map((u) => u.name), ['alice', 'bob']);
    assert.equal(users.findByName('carol'), undefined);
    assert.equal(users.findById('nope'), undefined);
  });
});

describe('user store: per-camera permissions', () => {
  test('admins see every camera, others only those granted, disabled users none', async () => {
    const { db, users } = fresh();
    for (const c of ['front', 'back', 'yard']) addCamera(db, c);
    const admin = await users.create({ name: 'root', password: PW, role: 'admin' });
    const op = await users.create({ name: 'oper', password: PW, role: 'operator' });
    const viewer = await users.create({ name: 'viewer1', password: PW, role: 'viewer' });
    users.grantCamera(op.id, 'front');
    users.grantCamera(op.id, 'back');
    users.grantCamera(op.id, 'back');
    users.grantCamera(viewer.id, 'yard');
    assert.deepEqual(users.camerasOf(op.id), ['back', 'front']);
    const table: [User, string, boolean][] = [
      [admin, 'front', true], [admin, 'yard', true], [admin, 'not-yet-added', true],
      [op, 'front', true], [op, 'back', true], [op, 'yard', false],
      [viewer, 'yard', true], [viewer, 'front', false],
      [{ ...admin, disabled: true }, 'front', false], [{ ...op, disabled: true }, 'front', false],
    ];
    for (const [user, camera, expected] of table) assert.equal(users.canViewCamera(user, camera), expected, `${user.name} ${camera}`);
    assert.equal(users.revokeCamera(op.id, 'front'), true);
    assert.equal(users.revokeCamera(op.id, 'front'), false);
    assert.equal(users.canViewCamera(op, 'front'), false);
    assert.throws(() => users.grantCamera(op.id, 'nope'), (e: unknown) => e instanceof SightlineError && e.code === 'CAMERA_NOT_FOUND');
    assert.throws(() => users.grantCamera('nope', 'front'), (e: unknown) => e instanceof SightlineError && e.code === 'USER_NOT_FOUND');
  });

  test('grants go when their user or camera is deleted', async () => {
    const { db, users } = fresh();
    addCamera(db, 'front');
    addCamera(db, 'back');
    const op = await users.create({ name: 'oper', password: PW, role: 'operator' });
    const vi = await users.create({ name: 'viewer1', password: PW, role: 'viewer' });
    users.grantCamera(op.id, 'front');
    users.grantCamera(op.id, 'back');
    users.grantCamera(vi.id, 'front');
    db.prepare('DELETE FROM cameras WHERE id = ?').run('front');
    assert.deepEqual(users.camerasOf(op.id), ['back']);
    assert.deepEqual(users.camerasOf(vi.id), []);
    db.prepare('DELETE FROM users WHERE id = ?').run(op.id);
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM user_cameras').get(), { n: 0 });
  });
});

describe('user store: first admin through the setup link', () => {
  test('the token makes one admin, once; a bad token or password makes nobody', async () => {
    const { db, users } = fresh();
    const token = new SqliteSetupTokenStore(db).create({ now: T0 });
    await rejectsCode(() => users.createFirstAdmin('wrong', { name: 'root', password: PW }), 'SETUP_TOKEN_INVALID', /not valid/);
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'root', password: 'root-password-1' }), 'PASSWORD_WEAK');
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'r', password: PW }), 'USER_INVALID');
    assert.deepEqual(users.list(), []);
    const root = await users.createFirstAdmin(token, { name: 'Root', password: PW });
    assert.deepEqual(root, { id: root.id, name: 'root', role: 'admin', createdAt: T0, disabled: false, unredactedVideo: false });
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'other', password: PW }), 'SETUP_CLOSED');
    await rejectsCode(() => new SqliteSetupTokenStore(db).create({ now: T0 }), 'SETUP_CLOSED');
    assert.equal(users.list().length, 1);
  });

  test('a wrong, used or closed token is refused before any password is hashed', async () => {
    let hashes = 0;
    const { db, users } = fresh({ hasher: async () => `hash-${++hashes}` });
    await new Promise((resolve) => setImmediate(resolve));
    const before = hashes;
    await rejectsCode(() => users.createFirstAdmin('x'.repeat(43), { name: 'root', password: PW }), 'SETUP_TOKEN_INVALID');
    assert.equal(hashes, before, 'a wrong token hashed nothing');
    const token = new SqliteSetupTokenStore(db).create({ now: T0 });
    await users.createFirstAdmin(token, { name: 'root', password: PW });
    assert.equal(hashes, before + 1);
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'other', password: PW }), 'SETUP_CLOSED');
    assert.equal(hashes, before + 1, 'a closed setup hashed nothing');
  });

  test('an expired token is refused', async () => {
    const { db, users } = fresh({ now: () => T0 + 2 * 3_600_000 });
    const token = new SqliteSetupTokenStore(db).create({ now: T0, ttlMs: 3_600_000 });
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'root', password: PW }), 'SETUP_TOKEN_INVALID', /expired/);
  });
});

describe('user store: sign-in', () => {
  test('an unknown user and a wrong password leave the same throttling state', async () => {
    const { db, users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    await users.checkLogin('alice', 'wrong-password-x', '10.0.0.1', T0);
    await users.checkLogin('nobody', 'wrong-password-x', '10.0.0.2', T0);
    const rows = db.prepare('SELECT scope, key, failures, last_failure FROM login_failures ORDER BY scope, key').all();
    assert.deepEqual(rows, [
      { scope: 'name', key: 'alice', failures: 1, last_failure: T0 },
      { scope: 'name', key: 'nobody', failures: 1, last_failure: T0 },
      { scope: 'pair', key: 'alice\nremote:10.0.0.1', failures: 1, last_failure: T0 },
      { scope: 'pair', key: 'nobody\nremote:10.0.0.2', failures: 1, last_failure: T0 },
      { scope: 'remote', key: '10.0.0.1', failures: 1, last_failure: T0 },
      { scope: 'remote', key: '10.0.0.2', failures: 1, last_failure: T0 },
    ]);
  });

  test('a hash made with weaker parameters is upgraded at sign-in', async () => {
    const { db } = fresh();
    const weak = new SqliteUserStore(db, { now: () => T0, hashParams: CHEAP });
    await weak.create({ name: 'alice', password: PW, role: 'viewer' });
    const stronger: Argon2Params = { memoryCost: 256, timeCost: 2, parallelism: 1 };
    const users = new SqliteUserStore(db, { now: () => T0, hashParams: stronger });
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.1', T0)).status, 'ok');
    const hash = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM users').get()!.password_hash;
    assert.match(hash, /\$m=256,t=2,p=1\$/);
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.1', T0)).status, 'ok');
  });

  test('with production parameters an unknown user costs what a wrong password costs: one argon2id check at the same parameters', async () => {
    const { db } = fresh();
    const verified: string[] = [];
    const users = new SqliteUserStore(db, {
      now: () => T0,
      verifier: (hash, password) => {
        verified.push(hash);
        return verifyPassword(hash, password);
      },
    });
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const stored = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM users').get()!.password_hash;
    assert.equal((await users.checkLogin('alice', 'wrong-password', '10.3.0.1', T0)).status, 'invalid');
    assert.equal((await users.checkLogin('ghost', 'wrong-password', '10.3.0.2', T0 + 10 * MIN)).status, 'invalid');
    assert.equal(verified.length, 2, 'each sign-in verifies exactly one hash');
    const [known, unknown] = verified as [string, string];
    assert.equal(known, stored);
    assert.notEqual(unknown, stored, "an unknown name is checked against a dummy hash, not a user's");
    const params = (h: string): string => h.split('$').slice(1, 4).join('$');
    assert.equal(params(unknown), params(known), 'the same algorithm, version and cost');
    assert.match(params(known), /^argon2id\$v=19\$m=19456,t=2,p=1$/, 'production parameters (OWASP)');
  });
});

test('setRole changes a role and never demotes the last enabled admin', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-role-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(path.join(dir, 'roles.db'));
  const users = new SqliteUserStore(db, { hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  const admin = await users.create({ name: 'boss', password: 'a-very-long-password-1', role: 'admin' });
  const viewer = await users.create({ name: 'eve', password: 'a-very-long-password-2', role: 'viewer' });
  assert.throws(() => users.setRole(admin.id, 'viewer'), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_CONFLICT');
  assert.equal(users.setRole(viewer.id, 'admin').role, 'admin');
  assert.equal(users.setRole(admin.id, 'operator').role, 'operator');
  assert.throws(() => users.setRole(viewer.id, 'root' as never), (e: unknown) => e instanceof SightlineError && e.code === 'USER_INVALID');
  assert.throws(() => users.setRole('nobody', 'viewer'), (e: unknown) => e instanceof SightlineError && e.code === 'USER_NOT_FOUND');
  db.close();
});
