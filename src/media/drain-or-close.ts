/** Waiting out a child process's full stdin without leaving listeners behind. */
import type { EventEmitter } from 'node:events';

/**
 * Resolves when `stdin` drains or `child` closes, whichever comes first, and removes the listener
 * of the other: a stream that backs up often (an encoder fed raw frames) gains no listener per wait.
 */
export function drainOrClose(stdin: EventEmitter, child: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stdin.off('drain', done);
      child.off('close', done);
      resolve();
    };
    stdin.once('drain', done);
    child.once('close', done);
  });
}
