/** Routes hand every piece of video they send to a person through here, with the caller as the viewer (src/media/viewing.ts). */
import { rm } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import { showAsRecorded, type Showable, type Viewer } from '../media/viewing.ts';
import { actorOf, granteeOf } from './auth/principal.ts';
import type { ApiContext } from './context.ts';

/** The viewer of a request: its caller, and for an API token the user who made it. */
export function viewerOf(ctx: ApiContext, request: FastifyRequest): Viewer {
  const principal = request.principal ?? null;
  const user = principal === null ? undefined : granteeOf(ctx.deps.users, principal);
  return { actor: actorOf(principal), userId: user?.id ?? null, role: user?.role ?? null };
}

/** What the request's caller may see of `item`, through the server's one `ShowVideo`. */
export function showToCaller<T extends Showable>(ctx: ApiContext, request: FastifyRequest, item: T): Promise<T> {
  return (ctx.deps.showVideo ?? showAsRecorded)(viewerOf(ctx, request), item);
}

/** Deletes a temporary file made for a request (a clip, an export) and what `ShowVideo` made of it, once sent. */
export async function removeTemporary(made: string, shown: string): Promise<void> {
  await Promise.all([...new Set([made, shown])].map((f) => rm(f, { force: true })));
}
