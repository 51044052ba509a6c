/**
 * Login throttling that slows guessing down without letting anyone lock a user out. Failed sign-ins
 * are counted, in the database so that a restart does not reset them, under three keys:
 *
 * - `pair`: the user name with where the attempt came from (the browser's signed device cookie when
 *   it has a valid one for that name, else the remote address). Always applies.
 * - `remote`: the remote address, over every name. Applies to unknown pairs only.
 * - `name`: the user name (existing or not, so that throttling reveals nothing), over every address:
 *   the per-name ceiling. Applies to unknown pairs only.
 *
 * A pair is known when the attempt carries the name's device cookie or comes from an address the
 * name signed in from before. So failures from elsewhere never deny a known pair, and a correct
 * password is accepted unless a key that applies to the attempt is throttled. A key past its
 * threshold is throttled for a lock that starts short, doubles with each further failure up to a
 * cap of minutes, and is forgotten a while after the last failure. Attempts refused while
 * throttled are not counted, so nobody can extend a lock by hammering it.
 */
import { isIPv4 } from 'node:net';

/** The rules of one key kind. */
export interface ThrottleRule {
  /** Failures that trigger the first lock. */
  readonly threshold: number;
  /** Length of the first lock, ms. */
  readonly baseLockMs: number;
  /** Longest lock, ms. */
  readonly maxLockMs: number;
  /** Failures no longer count this long after the last one, ms. */
  readonly forgetAfterMs: number;
}

/** What is being throttled: a name with a device or address, an address, or a name. */
export type ThrottleScope = 'pair' | 'remote' | 'name';

/** The rules of each key kind, and how long a successful sign-in makes its address known. */
export interface ThrottlePolicy {
  readonly pair: ThrottleRule;
  readonly remote: ThrottleRule;
  readonly name: ThrottleRule;
  /** How long an address stays known for a name after a successful sign-in from it, ms. */
  readonly knownForMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Pairs: 5 failures, then 15 s doubling to at most 5 min, forgotten after 15 min. Addresses and the
 * per-name ceiling (unknown pairs only): 20 failures, then 1 min doubling to at most 15 min,
 * forgotten after an hour. Addresses stay known for 90 days.
 */
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = Object.freeze({
  pair: Object.freeze({ threshold: 5, baseLockMs: 15 * SECOND, maxLockMs: 5 * MINUTE, forgetAfterMs: 15 * MINUTE }),
  remote: Object.freeze({ threshold: 20, baseLockMs: MINUTE, maxLockMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE }),
  name: Object.freeze({ threshold: 20, baseLockMs: MINUTE, maxLockMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE }),
  knownForMs: 90 * 24 * 60 * MINUTE,
});

/** One throttled key. */
export interface ThrottleKey {
  readonly scope: ThrottleScope;
  readonly key: string;
}

/** Who is trying to sign in, as the throttle sees it. */
export interface LoginAttempt {
  /** The normalised user name. */
  readonly name: string;
  /** The normalised remote address. */
  readonly remote: string;
  /** The id of a device cookie verified for this name, if the attempt carried one. */
  readonly device?: string | undefined;
  /** Whether the pair is known: a verified device cookie, or an address the name signed in from. */
  readonly known: boolean;
}

/** The keys an attempt is counted and checked against: the pair always, address and name only for unknown pairs. */
export function throttleKeys(attempt: LoginAttempt): ThrottleKey[] {
  const from = attempt.device === undefined ? `remote:${attempt.remote}` : `device:${attempt.device}`;
  const pair: ThrottleKey = { scope: 'pair', key: `${attempt.name}\n${from}` };
  if (attempt.known) return [pair];
  return [pair, { scope: 'remote', key: attempt.remote }, { scope: 'name', key: attempt.name }];
}

/** The lock after `failures` failures: 0 below the threshold, then the base doubling per failure, capped. */
export function lockoutMs(failures: number, rule: ThrottleRule): number {
  if (failures < rule.threshold) return 0;
  const doublings = Math.min(failures - rule.threshold, 52);
  return Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** doublings);
}

/** The failures of one key: how many still count and when the last was. */
export interface FailureState {
  readonly failures: number;
  readonly lastFailure: number;
}

/** Failures of a key that still count at `now`: 0 once forgotten. */
export function countingFailures(state: FailureState | undefined, rule: ThrottleRule, now: number): number {
  if (state === undefined || now - state.lastFailure >= rule.forgetAfterMs) return 0;
  return state.failures;
}

/** How long a key stays throttled from `now`, ms; 0 when it is not. */
export function remainingLockMs(state: FailureState | undefined, rule: ThrottleRule, now: number): number {
  const failures = countingFailures(state, rule, now);
  if (state === undefined || failures === 0) return 0;
  return Math.max(0, state.lastFailure + lockoutMs(failures, rule) - now);
}

/** A remote address in one spelling: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, IPv6 lower-case. */
export function normalizeRemote(remote: string): string {
  const r = remote.trim().toLowerCase();
  const mapped = /^::ffff:(.+)$/.exec(r);
  return mapped !== null && isIPv4(mapped[1]!) ? mapped[1]! : r;
}
