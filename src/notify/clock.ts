/**
 * The clock and timer of the notification system, injected so that tests skip backoff delays
 * instead of sleeping: the real one reads `Date.now` and uses unref'd `setTimeout`; the manual one
 * moves only when a test advances it.
 */

/** Runs `fn` once after `delayMs` milliseconds; returns the function that cancels it. */
export type Schedule = (fn: () => void, delayMs: number) => () => void;

/** A clock in epoch ms and a timer that follows it. */
export interface Clock {
  readonly now: () => number;
  readonly schedule: Schedule;
}

/** The real timer: `setTimeout`, unref'd so that a pending retry never keeps a process alive on its own. */
export const systemSchedule: Schedule = (fn, delayMs) => {
  const handle = setTimeout(fn, Math.max(0, delayMs));
  handle.unref();
  return () => clearTimeout(handle);
};

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now(), schedule: systemSchedule };

/** A clock that moves only when told: `advance` runs the timers that fall due, in time order. */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 0;
  private readonly timers = new Map<number, { readonly at: number; readonly fn: () => void }>();

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.time = start;
  }

  /** The current manual time, epoch ms. */
  readonly now = (): number => this.time;

  /** Registers a timer that runs when `advance` passes its time. */
  readonly schedule: Schedule = (fn, delayMs) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), fn });
    return () => {
      this.timers.delete(id);
    };
  };

  /** Timers not yet run. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves the clock forward by `ms`, running each timer that falls due at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { readonly at: number; readonly fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
  }
}
