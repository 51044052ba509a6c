import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import type { User, UserStore } from '../../src/store/users.ts';

/**
 * How the contract opens a fresh, empty user store: clock fixed at {@link USERS_T0}, ids `u1`,
 * `u2`, ..., and cheap password hashing.
 */
export type OpenUserStore = () => Promise<UserStore> | UserStore;

/** The fixed clock of a fresh user store. */
export const USERS_T0 = Date.UTC(2024, 0, 15, 10);
const T0 = USERS_T0;
const MIN = 60_000;
const PW = 'blue-kettle-on-the-roof';

/** Asserts that `run` rejects with a SightlineError of `code` (and a message matching `message`). */
export async function rejectsCode(run: () => unknown, code: ErrorCode, message?: RegExp): Promise<void> {
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

/** A user's role and unredacted-video flag. */
const pick = (u: User): [User['role'], boolean] => [u.role, u.unredactedVideo];

/** The contract every `UserStore` implementation passes: accounts, all-or-nothing updates, the last-admin rule and throttled sign-ins. */
export function userStoreContract(name: string, open: OpenUserStore): void {
  describe(`${name}: user store contract`, () => {
    describe(`${name}: user store: accounts`, () => {
      test('create refuses bad names, roles, weak passwords and taken names', async (t) => {
        const users = await open();
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

      test('change password: the current one is verified, the new one checked', async () => {
        const users = await open();
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
        const users = await open();
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

    describe(`${name}: user store: an admin's update is all or nothing`, () => {
      test('a refused role change leaves the password, role and flag as they were', async (t) => {
        const users = await open();
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
        const users = await open();
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

      test('the unredacted-video flag: nobody has it at first, admins included; operators and admins may get it, viewers never', async () => {
        const users = await open();
        const root = await users.create({ name: 'root', password: PW, role: 'admin' });
        const op = await users.create({ name: 'olga', password: PW, role: 'operator' });
        const viewer = await users.create({ name: 'vic', password: PW, role: 'viewer' });
        for (const u of [root, op, viewer]) assert.equal(u.unredactedVideo, false, u.name);
        assert.equal((await users.update(op.id, { unredactedVideo: true })).user.unredactedVideo, true);
        assert.equal((await users.update(root.id, { unredactedVideo: true })).user.unredactedVideo, true);
        assert.equal(users.findById(op.id)?.unredactedVideo, true);
        await rejectsCode(() => users.update(viewer.id, { unredactedVideo: true }), 'USER_INVALID', /viewers may never see unredacted video/);
        // Made a viewer and given the flag at once: refused, all or nothing.
        await rejectsCode(() => users.update(op.id, { role: 'viewer', unredactedVideo: true }), 'USER_INVALID', /made a viewer/);
        assert.deepEqual(users.findById(op.id), { ...op, unredactedVideo: true });
        // Promoted and given the flag at once: fine.
        assert.deepEqual(pick((await users.update(viewer.id, { role: 'operator', unredactedVideo: true })).user), ['operator', true]);
        // A user made a viewer loses the flag, by update or by setRole.
        assert.deepEqual(pick((await users.update(op.id, { role: 'viewer' })).user), ['viewer', false]);
        assert.deepEqual(pick(users.setRole(viewer.id, 'viewer')), ['viewer', false]);
        // Taken away.
        assert.equal((await users.update(root.id, { unredactedVideo: false })).user.unredactedVideo, false);
        assert.deepEqual(users.list().map((u) => [u.name, u.unredactedVideo]), [['olga', false], ['root', false], ['vic', false]]);
      });
    });

    describe(`${name}: user store: sign-in`, () => {
      test('ok, wrong password, unknown user, disabled: only ok says anything', async () => {
        const users = await open();
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

      test('failures from one address never deny the right password from another', async () => {
        const users = await open();
        await users.create({ name: 'alice', password: PW, role: 'viewer' });
        for (let i = 0; i < 50; i++) await users.checkLogin('alice', `guess-${i}`, '10.0.0.66', T0 + i);
        assert.equal((await users.checkLogin('alice', PW, '10.0.0.7', T0 + 100)).status, 'ok');
        const locked = await users.checkLogin('alice', PW, '10.0.0.66', T0 + 100);
        assert.equal(locked.status, 'locked');
        assert.ok(locked.status === 'locked' && locked.retryAfterMs <= 15_000, 'a short slow-down, not an hour');
      });

      test('many addresses hit the per-name ceiling, which spares known addresses and devices and ends in minutes', async (t) => {
        const users = await open();
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
        const users = await open();
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
        const users = await open();
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
        const users = await open();
        await users.create({ name: 'alice', password: PW, role: 'viewer' });
        const remote = '::ffff:192.168.1.50';
        for (let i = 0; i < 19; i++) await users.checkLogin(`u${i}`, 'guess', remote, T0);
        assert.equal((await users.checkLogin('alice', PW, '192.168.1.50', T0 + 1)).status, 'ok', 'the mapped address is the same address');
        assert.equal((await users.checkLogin('u99', 'guess', remote, T0 + 2)).status, 'invalid', 'the success took its count back: this is the 20th failure');
        assert.equal((await users.checkLogin('bob', PW, '192.168.1.50', T0 + 3)).status, 'locked');
        assert.equal((await users.checkLogin('alice', PW, '192.168.1.50', T0 + 3)).status, 'ok', 'alice knows this address');
      });

      test('parallel guesses cannot slip past the throttle', async () => {
        const users = await open();
        await users.create({ name: 'alice', password: PW, role: 'viewer' });
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => users.checkLogin('alice', `guess-${i}`, '10.2.0.1', T0 + i)));
        assert.deepEqual(results.map((r) => r.status).sort(), [...Array(5).fill('invalid'), ...Array(7).fill('locked')]);
      });

      test('wrong current passwords are throttled on the same pair as sign-in', async () => {
        const users = await open();
        const u = await users.create({ name: 'alice', password: PW, role: 'viewer' });
        const at = { remote: '10.0.0.3', now: T0 };
        for (let i = 0; i < 5; i++) assert.deepEqual(await users.changePassword(u.id, `guess-${i}`, 'green-teapot-under-the-stairs', at), { status: 'invalid' });
        assert.deepEqual(await users.changePassword(u.id, PW, 'green-teapot-under-the-stairs', at), { status: 'locked', retryAfterMs: 15_000 });
        assert.equal((await users.checkLogin('alice', PW, '10.0.0.3', T0)).status, 'locked', 'sign-in from that address shares the count');
        assert.equal((await users.checkLogin('alice', PW, '10.0.0.4', T0)).status, 'ok');
      });
    });
  });
}
