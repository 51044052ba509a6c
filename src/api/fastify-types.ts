/**
 * The Fastify types of the API: the app with the Zod type provider, and the fields the API adds to
 * route configs (permission, scoped resource) and to requests (the caller).
 */
import type {} from '@fastify/cookie';
import type {} from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CameraView } from '../live/camera-service.ts';
import type { StoredEvent } from '../store/event-store.ts';
import type { Permission } from './auth/permissions.ts';
import type { Principal } from './auth/principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller needs; every route must declare it (the app refuses to build otherwise). */
    permission?: Permission;
    /** Path parameter holding a camera id the caller must be allowed to see (else 404). */
    camera?: string;
    /** Path parameter holding an event id whose camera the caller must be allowed to see (else 404). */
    event?: string;
  }
  interface FastifyRequest {
    /** The authenticated caller; null on public routes. */
    principal: Principal | null;
    /** Why authentication failed on a WebSocket upgrade (the socket is then closed with 1008). */
    wsAuthError: Error | null;
    /** The camera named by the route's `camera` parameter, checked visible. */
    scopedCamera: CameraView | null;
    /** The event named by the route's `event` parameter, checked visible. */
    scopedEvent: StoredEvent | null;
  }
}

/** The API's Fastify instance, typed by Zod schemas. */
export type ApiApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
