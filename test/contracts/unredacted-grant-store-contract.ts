import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import type { UnredactedGrantStore } from '../../src/store/unredacted-grants.ts';

/** A fresh, empty grant store whose users `u1` and `u2` and cameras `A` and `B` exist. */
export type OpenUnredactedGrantStore = () => Promise<UnredactedGrantStore> | UnredactedGrantStore;

const T0 = Date.UTC(2024, 5, 1, 9);
const MIN = 60_000;
const REASON = 'Police request 2024-117: identify the person at the door';

function throwsCode(run: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof SightlineError, `expected SightlineError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

/** The contract every `UnredactedGrantStore` implementation passes: grants, their time limits, ending them, one active per user and camera. */
export function unredactedGrantStoreContract(name: string, open: OpenUnredactedGrantStore): void {
  describe(`${name}: unredacted grant store contract`, () => {
    test('a grant is stored with its trimmed reason and read back as stored', async () => {
      const grants = await open();
      const g = grants.add({ userId: 'u1', cameraId: 'A', reason: `  ${REASON}\n`, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      assert.equal(typeof g.id, 'string');
      assert.ok(g.id.length > 0);
      assert.deepEqual(g, { id: g.id, cameraId: 'A', userId: 'u1', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN, endedAt: null, endedBy: null });
      assert.deepEqual(grants.get(g.id), g);
      assert.equal(grants.get('no-such-grant'), undefined);
    });

    test('bad reasons, times, users and cameras are refused and nothing is stored', async (t) => {
      const grants = await open();
      const ok = { userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + MIN };
      const cases: [string, Partial<typeof ok>, ErrorCode, RegExp][] = [
        ['no reason', { reason: '' }, 'STORE_INPUT_INVALID', /10 to 500 characters, not 0/],
        ['blank reason', { reason: '           ' }, 'STORE_INPUT_INVALID', /not 0/],
        ['nine characters after trimming', { reason: '  123456789  ' }, 'STORE_INPUT_INVALID', /not 9/],
        ['501 characters', { reason: 'x'.repeat(501) }, 'STORE_INPUT_INVALID', /not 501/],
        ['five emoji (ten UTF-16 units, five characters)', { reason: '😀😀😀😀😀' }, 'STORE_INPUT_INVALID', /not 5/],
        ['expiry at the grant', { expiresAt: T0 }, 'STORE_INPUT_INVALID', /expiresAt/],
        ['expiry before the grant', { expiresAt: T0 - 1 }, 'STORE_INPUT_INVALID', /expiresAt/],
        ['a fractional time', { grantedAt: T0 + 0.5 }, 'STORE_INPUT_INVALID', /grantedAt/],
        ['a negative time', { grantedAt: -1 }, 'STORE_INPUT_INVALID', /grantedAt/],
        ['an unknown user', { userId: 'nobody' }, 'USER_NOT_FOUND', /nobody/],
        ['an unknown camera', { cameraId: 'Z' }, 'CAMERA_NOT_FOUND', /Z/],
      ];
      for (const [what, change, code, message] of cases) {
        await t.test(what, () => throwsCode(() => grants.add({ ...ok, ...change }), code, message));
      }
      assert.deepEqual(grants.list(), []);
      const tenEmoji = grants.add({ ...ok, reason: '😀'.repeat(10) });
      const longest = grants.add({ ...ok, cameraId: 'B', reason: 'y'.repeat(500) });
      assert.deepEqual([tenEmoji.reason, longest.reason.length], ['😀'.repeat(10), 500]);
    });

    test('a grant is active from its start until its expiry, for its user and camera only', async () => {
      const grants = await open();
      const g = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      const at = (userId: string, cameraId: string, now: number): string | undefined => grants.activeFor(userId, cameraId, now)?.id;
      assert.equal(at('u1', 'A', T0 - 1), undefined);
      assert.equal(at('u1', 'A', T0), g.id);
      assert.equal(at('u1', 'A', T0 + 15 * MIN - 1), g.id);
      assert.equal(at('u1', 'A', T0 + 15 * MIN), undefined);
      assert.equal(at('u1', 'B', T0 + MIN), undefined);
      assert.equal(at('u2', 'A', T0 + MIN), undefined);
    });

    test('one active grant per user and camera: a second is refused until the first is over', async () => {
      const grants = await open();
      const first = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      throwsCode(() => grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0 + MIN, expiresAt: T0 + 20 * MIN }), 'STORE_CONFLICT', /already sees camera A unredacted/);
      const otherCamera = grants.add({ userId: 'u1', cameraId: 'B', reason: REASON, grantedAt: T0 + MIN, expiresAt: T0 + 20 * MIN });
      const otherUser = grants.add({ userId: 'u2', cameraId: 'A', reason: REASON, grantedAt: T0 + MIN, expiresAt: T0 + 20 * MIN });
      const after = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0 + 15 * MIN, expiresAt: T0 + 30 * MIN });
      assert.equal(new Set([first.id, otherCamera.id, otherUser.id, after.id]).size, 4);
      assert.equal(grants.activeFor('u1', 'A', T0 + 16 * MIN)?.id, after.id);
    });

    test('ending a grant early: it stops at once, records who and when, and ending again changes nothing', async () => {
      const grants = await open();
      const g = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      const ended = grants.end(g.id, T0 + 5 * MIN, 'alice');
      assert.deepEqual(ended, { ...g, endedAt: T0 + 5 * MIN, endedBy: 'alice' });
      assert.equal(grants.activeFor('u1', 'A', T0 + 5 * MIN), undefined);
      assert.deepEqual(grants.end(g.id, T0 + 6 * MIN, 'bob'), ended);
      assert.deepEqual(grants.get(g.id), ended);
      assert.equal(grants.end('no-such-grant', T0, 'alice'), undefined);
      // A new grant may follow at once.
      assert.equal(grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0 + 5 * MIN, expiresAt: T0 + 10 * MIN }).endedAt, null);
    });

    test('ending an expired grant leaves it as it ran out', async () => {
      const grants = await open();
      const g = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + MIN });
      assert.deepEqual(grants.end(g.id, T0 + MIN, 'alice'), g);
      assert.deepEqual(grants.get(g.id), g);
    });

    test('purgeBefore deletes the grants over before the time (ended or expired) and keeps those running then', async () => {
      const grants = await open();
      const expired = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + MIN });
      const endedEarly = grants.add({ userId: 'u2', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + 60 * MIN });
      grants.end(endedEarly.id, T0 + 2 * MIN, 'alice');
      const running = grants.add({ userId: 'u1', cameraId: 'B', reason: REASON, grantedAt: T0, expiresAt: T0 + 60 * MIN });
      assert.deepEqual(grants.purgeBefore(T0 + MIN), { deleted: 0 }, 'a grant expiring at the cutoff is not yet before it');
      assert.deepEqual(grants.purgeBefore(T0 + 3 * MIN), { deleted: 2 });
      assert.equal(grants.get(expired.id), undefined);
      assert.equal(grants.get(endedEarly.id), undefined);
      assert.deepEqual(grants.get(running.id), running);
      throwsCode(() => grants.purgeBefore(Number.NaN), 'STORE_INPUT_INVALID');
    });

    test('endAllOf ends only the active grants of that user', async () => {
      const grants = await open();
      const a = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      const b = grants.add({ userId: 'u1', cameraId: 'B', reason: REASON, grantedAt: T0, expiresAt: T0 + 30 * MIN });
      const expired = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0 - 20 * MIN, expiresAt: T0 - 10 * MIN });
      const other = grants.add({ userId: 'u2', cameraId: 'A', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      const ended = grants.endAllOf('u1', T0 + MIN, 'admin');
      assert.deepEqual(ended.map((g) => g.id).sort(), [a.id, b.id].sort());
      for (const g of ended) assert.deepEqual([g.endedAt, g.endedBy], [T0 + MIN, 'admin']);
      assert.deepEqual(grants.get(expired.id), expired);
      assert.deepEqual(grants.get(other.id), other);
      assert.deepEqual(grants.endAllOf('u1', T0 + 2 * MIN, 'admin'), []);
    });

    test('list: newest first, by user, camera, active or not at a time, limited', async () => {
      const grants = await open();
      const old = grants.add({ userId: 'u1', cameraId: 'A', reason: REASON, grantedAt: T0 - 60 * MIN, expiresAt: T0 - 45 * MIN });
      const mine = grants.add({ userId: 'u1', cameraId: 'B', reason: REASON, grantedAt: T0, expiresAt: T0 + 15 * MIN });
      const theirs = grants.add({ userId: 'u2', cameraId: 'A', reason: REASON, grantedAt: T0 + MIN, expiresAt: T0 + 15 * MIN });
      const ids = (list: readonly { id: string }[]): string[] => list.map((g) => g.id);
      assert.deepEqual(ids(grants.list()), [theirs.id, mine.id, old.id]);
      assert.deepEqual(ids(grants.list({ userId: 'u1' })), [mine.id, old.id]);
      assert.deepEqual(ids(grants.list({ cameraId: 'A' })), [theirs.id, old.id]);
      assert.deepEqual(ids(grants.list({ activeAt: T0 + 2 * MIN })), [theirs.id, mine.id]);
      assert.deepEqual(ids(grants.list({ inactiveAt: T0 + 2 * MIN })), [old.id]);
      assert.deepEqual(ids(grants.list({ userId: 'u1', activeAt: T0 + 2 * MIN })), [mine.id]);
      assert.deepEqual(ids(grants.list({ limit: 1 })), [theirs.id]);
      grants.end(mine.id, T0 + 3 * MIN, 'u1');
      assert.deepEqual(ids(grants.list({ activeAt: T0 + 4 * MIN })), [theirs.id]);
      assert.deepEqual(ids(grants.list({ inactiveAt: T0 + 4 * MIN })), [mine.id, old.id]);
      for (const limit of [0, 1001, 1.5]) throwsCode(() => grants.list({ limit }), 'STORE_INPUT_INVALID', /limit/);
    });
  });
}
