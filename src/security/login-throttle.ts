/**
 * Login throttling: failed sign-ins counted per user name (whether or not the user exists, so that a
 * lockout reveals nothing) and per remote address, in the database so that a restart does not reset
 * them. After `threshold` failures a key is locked for `baseLockMs`, doubling with each further
 * failure up to `maxLockMs`; failures are forgotten `forgetAfterMs` after the last one.
 */
import { isIPv4 } from 'node:net';
import type { Database } from 'better-sqlite3';

/** The lockout rules. */
export interface ThrottlePolicy {
  /** Failures that trigger the first lock. */
  readonly threshold: number;
  /** Length of the first lock, ms. */
  readonly baseLockMs: number;
  /** Longest lock, ms. */
  readonly maxLockMs: number;
  /** Failures older than this (since the last one) no longer count, ms. */
  readonly forgetAfterMs: number;
}

/** Five failures lock for a minute, each further failure doubles it, up to an hour; forgotten after a day. */
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = Object.freeze({ threshold: 5, baseLockMs: 60_000, maxLockMs: 3_600_000, forgetAfterMs: 86_400_000 });

/** What is being throttled: a user name or a remote address. */
export type ThrottleScope = 'user' | 'remote';

/** One throttled key. */
export interface ThrottleKey {
  readonly scope: ThrottleScope;
  readonly key: string;
}

/** The lock after `failures` failures: 0 below the threshold, then base doubling per failure, capped. */
export function lockoutMs(failures: number, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 52);
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** doublings);
}

/** A remote address in one spelling: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, IPv6 lower-case. */
export function normalizeRemote(remote: string): string {
  const r = remote.trim().toLowerCase();
  const mapped = /^::ffff:(.+)$/.exec(r);
  return mapped !== null && isIPv4(mapped[1]!) ? mapped[1]! : r;
}

/** What {@link LoginThrottle.admit} decided: the remaining lock (0 when admitted) and what to restore on success. */
export interface Admission {
  /** How long the longest lock among the keys still lasts, ms; 0 when the attempt was admitted and counted. */
  readonly lockedMs: number;
  /** Each key's time of last failure before this attempt was counted (undefined: none), by key index. */
  readonly previousLastFailure: readonly (number | undefined)[];
}

interface FailureRow {
  failures: number;
  last_failure: number;
}

/** The throttling state of one database. */
export class LoginThrottle {
  readonly #db: Database;
  readonly policy: ThrottlePolicy;
  readonly #s;

  /** Throttling over an open, migrated connection, with the given policy. */
  constructor(db: Database, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY) {
    this.#db = db;
    this.policy = policy;
    this.#s = {
      get: db.prepare<[string, string], FailureRow>('SELECT failures, last_failure FROM login_failures WHERE scope = ? AND key = ?'),
      put: db.prepare<[string, string, number, number]>(
        `INSERT INTO login_failures (scope, key, failures, last_failure) VALUES (?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure`,
      ),
      del: db.prepare<[string, string]>('DELETE FROM login_failures WHERE scope = ? AND key = ?'),
      prune: db.prepare<[number]>('DELETE FROM login_failures WHERE last_failure < ?'),
    };
  }

  /** Failures that still count for a key at `now` (0 once forgotten). */
  failures(k: ThrottleKey, now: number): number {
    const row = this.#s.get.get(k.scope, k.key);
    if (row === undefined || now - row.last_failure >= this.policy.forgetAfterMs) return 0;
    return row.failures;
  }

  /** How long the key stays locked from `now`, ms; 0 when it is not locked. */
  lockedForMs(k: ThrottleKey, now: number): number {
    const row = this.#s.get.get(k.scope, k.key);
    if (row === undefined || now - row.last_failure >= this.policy.forgetAfterMs) return 0;
    return Math.max(0, row.last_failure + lockoutMs(row.failures, this.policy) - now);
  }

  /**
   * In one transaction: when any key is locked, returns the longest remaining lock and counts
   * nothing; otherwise counts one failure against every key, stamped `now`. Counting before the
   * password is checked means parallel guesses cannot all slip in before the lock; a sign-in that
   * then succeeds takes its count back with {@link forgive}, giving it the admission.
   */
  admit(keys: readonly ThrottleKey[], now: number): Admission {
    return this.#db.transaction((): Admission => {
      const lockedMs = Math.max(0, ...keys.map((k) => this.lockedForMs(k, now)));
      if (lockedMs > 0) return { lockedMs, previousLastFailure: [] };
      const previousLastFailure = keys.map((k) => this.#s.get.get(k.scope, k.key)?.last_failure);
      for (const k of keys) this.#s.put.run(k.scope, k.key, this.failures(k, now) + 1, now);
      return { lockedMs: 0, previousLastFailure };
    }).immediate();
  }

  /**
   * Takes back the failure that {@link admit} counted at `now` against the key at `index` of its
   * keys: one fewer failure, and the previous time of the last failure unless another failure came
   * since; the row goes at zero.
   */
  forgive(keys: readonly ThrottleKey[], index: number, admission: Admission, now: number): void {
    const k = keys[index];
    if (k === undefined) throw new RangeError(`no throttle key at index ${index}`);
    this.#db.transaction(() => {
      const row = this.#s.get.get(k.scope, k.key);
      if (row === undefined) return;
      const n = this.failures(k, now) - 1;
      const previous = admission.previousLastFailure[index];
      if (n <= 0) this.#s.del.run(k.scope, k.key);
      else this.#s.put.run(k.scope, k.key, n, row.last_failure === now && previous !== undefined ? previous : row.last_failure);
    }).immediate();
  }

  /** Forgets every failure of a key. */
  reset(k: ThrottleKey): void {
    this.#s.del.run(k.scope, k.key);
  }

  /** Deletes the rows that no longer count at `now`, returning how many. */
  prune(now: number): number {
    return this.#s.prune.run(now - this.policy.forgetAfterMs).changes;
  }
}
