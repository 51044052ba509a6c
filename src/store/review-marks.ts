/**
 * What each user has marked as reviewed: one mark per user and event (a review item, see
 * src/core/review-items.ts, is reviewed when every event of it is). Marks go with their event and
 * their user. Reads and writes are synchronous, like the user store's.
 */

import { MAX_REVIEW_MARKS } from '../core/review-items.ts';

export { MAX_REVIEW_MARKS };

/** The review marks of one store; failures are SightlineErrors. */
export interface ReviewMarkStore {
  /**
   * Marks the events reviewed (`reviewed` true, at `at`) or not (false) for the user; returns how
   * many marks changed. Ids of events that do not exist are skipped. STORE_INPUT_INVALID for more
   * than {@link MAX_REVIEW_MARKS} ids or a bad time.
   */
  mark(userId: string, eventIds: readonly string[], reviewed: boolean, at: number): number;
  /** Which of the events the user has marked reviewed. */
  reviewedOf(userId: string, eventIds: readonly string[]): Set<string>;
}
