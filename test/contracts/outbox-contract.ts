import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GAVE_UP, type Outbox } from '../../src/store/outbox.ts';

/** How the contract opens a fresh, empty outbox (the implementation cleans up after the test run). */
export type OpenOutbox = () => Outbox | Promise<Outbox>;

const HOUR = 60 * 60 * 1000;

/**
 * The contract every `Outbox` implementation passes: ids in order, per-channel due order behind a
 * waiting retry, delivery and give-up marks, retry-now, the two pending counts and pruning.
 */
export function outboxContract(name: string, open: OpenOutbox): void {
  describe(`${name}: outbox contract`, () => {
    test('enqueue, due, delivered, failed, pending and prune', async () => {
      const box = await open();
      const t0 = 1_000_000;
      const a1 = box.enqueue('webhook:a', { n: 1 }, t0);
      const a2 = box.enqueue('webhook:a', { n: 2 }, t0 + 1);
      const b1 = box.enqueue('mqtt', { n: 3 }, t0 + 2);
      assert.ok(a1 < a2 && a2 < b1, 'ids grow in queueing order');
      assert.deepEqual(box.get(a1), { id: a1, channel: 'webhook:a', payload: { n: 1 }, createdAt: t0, attempts: 0, nextAttempt: t0, lastError: null, deliveredAt: null });
      assert.deepEqual(box.due(t0 + 10, 10).map((i) => i.id), [a1, a2, b1]);
      assert.deepEqual(box.due(t0 + 10, 2).map((i) => i.id), [a1, a2]);
      assert.deepEqual(box.due(t0 - 1, 10), [], 'nothing is due before it was queued');
      assert.equal(box.pending(), 3);
      assert.deepEqual(box.channels(), ['mqtt', 'webhook:a']);

      // A failed head holds back the later items of its channel, not the other channels.
      box.markFailed(a1, 'HTTP 500', t0 + 5000);
      assert.deepEqual(box.due(t0 + 10, 10).map((i) => i.id), [b1]);
      assert.deepEqual(box.due(t0 + 5000, 10).map((i) => i.id), [a1, a2, b1]);
      assert.equal(box.get(a1)?.attempts, 1);
      assert.equal(box.get(a1)?.lastError, 'HTTP 500');
      assert.equal(box.head('webhook:a')?.id, a1, 'the head is the oldest pending item, due or not');

      // The far end came back: everything of the channel is due now.
      assert.equal(box.retryNow('webhook:a', t0 + 20), 1);
      assert.deepEqual(box.due(t0 + 20, 10).map((i) => i.id), [a1, a2, b1]);

      box.markDelivered(a1, t0 + 30);
      assert.equal(box.get(a1)?.deliveredAt, t0 + 30);
      box.markDelivered(a1, t0 + 40);
      assert.equal(box.get(a1)?.deliveredAt, t0 + 30, 'a second delivery mark changes nothing');
      assert.equal(box.head('webhook:a')?.id, a2);
      box.markGaveUp(a2, 'gone');
      assert.equal(box.get(a2)?.nextAttempt, GAVE_UP);
      assert.equal(box.get(a2)?.lastError, 'gone');
      assert.equal(box.head('webhook:a'), null);
      assert.deepEqual(box.channels(), ['mqtt'], 'a channel with only given-up items has nothing pending');
      assert.deepEqual(box.due(t0 + 100, 10).map((i) => i.id), [b1], 'a given-up item is neither due nor blocking');
      assert.equal(box.pending(), 1);
      assert.equal(box.undelivered(), 2, 'undelivered counts given-up items too');

      // Prune removes delivered and given-up items older than the cutoff, never pending ones.
      assert.equal(box.prune(t0 + 24 * HOUR, 1), 0);
      assert.equal(box.prune(t0 + 2 + 24 * HOUR, 1), 1, 'a given-up item goes by the time it was queued');
      assert.equal(box.get(a2), null);
      assert.equal(box.prune(t0 + 30 + 24 * HOUR, 1), 0);
      assert.equal(box.prune(t0 + 31 + 24 * HOUR, 1), 1, 'a delivered item goes by the time it was delivered');
      assert.equal(box.get(a1), null);
      assert.notEqual(box.get(b1), null);
      assert.equal(box.undelivered(), 1);
    });

    test('a failure of a delivered item changes nothing, and long errors are cut', async () => {
      const box = await open();
      const id = box.enqueue('email', { n: 1 }, 0);
      box.markFailed(id, 'x'.repeat(5000), 10);
      const failed = box.get(id);
      assert.ok(failed !== null && failed.lastError !== null && failed.lastError.length <= 1000 && failed.lastError.length > 0);
      box.markDelivered(id, 20);
      box.markFailed(id, 'late', 30);
      assert.equal(box.get(id)?.attempts, 1);
      assert.equal(box.get(id)?.deliveredAt, 20);
      assert.equal(box.retryNow('email', 40), 0, 'retryNow moves only waiting, pending items');
    });

    test('payloads come back as they went in', async () => {
      const box = await open();
      const payload = { event: { id: 'e1', data: { count: 3, tags: ['a', 'b'], none: null } }, frameTime: 12.5 };
      const id = box.enqueue('webhook:x_y-1', payload, 5);
      assert.deepEqual(box.get(id)?.payload, payload);
      assert.equal(box.get(id + 1000), null);
    });

    test('bad channel names are refused', async () => {
      const box = await open();
      for (const bad of ['', 'has space', 'x'.repeat(81), 'a/b']) {
        assert.throws(() => box.enqueue(bad, {}, 0), { code: 'STORE_INPUT_INVALID' }, JSON.stringify(bad));
      }
      assert.equal(box.undelivered(), 0);
    });
  });
}
