/**
 * Where login throttling keeps its counts: failed sign-ins per key and the addresses each name
 * signed in from, kept in the store so that a restart does not reset them. The rules (which keys,
 * how long a lock lasts) are in src/security/login-throttle.ts; implementations pass the contract
 * suite in test/contracts/login-throttle-contract.ts.
 *
 * The interface is synchronous, like the user store's sign-in checks that use it.
 */
import type { ThrottleKey, ThrottlePolicy } from '../security/login-throttle.ts';

/** What {@link LoginThrottleStore.admit} decided: the remaining lock (0 when admitted) and what to restore on success. */
export interface Admission {
  /** How long the longest lock among the keys still lasts, ms; 0 when the attempt was admitted and counted. */
  readonly lockedMs: number;
  /** Each key's time of last failure before this attempt was counted (undefined: none), by key index. */
  readonly previousLastFailure: readonly (number | undefined)[];
}

/** The throttling state of one store, under one policy. */
export interface LoginThrottleStore {
  /** The rules the counts are read with. */
  readonly policy: ThrottlePolicy;
  /** Failures that still count for a key at `now` (0 once forgotten). */
  failures(k: ThrottleKey, now: number): number;
  /** How long the key stays throttled from `now`, ms; 0 when it is not. */
  lockedForMs(k: ThrottleKey, now: number): number;
  /** True when the name signed in successfully from this address within {@link ThrottlePolicy.knownForMs}. */
  isKnown(name: string, remote: string, now: number): boolean;
  /** Records a successful sign-in of the name from the address, making the pair known. */
  remember(name: string, remote: string, now: number): void;
  /**
   * Atomically: when any key is throttled, returns the longest remaining lock and counts nothing;
   * otherwise counts one failure against every key, stamped `now`. Counting before the password is
   * checked means parallel guesses cannot all slip in before the lock; a sign-in that then succeeds
   * takes its count back with {@link forgive} or {@link reset}.
   */
  admit(keys: readonly ThrottleKey[], now: number): Admission;
  /**
   * Takes back the failure that {@link admit} counted at `now` against the key at `index` of its
   * keys: one fewer failure, and the previous time of the last failure unless another failure came
   * since; the key is forgotten at zero.
   */
  forgive(keys: readonly ThrottleKey[], index: number, admission: Admission, now: number): void;
  /** Forgets every failure of a key. */
  reset(k: ThrottleKey): void;
  /** Deletes the counts that no longer count at `now` (and addresses no longer known), returning how many. */
  prune(now: number): number;
}
