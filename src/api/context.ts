/**
 * What every route file gets: the services, the API's own stores (sessions, tokens), its options and
 * the helpers for audit entries.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiDeps } from './deps.ts';
import type { ApiTokenStore } from '../store/api-tokens.ts';
import type { JsonObject } from '../core/json.ts';
import type { SessionStore } from '../store/sessions.ts';
import { actorOf } from './auth/principal.ts';
import type { JobLimiter } from './job-limit.ts';
import type { ApiOptions } from './options.ts';

/** The shared state of one API app. */
export interface ApiContext {
  readonly deps: ApiDeps;
  readonly options: ApiOptions;
  readonly sessions: SessionStore;
  readonly tokens: ApiTokenStore;
  /** The bound on running clip and export jobs, per server and per caller. */
  readonly jobs: JobLimiter;
  /** Epoch ms at which the app was built. */
  readonly startedAt: number;
}

/** Appends an audit entry for the request's caller (or `actor` when given, e.g. before sign-in). */
export function auditRequest(
  ctx: ApiContext,
  request: FastifyRequest,
  action: string,
  target: string | null,
  details: JsonObject = {},
  actor: string = actorOf(request.principal),
): void {
  ctx.deps.audit.append({ actor, action, target, details });
}

/** Remembers who viewed what, so that repeated views within a window are audited once. */
export class ViewThrottle {
  readonly #last = new Map<string, number>();

  /** A throttle that lets one view per key through every `windowMs`. */
  constructor(private readonly windowMs: number) {}

  /** True when the key has no view recorded in the window before `now` (and records this one). */
  admit(key: string, now: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.windowMs && now >= last) return false;
    this.#last.set(key, now);
    if (this.#last.size > 10_000) {
      for (const [k, t] of this.#last) if (now - t >= this.windowMs) this.#last.delete(k);
    }
    return true;
  }
}

/** How often the same caller's identical views (same action, target and details) are audited at most, ms. */
export const VIEW_AUDIT_MS = 60_000;

/** Appends an audit entry for a view (event detail, snapshot, counts, heat map), once per identical view per throttle window. */
export function auditView(ctx: ApiContext, throttle: ViewThrottle, request: FastifyRequest, action: string, target: string | null, details: JsonObject = {}): void {
  const actor = actorOf(request.principal);
  if (throttle.admit(JSON.stringify([actor, action, target, details]), ctx.deps.now())) auditRequest(ctx, request, action, target, details, actor);
}
