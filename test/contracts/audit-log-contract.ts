import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError } from '../../src/core/errors.ts';
import { AUDIT_GENESIS_HASH, auditHash, auditMac, type AuditLog } from '../../src/store/audit-log.ts';

/** How the contract opens a fresh, empty audit log on a clock the test moves; with `key`, a keyed log. */
export type OpenAuditLog = (options: { readonly now: () => number; readonly key?: Uint8Array }) => Promise<AuditLog> | AuditLog;

const T0 = Date.UTC(2024, 0, 15, 10);

/** The contract every `AuditLog` implementation passes: an append-only chain (plain or keyed), its head, filters, verification and retention. */
export function auditLogContract(name: string, open: OpenAuditLog): void {
  describe(`${name}: audit log contract`, () => {
    test('entries chain from the genesis hash, in seq order, with the clock, and the head follows', async () => {
      let t = T0;
      const log = await open({ now: () => t });
      assert.deepEqual(log.head(), { seq: 0, hash: AUDIT_GENESIS_HASH });
      assert.deepEqual(log.verify(), { ok: true, entries: 0 });
      const first = log.append({ actor: 'alice', action: 'login' });
      t += 1000;
      const second = log.append({ actor: 'alice', action: 'camera_view', target: 'cam-a', details: { b: 2, a: [1, 'x'] } });
      assert.deepEqual(first, { seq: 1, time: T0, actor: 'alice', action: 'login', target: null, details: {}, prevHash: AUDIT_GENESIS_HASH, hash: auditHash(AUDIT_GENESIS_HASH, 1, T0, 'alice', 'login', null, {}) });
      assert.equal(second.seq, 2);
      assert.equal(second.prevHash, first.hash);
      assert.equal(second.hash, auditHash(first.hash, 2, T0 + 1000, 'alice', 'camera_view', 'cam-a', { a: [1, 'x'], b: 2 }), 'details are hashed canonically');
      assert.deepEqual(log.head(), { seq: 2, hash: second.hash });
      assert.deepEqual(log.list(), [first, second]);
      assert.deepEqual(log.verify(), { ok: true, entries: 2 });
    });

    test('filters: actor, action, target, time range, after a seq, and a limit', async () => {
      let t = T0;
      const log = await open({ now: () => (t += 1000) });
      log.append({ actor: 'alice', action: 'login' });
      log.append({ actor: 'bob', action: 'login' });
      log.append({ actor: 'alice', action: 'export', target: 'cam-a' });
      log.append({ actor: 'system', action: 'server_stop' });
      const seqs = (f: Parameters<AuditLog['list']>[0]): number[] => log.list(f).map((e) => e.seq);
      assert.deepEqual(seqs({ actor: 'alice' }), [1, 3]);
      assert.deepEqual(seqs({ action: 'login' }), [1, 2]);
      assert.deepEqual(seqs({ target: 'cam-a' }), [3]);
      assert.deepEqual(seqs({ from: T0 + 2000, to: T0 + 4000 }), [2, 3], 'half-open time range');
      assert.deepEqual(seqs({ afterSeq: 2 }), [3, 4]);
      assert.deepEqual(seqs({ limit: 2 }), [1, 2]);
      for (const bad of [{ from: T0 + 5000, to: T0 }, { afterSeq: -1 }, { limit: 0 }]) {
        assert.throws(() => log.list(bad), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_INPUT_INVALID', JSON.stringify(bad));
      }
    });

    test('countByAction counts the entries of each action in a half-open time range', async () => {
      let t = T0;
      const log = await open({ now: () => (t += 1000) });
      for (const action of ['live_view', 'live_view', 'export', 'login', 'live_view']) log.append({ actor: 'alice', action });
      assert.deepEqual(log.countByAction(T0, T0 + 10_000), { export: 1, live_view: 3, login: 1 });
      assert.deepEqual(log.countByAction(T0 + 2000, T0 + 4000), { live_view: 1, export: 1 }, 'from included, to excluded');
      assert.deepEqual(log.countByAction(T0 + 60_000, T0 + 120_000), {});
      assert.throws(() => log.countByAction(T0 + 5000, T0), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_INPUT_INVALID');
    });

    test('an empty actor or action is refused and writes nothing', async () => {
      const log = await open({ now: () => T0 });
      for (const bad of [{ actor: '', action: 'x' }, { actor: 'x', action: ' ' }]) {
        assert.throws(() => log.append(bad), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_INPUT_INVALID');
      }
      assert.deepEqual(log.head(), { seq: 0, hash: AUDIT_GENESIS_HASH });
    });

    test('a keyed log seals entries with the HMAC and verifies with its key', async () => {
      const key = Buffer.alloc(32, 9);
      const log = await open({ now: () => T0, key });
      const e = log.append({ actor: 'system', action: 'server_start', details: { cameras: 2 } });
      assert.equal(e.hash, auditMac(key, AUDIT_GENESIS_HASH, 1, T0, 'system', 'server_start', null, { cameras: 2 }));
      assert.deepEqual(log.verify(), { ok: true, entries: 1 });
    });

    for (const keyed of [false, true]) {
      test(`retention${keyed ? ' (keyed)' : ''}: purgeBefore deletes the oldest entries, records the purge, and the rest still verifies`, async () => {
        const DAY = 86_400_000;
        let t = T0;
        const log = await open({ now: () => t, ...(keyed && { key: Buffer.alloc(32, 7) }) });
        for (let day = 0; day < 4; day++) {
          t = T0 + day * DAY;
          log.append({ actor: 'alice', action: 'live_view', target: `cam-${day}` });
        }
        t = T0 + 10 * DAY;
        const kept = log.list({ afterSeq: 2 });
        assert.deepEqual(log.purgeBefore(T0 + 2 * DAY), { deleted: 2, throughSeq: 2 });
        const after = log.list();
        assert.deepEqual(after.slice(0, 2), kept, 'the entries at or after the time stay as they were');
        assert.deepEqual(
          after.slice(2).map((e) => [e.seq, e.time, e.actor, e.action, e.details]),
          [[5, T0 + 10 * DAY, 'system', 'audit_purge', { before: T0 + 2 * DAY, deleted: 2, throughSeq: 2 }]],
          'the purge is itself audited',
        );
        assert.deepEqual(log.verify(), { ok: true, entries: 3, purgedThrough: 2 });
        assert.deepEqual(log.purgeBefore(T0 + 2 * DAY), { deleted: 0, throughSeq: 2 }, 'nothing more to delete: no entry written');
        assert.equal(log.head().seq, 5);
        log.append({ actor: 'bob', action: 'login' });
        assert.deepEqual(log.purgeBefore(T0 + 11 * DAY), { deleted: 4, throughSeq: 6 }, 'everything older goes, even the previous purge entry');
        assert.deepEqual(log.list().map((e) => [e.seq, e.action]), [[7, 'audit_purge']]);
        assert.deepEqual(log.verify(), { ok: true, entries: 1, purgedThrough: 6 });
        assert.throws(() => log.purgeBefore(-1), (e: unknown) => e instanceof SightlineError && e.code === 'STORE_INPUT_INVALID');
      });
    }
  });
}
