/**
 * Frame buffers reused instead of reallocated. A camera's frames are all one size (a few hundred
 * kilobytes of RGB each, several per second): allocating a fresh one per frame, and a copy of it,
 * makes the garbage collector of the thread that runs every camera's tracking work for each. A pool
 * hands out a buffer of the asked size when one was given back, a new one otherwise; buffers come
 * back when their last reader is done (the detection worker hands the frame's bytes back with its
 * answer, a picture comes back when a newer one replaced it and no encode still reads it).
 *
 * A buffer given back must not be read or written by whoever gave it: the next `take` reuses it.
 */
export class BufferPool {
  readonly #free = new Map<number, ArrayBuffer[]>();
  readonly #perSize: number;
  #reused = 0;
  #allocated = 0;

  /** `perSize`: how many free buffers of one size it keeps (more are left to the garbage collector). */
  constructor(perSize = 4) {
    if (!Number.isInteger(perSize) || perSize < 0) throw new RangeError(`perSize must be a whole number >= 0, got ${perSize}`);
    this.#perSize = perSize;
  }

  /** A buffer of exactly `bytes` bytes, whose own ArrayBuffer it fills; its content is whatever it held before (not zeroed). */
  take(bytes: number): Uint8Array {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`bytes must be a whole number >= 0, got ${bytes}`);
    const buffer = this.#free.get(bytes)?.pop();
    if (buffer !== undefined) {
      this.#reused++;
      return new Uint8Array(buffer);
    }
    this.#allocated++;
    return new Uint8Array(bytes);
  }

  /**
   * Gives a buffer back for a later `take`. A detached one (moved to another thread: its length is
   * then 0), a SharedArrayBuffer and one beyond `perSize` free ones of its size are ignored.
   */
  give(buffer: ArrayBufferLike | null | undefined): void {
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
    let list = this.#free.get(buffer.byteLength);
    if (list === undefined) {
      list = [];
      this.#free.set(buffer.byteLength, list);
    }
    if (list.length >= this.#perSize || list.includes(buffer)) return;
    list.push(buffer);
  }

  /** A buffer of the pool holding a copy of `bytes`. */
  copyOf(bytes: Uint8Array): Uint8Array {
    const copy = this.take(bytes.length);
    copy.set(bytes);
    return copy;
  }

  /** Takes so far: served from given-back buffers, and newly allocated. */
  get stats(): { readonly reused: number; readonly allocated: number; readonly free: number } {
    let free = 0;
    for (const list of this.#free.values()) free += list.length;
    return { reused: this.#reused, allocated: this.#allocated, free };
  }
}

/** The ArrayBuffer a view fills whole (one that may move to a worker, or go back to a pool), or null when it is part of a larger or shared one. */
export function wholeBuffer(view: Uint8Array): ArrayBuffer | null {
  const own = view.buffer;
  return own instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === own.byteLength ? own : null;
}
