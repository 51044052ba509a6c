import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { SightlineError, type ErrorCode } from '../core/errors.ts';
import type { Argon2Params } from '../security/passwords.ts';
import { createSetupToken } from '../security/setup-token.ts';
import { openDatabase } from './database.ts';
import { UserStore, type User, type UserStoreOptions } from './users.ts';

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
  return { db, users: new UserStore(db, { now: () => T0, newId: () => `u${++id}`, hashParams: CHEAP, ...options }) };
}

async function rejectsCode(run: () => unknown, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(
    async () => run(),
    (e: unknown) => {
      assert.ok(e instanceof SightlineError, `expected SightlineError ${code}, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      if (message !== undefined) assert.match(e.message, message);
      return true;
    },
  );
}

function addCamera(db: Database, id: string): void {
  db.prepare('INSERT INTO cameras (id, name, url, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, id, `rtsp://h/${id}`, T0, T0);
}

describe('user store: accounts', () => {
  test('create normalises the name, hashes the password and never shows the hash', async () => {
    const { db, users } = fresh();
    const alice = await users.create({ name: '  Alice ', password: PW, role: 'operator' });
    assert.deepEqual(alice, { id: 'u1', name: 'alice', role: 'operator', createdAt: T0, disabled: false });
    const stored = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM users').get()!.password_hash;
    assert.match(stored, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    assert.equal(stored.includes(PW), false);
    await users.create({ name: 'bob', password: PW, role: 'viewer' });
    for (const u of [...users.list(), users.findByName('ALICE')!, users.findById('u2')!]) {
      assert.deepEqual(Object.keys(u).sort(), ['createdAt', 'disabled', 'id', 'name', 'role']);
    }
    assert.deepEqual(users.list().map((u) => u.name), ['alice', 'bob']);
    assert.equal(users.findByName('carol'), undefined);
    assert.equal(users.findById('nope'), undefined);
  });

  test('create refuses bad names, roles, weak passwords and taken names', async (t) => {
    const { users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'admin' });
    const cases: [string, string, string, string, ErrorCode, RegExp][] = [
      ['too short', 'al', PW, 'viewer', 'USER_INVALID', /user name "al" is not allowed/],
      ['too long', 'a'.repeat(33), PW, 'viewer', 'USER_INVALID', /3 to 32/],
      ['a space', 'al ice', PW, 'viewer', 'USER_INVALID', /not allowed/],
      ['starting with a dot', '.alice', PW, 'viewer', 'USER_INVALID', /not allowed/],
      ['non-ASCII letters', 'jösé', PW, 'viewer', 'USER_INVALID', /not allowed/],
      ['a slash', 'a/b/c', PW, 'viewer', 'USER_INVALID', /not allowed/],
      ['an unknown role', 'carol', PW, 'root', 'USER_INVALID', /role "root" is not one of admin, operator, viewer/],
      ['a short password', 'carol', 'short', 'viewer', 'PASSWORD_WEAK', /too short/],
      ['the name in the password', 'carol', 'carol-is-the-best', 'viewer', 'PASSWORD_WEAK', /contain the user name/],
      ['a common password', 'carol', 'password1234', 'viewer', 'PASSWORD_WEAK', /most common/],
      ['a taken name, other case', 'ALICE', PW, 'viewer', 'STORE_CONFLICT', /alice is taken/],
    ];
    for (const [name, user, password, role, code, message] of cases) {
      await t.test(name, async () => {
        await rejectsCode(() => users.create({ name: user, password, role: role as User['role'] }), code, message).catch((e: unknown) => assert.fail(`${name}: ${String(e)}`));
      });
    }
    assert.deepEqual(users.list().map((u) => u.name), ['alice']);
  });

  const allowed = ['abc', 'a.b-c_d', '0perator', 'x'.repeat(32)];
  for (const name of allowed) {
    test(`the name ${name} is allowed`, async () => {
      const { users } = fresh();
      assert.equal((await users.create({ name, password: PW, role: 'viewer' })).name, name);
    });
  }

  test('change password: the current one is verified, the new one checked', async () => {
    const { users } = fresh();
    const u = await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const next = 'green-teapot-under-the-stairs';
    const at = { remote: '10.0.0.9', now: T0 };
    assert.deepEqual(await users.changePassword(u.id, 'wrong-password-here', next, at), { status: 'invalid' });
    await rejectsCode(() => users.changePassword(u.id, PW, PW, at), 'PASSWORD_WEAK', /must differ/);
    await rejectsCode(() => users.changePassword(u.id, PW, 'short', at), 'PASSWORD_WEAK', /too short/);
    await rejectsCode(() => users.changePassword('nope', PW, next, at), 'USER_NOT_FOUND');
    assert.deepEqual(await users.changePassword(u.id, PW, next, at), { status: 'ok' });
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.1', T0)).status, 'invalid');
    assert.equal((await users.checkLogin('alice', next, '10.0.0.1', T0)).status, 'ok');
    await users.setPassword(u.id, 'purple-walrus-at-midnight');
    assert.equal((await users.checkLogin('alice', 'purple-walrus-at-midnight', '10.0.0.1', T0)).status, 'ok');
    await rejectsCode(() => users.setPassword(u.id, 'alice-alice-alice'), 'PASSWORD_WEAK');
  });

  test('disable: a disabled user cannot sign in; the last enabled admin cannot be disabled', async () => {
    const { users } = fresh();
    const root = await users.create({ name: 'root', password: PW, role: 'admin' });
    const bob = await users.create({ name: 'bob', password: PW, role: 'viewer' });
    assert.equal(users.countAdmins(), 1);
    assert.throws(() => users.setDisabled(root.id, true), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_CONFLICT' && /last enabled admin/.test(e.message));
    assert.equal(users.setDisabled(bob.id, true).disabled, true);
    assert.deepEqual(await users.checkLogin('bob', PW, '10.0.0.1', T0), { status: 'invalid' });
    assert.equal(users.setDisabled(bob.id, false).disabled, false);
    assert.equal((await users.checkLogin('bob', PW, '10.0.0.1', T0)).status, 'ok');
    const second = await users.create({ name: 'second', password: PW, role: 'admin' });
    assert.equal(users.countAdmins(), 2);
    users.setDisabled(root.id, true);
    assert.equal(users.countAdmins(), 1);
    assert.throws(() => users.setDisabled(second.id, true), SightlineError);
    assert.throws(() => users.setDisabled('nope', true), (e: unknown) => e instanceof SightlineError && e.code === 'USER_NOT_FOUND');
  });
});

describe('user store: an admin\'s update is all or nothing', () => {
  test('a refused role change leaves the password, role and flag as they were', async (t) => {
    const { users } = fresh();
    const root = await users.create({ name: 'root', password: PW, role: 'admin' });
    const next = 'green-teapot-under-the-stairs';
    const table: [string, Parameters<UserStore['update']>[1], ErrorCode][] = [
      ['demote the last admin with a password', { role: 'viewer', password: next }, 'STORE_CONFLICT'],
      ['disable the last admin with a password', { disabled: true, password: next }, 'STORE_CONFLICT'],
      ['a weak password with a role', { role: 'admin', password: 'short' }, 'PASSWORD_WEAK'],
    ];
    for (const [what, changes, code] of table) {
      await t.test(what, async () => {
        await rejectsCode(() => users.update(root.id, changes), code);
        assert.deepEqual(users.findById(root.id), root, what);
        assert.equal((await users.checkLogin('root', PW, '10.0.0.1', T0)).status, 'ok', `${what}: the old password still works`);
        assert.equal((await users.checkLogin('root', next, '10.0.0.1', T0)).status, 'invalid', `${what}: the new one does not`);
      });
    }
    await rejectsCode(() => users.update('nope', { role: 'viewer' }), 'USER_NOT_FOUND');
  });

  test('accepted changes are all applied', async () => {
    const { users } = fresh();
    await users.create({ name: 'root', password: PW, role: 'admin' });
    const bob = await users.create({ name: 'bob', password: PW, role: 'viewer' });
    const next = 'green-teapot-under-the-stairs';
    const done = await users.update(bob.id, { role: 'admin', password: next });
    assert.equal(done.passwordChanged, true);
    assert.equal(done.user.role, 'admin');
    assert.equal((await users.checkLogin('bob', next, '10.0.0.1', T0)).status, 'ok');
    const demoted = await users.update(bob.id, { role: 'operator', disabled: true });
    assert.deepEqual([demoted.user.role, demoted.user.disabled, demoted.passwordChanged], ['operator', true, false]);
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
    const token = createSetupToken(db, { now: T0 });
    await rejectsCode(() => users.createFirstAdmin('wrong', { name: 'root', password: PW }), 'SETUP_TOKEN_INVALID', /not valid/);
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'root', password: 'root-password-1' }), 'PASSWORD_WEAK');
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'r', password: PW }), 'USER_INVALID');
    assert.deepEqual(users.list(), []);
    const root = await users.createFirstAdmin(token, { name: 'Root', password: PW });
    assert.deepEqual(root, { id: root.id, name: 'root', role: 'admin', createdAt: T0, disabled: false });
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'other', password: PW }), 'SETUP_CLOSED');
    await rejectsCode(() => createSetupToken(db, { now: T0 }), 'SETUP_CLOSED');
    assert.equal(users.list().length, 1);
  });

  test('a wrong, used or closed token is refused before any password is hashed', async () => {
    let hashes = 0;
    const { db, users } = fresh({ hasher: async () => `hash-${++hashes}` });
    await new Promise((resolve) => setImmediate(resolve));
    const before = hashes;
    await rejectsCode(() => users.createFirstAdmin('x'.repeat(43), { name: 'root', password: PW }), 'SETUP_TOKEN_INVALID');
    assert.equal(hashes, before, 'a wrong token hashed nothing');
    const token = createSetupToken(db, { now: T0 });
    await users.createFirstAdmin(token, { name: 'root', password: PW });
    assert.equal(hashes, before + 1);
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'other', password: PW }), 'SETUP_CLOSED');
    assert.equal(hashes, before + 1, 'a closed setup hashed nothing');
  });

  test('an expired token is refused', async () => {
    const { db, users } = fresh({ now: () => T0 + 2 * 3_600_000 });
    const token = createSetupToken(db, { now: T0, ttlMs: 3_600_000 });
    await rejectsCode(() => users.createFirstAdmin(token, { name: 'root', password: PW }), 'SETUP_TOKEN_INVALID', /expired/);
  });
});

describe('user store: sign-in', () => {
  test('ok, wrong password, unknown user, disabled: only ok says anything', async () => {
    const { users } = fresh();
    const alice = await users.create({ name: 'alice', password: PW, role: 'operator' });
    const table: [string, string, string, string][] = [
      ['alice', PW, '10.0.0.1', 'ok'],
      ['ALICE', PW, '10.0.0.1', 'ok'],
      ['alice', PW.toUpperCase(), '10.0.0.2', 'invalid'],
      ['alice', '', '10.0.0.3', 'invalid'],
      ['mallory', PW, '10.0.0.4', 'invalid'],
      ['', PW, '10.0.0.5', 'invalid'],
      ['x'.repeat(5000), PW, '10.0.0.6', 'invalid'],
    ];
    for (const [name, password, remote, expected] of table) {
      const result = await users.checkLogin(name, password, remote, T0);
      assert.equal(result.status, expected, `${name.slice(0, 10)} from ${remote}`);
      if (result.status === 'ok') assert.deepEqual(result.user, alice);
      else assert.deepEqual(Object.keys(result), ['status']);
    }
  });

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

  test('failures from one address never deny the right password from another', async () => {
    const { users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    for (let i = 0; i < 50; i++) await users.checkLogin('alice', `guess-${i}`, '10.0.0.66', T0 + i);
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.7', T0 + 100)).status, 'ok');
    const locked = await users.checkLogin('alice', PW, '10.0.0.66', T0 + 100);
    assert.equal(locked.status, 'locked');
    assert.ok(locked.status === 'locked' && locked.retryAfterMs <= 15_000, 'a short slow-down, not an hour');
  });

  test('many addresses hit the per-name ceiling, which spares known addresses and devices and ends in minutes', async (t) => {
    const { users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.1', T0)).status, 'ok', 'alice has signed in from 10.0.0.1');
    for (let i = 0; i < 20; i++) assert.equal((await users.checkLogin('alice', 'guess', `10.5.0.${i}`, T0 + 1)).status, 'invalid');
    const table: [string, string, string | undefined, string][] = [
      ['an unknown address is slowed down', '10.7.7.7', undefined, 'locked'],
      ['the known address is not', '10.0.0.1', undefined, 'ok'],
      ['a device cookie is not', '10.8.8.8', 'dev-1', 'ok'],
    ];
    for (const [what, remote, device, expected] of table) {
      await t.test(what, async () => {
        assert.equal((await users.checkLogin('alice', PW, remote, T0 + 2, device)).status, expected, what);
      });
    }
    assert.equal((await users.checkLogin('alice', PW, '10.7.7.7', T0 + 1 + MIN)).status, 'ok', 'the ceiling ends after a minute');
  });

  test('behind one shared address (the local listener) a device cookie keeps its owner in', async () => {
    const { users } = fresh();
    await users.create({ name: 'root', password: PW, role: 'admin' });
    assert.equal((await users.checkLogin('root', PW, '127.0.0.1', T0)).status, 'ok', 'root signed in here before');
    let now = T0;
    for (let i = 0; i < 200; i++) {
      const r = await users.checkLogin('root', 'guess', '127.0.0.1', now);
      if (r.status === 'locked') now += r.retryAfterMs;
      assert.ok(r.status !== 'locked' || r.retryAfterMs <= 5 * MIN, 'never locked for more than minutes');
    }
    assert.equal((await users.checkLogin('root', PW, '127.0.0.1', now, 'admin-browser')).status, 'ok');
  });

  test('an unknown name is throttled exactly like a real one', async () => {
    const { users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const run = async (name: string): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i < 25; i++) {
        const r = await users.checkLogin(name, 'guess', `10.1.${name === 'alice' ? 1 : 2}.${i % 3}`, T0 + i);
        out.push(r.status === 'locked' ? `locked ${r.retryAfterMs}` : r.status);
      }
      return out;
    };
    assert.deepEqual(await run('alice'), await run('ghost'));
  });

  test('twenty failures from one unknown address throttle it for every name it does not know; a success takes its count back', async () => {
    const { users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const remote = '::ffff:192.168.1.50';
    for (let i = 0; i < 19; i++) await users.checkLogin(`u${i}`, 'guess', remote, T0);
    assert.equal((await users.checkLogin('alice', PW, '192.168.1.50', T0 + 1)).status, 'ok', 'the mapped address is the same address');
    assert.equal((await users.checkLogin('u99', 'guess', remote, T0 + 2)).status, 'invalid', 'the success took its count back: this is the 20th failure');
    assert.equal((await users.checkLogin('bob', PW, '192.168.1.50', T0 + 3)).status, 'locked');
    assert.equal((await users.checkLogin('alice', PW, '192.168.1.50', T0 + 3)).status, 'ok', 'alice knows this address');
  });

  test('parallel guesses cannot slip past the throttle', async () => {
    const { users } = fresh();
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => users.checkLogin('alice', `guess-${i}`, '10.2.0.1', T0 + i)));
    assert.deepEqual(results.map((r) => r.status).sort(), [...Array(5).fill('invalid'), ...Array(7).fill('locked')]);
  });

  test('wrong current passwords are throttled on the same pair as sign-in', async () => {
    const { users } = fresh();
    const u = await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const at = { remote: '10.0.0.3', now: T0 };
    for (let i = 0; i < 5; i++) assert.deepEqual(await users.changePassword(u.id, `guess-${i}`, 'green-teapot-under-the-stairs', at), { status: 'invalid' });
    assert.deepEqual(await users.changePassword(u.id, PW, 'green-teapot-under-the-stairs', at), { status: 'locked', retryAfterMs: 15_000 });
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.3', T0)).status, 'locked', 'sign-in from that address shares the count');
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.4', T0)).status, 'ok');
  });

  test('a hash made with weaker parameters is upgraded at sign-in', async () => {
    const { db } = fresh();
    const weak = new UserStore(db, { now: () => T0, hashParams: CHEAP });
    await weak.create({ name: 'alice', password: PW, role: 'viewer' });
    const stronger: Argon2Params = { memoryCost: 256, timeCost: 2, parallelism: 1 };
    const users = new UserStore(db, { now: () => T0, hashParams: stronger });
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.1', T0)).status, 'ok');
    const hash = db.prepare<[], { password_hash: string }>('SELECT password_hash FROM users').get()!.password_hash;
    assert.match(hash, /\$m=256,t=2,p=1\$/);
    assert.equal((await users.checkLogin('alice', PW, '10.0.0.1', T0)).status, 'ok');
  });

  test('with production parameters an unknown user takes as long as a wrong password', async () => {
    const { db } = fresh();
    const users = new UserStore(db, { now: () => T0 });
    await users.create({ name: 'alice', password: PW, role: 'viewer' });
    const time = async (name: string, i: number): Promise<number> => {
      const start = performance.now();
      await users.checkLogin(name, 'wrong-password', `10.3.0.${i}`, T0 + i * 10 * MIN);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time('alice', 2 * i));
      unknown.push(await time('ghost', 2 * i + 1));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
    const ratio = median(unknown) / median(known);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
    assert.ok(median(known) > 5, 'argon2id at 19 MiB takes measurable time');
  });
});

test('setRole changes a role and never demotes the last enabled admin', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-role-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(path.join(dir, 'roles.db'));
  const users = new UserStore(db, { hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  const admin = await users.create({ name: 'boss', password: 'a-very-long-password-1', role: 'admin' });
  const viewer = await users.create({ name: 'eve', password: 'a-very-long-password-2', role: 'viewer' });
  assert.throws(() => users.setRole(admin.id, 'viewer'), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_CONFLICT');
  assert.equal(users.setRole(viewer.id, 'admin').role, 'admin');
  assert.equal(users.setRole(admin.id, 'operator').role, 'operator');
  assert.throws(() => users.setRole(viewer.id, 'root' as never), (e: unknown) => e instanceof SightlineError && e.code === 'USER_INVALID');
  assert.throws(() => users.setRole('nobody', 'viewer'), (e: unknown) => e instanceof SightlineError && e.code === 'USER_NOT_FOUND');
  db.close();
});
