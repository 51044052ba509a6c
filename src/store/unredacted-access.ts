/**
 * Who sees unredacted video, and until when: the rules over the grant store and the user store.
 * A user asks with a written reason for one camera and gets a grant for a limited time (default
 * and maximum from the configuration); the code that shows video asks
 * {@link UnredactedAccess.unredactedGrantFor} for each viewer and camera, and everyone without an
 * active grant gets redacted video. The composition root builds one over the store's repositories.
 */
import { mayRequestUnredacted } from '../core/access.ts';
import { SightlineError } from '../core/errors.ts';
import { checkGrantReason, type UnredactedGrant, type UnredactedGrantFilter, type UnredactedGrantStore } from './unredacted-grants.ts';
import type { User, UserStore } from './users.ts';

/** How long grants last, minutes. */
export interface UnredactedLimits {
  /** When a request names no duration. */
  readonly defaultMinutes: number;
  /** The longest a request may ask for. */
  readonly maxMinutes: number;
}

/** What a user asks for. */
export interface UnredactedRequest {
  readonly cameraId: string;
  readonly reason: string;
  /** Whole minutes, 1 to the maximum; default the configured default. */
  readonly minutes?: number | undefined;
  /** Epoch ms. */
  readonly now: number;
}

/** The rules of unredacted video over a grant store and the users. */
export class UnredactedAccess {
  readonly #grants: UnredactedGrantStore;
  readonly #users: Pick<UserStore, 'findById' | 'canViewCamera'>;
  readonly #limits: UnredactedLimits;

  /** Access over these grants and users; the default duration is capped at the maximum. */
  constructor(grants: UnredactedGrantStore, users: Pick<UserStore, 'findById' | 'canViewCamera'>, limits: UnredactedLimits) {
    if (!Number.isInteger(limits.maxMinutes) || limits.maxMinutes < 1) throw new RangeError(`maxMinutes must be a whole number of minutes, at least 1: ${limits.maxMinutes}`);
    this.#grants = grants;
    this.#users = users;
    this.#limits = { defaultMinutes: Math.min(limits.defaultMinutes, limits.maxMinutes), maxMinutes: limits.maxMinutes };
  }

  /** The durations in force, minutes. */
  get limits(): UnredactedLimits {
    return this.#limits;
  }

  /**
   * The grant under which `viewer` sees `cameraId` unredacted at `now`, or null: everyone without
   * one gets redacted video. A grant counts only while its user still holds the permission (an
   * enabled operator or admin with the flag) and may still see the camera.
   */
  unredactedGrantFor(viewer: { readonly userId: string | null }, cameraId: string, now: number): UnredactedGrant | null {
    if (viewer.userId === null) return null;
    const user = this.#users.findById(viewer.userId);
    if (user === undefined || !mayRequestUnredacted(user) || !this.#users.canViewCamera(user, cameraId)) return null;
    return this.#grants.activeFor(user.id, cameraId, now) ?? null;
  }

  /**
   * Grants `user` unredacted video of one camera: FORBIDDEN when the user lacks the permission or
   * may not see the camera, REQUEST_INVALID for a duration that is not 1 to the maximum minutes,
   * STORE_INPUT_INVALID for a reason that is not 10 to 500 characters, STORE_CONFLICT when the user
   * holds an active grant of the camera already.
   */
  request(user: User, ask: UnredactedRequest): UnredactedGrant {
    if (!mayRequestUnredacted(user)) throw new SightlineError('FORBIDDEN', 'this needs the video:unredacted permission, which an admin gives per user: you do not hold it');
    if (!this.#users.canViewCamera(user, ask.cameraId)) throw new SightlineError('FORBIDDEN', `you may not see camera ${ask.cameraId}`);
    const minutes = ask.minutes ?? this.#limits.defaultMinutes;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > this.#limits.maxMinutes) {
      throw new SightlineError('REQUEST_INVALID', `minutes must be a whole number from 1 to ${this.#limits.maxMinutes} (the server's maximum), got ${String(minutes)}`);
    }
    const reason = checkGrantReason(ask.reason);
    return this.#grants.add({ userId: user.id, cameraId: ask.cameraId, reason, grantedAt: ask.now, expiresAt: ask.now + minutes * 60_000 });
  }

  /** The grant with this id, if any. */
  get(id: string): UnredactedGrant | undefined {
    return this.#grants.get(id);
  }

  /** The grants matching the filter, newest first. */
  list(filter?: UnredactedGrantFilter): UnredactedGrant[] {
    return this.#grants.list(filter);
  }

  /** Ends a grant early (see UnredactedGrantStore.end). */
  end(id: string, at: number, by: string): UnredactedGrant | undefined {
    return this.#grants.end(id, at, by);
  }

  /** Ends every active grant of a user who lost the permission (see UnredactedGrantStore.endAllOf). */
  endAllOf(userId: string, at: number, by: string): UnredactedGrant[] {
    return this.#grants.endAllOf(userId, at, by);
  }
}
