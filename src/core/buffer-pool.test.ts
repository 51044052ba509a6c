import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool, wholeBuffer } from './buffer-pool.ts';

test('BufferPool: a buffer given back is the next one taken of its size, not one of another size', () => {
  const pool = new BufferPool(2);
  const a = pool.take(12);
  assert.equal(a.length, 12);
  assert.equal(a.buffer.byteLength, 12, 'the view fills its own buffer, so it can move to a worker whole');
  a.fill(7);
  pool.give(a.buffer);
  assert.notEqual(pool.take(8).buffer, a.buffer, 'another size is a new buffer');
  const again = pool.take(12);
  assert.equal(again.buffer, a.buffer);
  assert.equal(again[0], 7, 'not zeroed: the caller fills it');
  assert.deepEqual(pool.stats, { reused: 1, allocated: 2, free: 0 });
});

test('BufferPool: keeps at most perSize free buffers of a size, each once, and ignores detached and shared ones', () => {
  const pool = new BufferPool(2);
  const bufs = [pool.take(4), pool.take(4), pool.take(4)].map((b) => b.buffer as ArrayBuffer);
  for (const b of bufs) pool.give(b);
  pool.give(bufs[0]);
  assert.equal(pool.stats.free, 2);
  const moved = pool.take(4).buffer as ArrayBuffer;
  structuredClone(moved, { transfer: [moved] }); // Detaches it, as a postMessage transfer does.
  assert.equal(moved.byteLength, 0);
  pool.give(moved);
  pool.give(new SharedArrayBuffer(4));
  pool.give(null);
  assert.equal(pool.stats.free, 1);
  const first = pool.take(4).buffer;
  assert.notEqual(pool.take(4).buffer, first, 'the one free buffer was handed out once');
});

test('BufferPool.copyOf and wholeBuffer: a pooled copy of the bytes; a view\'s buffer only when the view fills it', () => {
  const pool = new BufferPool(1);
  const src = Uint8Array.from([1, 2, 3]);
  const copy = pool.copyOf(src);
  assert.deepEqual(copy, src);
  assert.notEqual(copy.buffer, src.buffer);
  assert.equal(wholeBuffer(copy), copy.buffer);
  assert.equal(wholeBuffer(copy.subarray(1)), null);
  assert.equal(wholeBuffer(new Uint8Array(new SharedArrayBuffer(3))), null);
});

test('BufferPool: bad sizes are errors', () => {
  assert.throws(() => new BufferPool(-1), RangeError);
  assert.throws(() => new BufferPool(1.5), RangeError);
  assert.throws(() => new BufferPool().take(-3), RangeError);
  assert.throws(() => new BufferPool().take(2.5), RangeError);
});
