/**
 * A bound on heavy jobs (clip and export: one ffmpeg each): so many running per server and so many
 * per caller. A job beyond either answers 429 TOO_BUSY with Retry-After.
 */
import type { FastifyReply } from 'fastify';
import { SightlineError } from '../core/errors.ts';

/** Most clip and export jobs running at once on one server. */
export const MAX_JOBS = 2;

/** Most clip and export jobs running at once for one caller. */
export const MAX_JOBS_PER_CALLER = 1;

/** Seconds a refused caller is told to wait. */
export const JOB_RETRY_AFTER_S = 5;

/** Counts running jobs, in all and per caller. */
export class JobLimiter {
  #running = 0;
  readonly #perCaller = new Map<string, number>();

  /** A limiter of `max` jobs at once, `maxPerCaller` for each caller. */
  constructor(
    private readonly max: number = MAX_JOBS,
    private readonly maxPerCaller: number = MAX_JOBS_PER_CALLER,
  ) {}

  /** Takes a slot for the caller and returns its release (idempotent), or null when none is free. */
  tryAcquire(caller: string): (() => void) | null {
    const mine = this.#perCaller.get(caller) ?? 0;
    if (this.#running >= this.max || mine >= this.maxPerCaller) return null;
    this.#running += 1;
    this.#perCaller.set(caller, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running -= 1;
      const left = (this.#perCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.#perCaller.set(caller, left);
      else this.#perCaller.delete(caller);
    };
  }

  /**
   * Runs the job in a slot of the caller, releasing it when the job settles; when no slot is free,
   * sets Retry-After on the reply and throws TOO_BUSY (429).
   */
  async run<T>(caller: string, reply: FastifyReply, job: () => Promise<T>): Promise<T> {
    const release = this.tryAcquire(caller);
    if (release === null) {
      void reply.header('retry-after', String(JOB_RETRY_AFTER_S));
      const mine = (this.#perCaller.get(caller) ?? 0) >= this.maxPerCaller;
      throw new SightlineError(
        'TOO_BUSY',
        mine
          ? `you already run ${this.maxPerCaller} clip or export job${this.maxPerCaller === 1 ? '' : 's'}; wait for it to finish`
          : `the server already runs ${this.max} clip or export jobs; try again in ${JOB_RETRY_AFTER_S} s`,
      );
    }
    try {
      return await job();
    } finally {
      release();
    }
  }
}
