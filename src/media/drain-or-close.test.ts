import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { drainOrClose } from './drain-or-close.ts';

test('waiting for drain many times leaves no listener on the process or its stdin', async () => {
  const stdin = new EventEmitter();
  const child = new EventEmitter();
  for (let i = 0; i < 50; i++) {
    const waited = drainOrClose(stdin, child);
    stdin.emit('drain');
    await waited;
  }
  assert.equal(child.listenerCount('close'), 0);
  assert.equal(stdin.listenerCount('drain'), 0);
});

test('a process that closes ends the wait and drops the drain listener', async () => {
  const stdin = new EventEmitter();
  const child = new EventEmitter();
  const waited = drainOrClose(stdin, child);
  child.emit('close', 0, null);
  await waited;
  assert.equal(stdin.listenerCount('drain'), 0);
  assert.equal(child.listenerCount('close'), 0);
});
