/**
 * Login throttling counts on SQLite: the `login_failures` and `login_known` tables behind prepared
 * statements, admit and forgive in immediate transactions; see ./login-throttle-store.ts.
 */
import type { Database } from 'better-sqlite3';
import { countingFailures, DEFAULT_THROTTLE_POLICY, remainingLockMs, type FailureState, type ThrottleKey, type ThrottlePolicy } from '../security/login-throttle.ts';
import type { Admission, LoginThrottleStore } from './login-throttle-store.ts';

interface FailureRow {
  failures: number;
  last_failure: number;
}

/** The throttling state of one database; the connection stays the caller's. */
export class SqliteLoginThrottle implements LoginThrottleStore {
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
      prune: db.prepare<[string, number]>('DELETE FROM login_failures WHERE scope = ? AND last_failure < ?'),
      known: db.prepare<[string, string, number], { one: number }>('SELECT 1 AS one FROM login_known WHERE name = ? AND remote = ? AND last_login > ?'),
      remember: db.prepare<[string, string, number]>(
        'INSERT INTO login_known (name, remote, last_login) VALUES (?, ?, ?) ON CONFLICT (name, remote) DO UPDATE SET last_login = excluded.last_login',
      ),
      pruneKnown: db.prepare<[number]>('DELETE FROM login_known WHERE last_login <= ?'),
    };
  }

  #state(k: ThrottleKey): FailureState | undefined {
    const row = this.#s.get.get(k.scope, k.key);
    return row === undefined ? undefined : { failures: row.failures, lastFailure: row.last_failure };
  }

  /** Failures that still count for a key at `now` (0 once forgotten). */
  failures(k: ThrottleKey, now: number): number {
    return countingFailures(this.#state(k), this.policy[k.scope], now);
  }

  /** How long the key stays throttled from `now`, ms; 0 when it is not. */
  lockedForMs(k: ThrottleKey, now: number): number {
    return remainingLockMs(this.#state(k), this.policy[k.scope], now);
  }

  /** True when the name signed in successfully from this address within {@link ThrottlePolicy.knownForMs}. */
  isKnown(name: string, remote: string, now: number): boolean {
    return this.#s.known.get(name, remote, now - this.policy.knownForMs) !== undefined;
  }

  /** Records a successful sign-in of the name from the address, making the pair known. */
  remember(name: string, remote: string, now: number): void {
    this.#s.remember.run(name, remote, now);
  }

  /**
   * In one immediate transaction: when any key is throttled, returns the longest remaining lock and counts
   * nothing; otherwise counts one failure against every key, stamped `now`. Counting before the
   * password is checked means parallel guesses cannot all slip in before the lock; a sign-in that
   * then succeeds takes its count back with {@link forgive} or {@link reset}.
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

  /** Deletes the rows that no longer count at `now` (and addresses no longer known), returning how many. */
  prune(now: number): number {
    let n = 0;
    for (const scope of ['pair', 'remote', 'name'] as const) n += this.#s.prune.run(scope, now - this.policy[scope].forgetAfterMs).changes;
    return n + this.#s.pruneKnown.run(now - this.policy.knownForMs).changes;
  }
}
