/**
 * The one place that decides who may call what. At registration every route must declare a
 * permission (and routes under a camera or event id the parameter to scope by), or the app refuses
 * to build. At each request: authentication, the permission, CSRF for sessions, the Origin of
 * WebSocket upgrades, then visibility of the scoped camera or event (404 when hidden, so that its
 * existence does not leak). A WebSocket upgrade that fails any of this is closed with 1008.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import { SightlineError } from '../../core/errors.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { ApiApp } from '../fastify-types.ts';
import { authenticate, CSRF_HEADER, csrfMatches } from './credentials.ts';
import { isPermission, scopesAllow, userAllows, type Permission } from './permissions.ts';
import { canSeeCamera, type Principal } from './principal.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** WebSocket close code for a policy violation (authentication or permission failure). */
export const WS_POLICY_VIOLATION = 1008;

function allows(principal: Principal, permission: Permission): boolean {
  return principal.kind === 'user' ? userAllows(principal.user, permission) : scopesAllow(principal.token.scopes, permission);
}

/** Why the caller may not: the permission and what lacks it (for `video:unredacted`, the user's flag). */
function forbidden(principal: Principal, permission: Permission): string {
  if (principal.kind === 'token') return `this needs the ${permission} permission, which the token lacks`;
  if (permission === 'video:unredacted') {
    return principal.user.role === 'viewer'
      ? 'this needs the video:unredacted permission, which a viewer never holds'
      : 'this needs the video:unredacted permission, which an admin gives per user: you do not hold it';
  }
  return `this needs the ${permission} permission, which the role ${principal.user.role} lacks`;
}

function isUpgrade(request: FastifyRequest): boolean {
  return (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** True when the Origin (if any) is this request's own: its scheme (of this very connection, so the local HTTP listener works) and Host. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.protocol === `${request.protocol}:` && url.host === request.headers.host;
  } catch {
    return false;
  }
}

function isJson(request: FastifyRequest): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}

/** Checks a route's declared permission and scoping; throws (so the app fails to build) when one is missing. */
function checkRoute(route: RouteOptions): void {
  const where = `${String(route.method)} ${route.url}`;
  const config = route.config;
  if (!isPermission(config?.permission)) throw new Error(`route ${where} declares no permission in its config: every route must`);
  const scoped = config.camera !== undefined || config.event !== undefined;
  if (scoped && config.permission === 'public') throw new Error(`route ${where} scopes by a camera or event but is public`);
  if (/\/cameras\/:id(\/|$)/.test(route.url) && config.camera !== 'id') throw new Error(`route ${where} must declare camera: 'id' so visibility is checked`);
  if (/\/events\/:id(\/|$)/.test(route.url) && config.event !== 'id') throw new Error(`route ${where} must declare event: 'id' so visibility is checked`);
}

/** URLs of the WebSocket routes of each app, which the guard treats specially on upgrade. */
const WS_ROUTES = new WeakMap<object, Set<string>>();

/** A registered route and the permission it declared. */
export interface ApiRoute {
  readonly method: string;
  readonly url: string;
  readonly permission: Permission;
  /** Whether it is a WebSocket route. */
  readonly websocket: boolean;
}

const ROUTE_TABLES = new WeakMap<object, ApiRoute[]>();

/** Every route registered on an app built with {@link installRouteChecks}, in registration order. */
export function listApiRoutes(app: object): readonly ApiRoute[] {
  return ROUTE_TABLES.get(app) ?? [];
}

/**
 * Checks every route's declared permission as it is registered and wraps WebSocket handlers so a
 * failed upgrade is closed with 1008. Call it before registering @fastify/websocket (so handlers are
 * wrapped before the plugin takes them) and before any route.
 */
export function installRouteChecks(app: ApiApp): void {
  const wsRoutes = new Set<string>();
  const table: ApiRoute[] = [];
  WS_ROUTES.set(app, wsRoutes);
  ROUTE_TABLES.set(app, table);
  app.decorateRequest('principal', null);
  app.decorateRequest('wsAuthError', null);
  app.decorateRequest('scopedCamera', null);
  app.decorateRequest('scopedEvent', null);

  app.addHook('onRoute', (route) => {
    checkRoute(route);
    const ws = route.wsHandler;
    for (const method of [route.method].flat()) table.push({ method, url: route.url, permission: route.config!.permission!, websocket: ws !== undefined });
    if (ws === undefined) return;
    wsRoutes.add(route.url);
    route.wsHandler = function (this: typeof app, socket, request) {
      if (request.wsAuthError !== null || request.principal === null) {
        socket.close(WS_POLICY_VIOLATION, (request.wsAuthError?.message ?? 'not authenticated').slice(0, 120));
        return;
      }
      return ws.call(this, socket, request);
    };
    const http = route.handler;
    route.handler = function (this: typeof app, request, reply) {
      if (request.wsAuthError !== null) throw request.wsAuthError;
      return http.call(this, request, reply);
    };
  });
}

/**
 * Installs the per-request checks. Call it after the cookie, WebSocket and helmet plugins (so their
 * hooks run first) and after {@link installRouteChecks}.
 */
export function installGuard(app: ApiApp, ctx: ApiContext): void {
  const wsRoutes = WS_ROUTES.get(app);
  if (wsRoutes === undefined) throw new Error('call installRouteChecks before installGuard');

  app.addHook('onRequest', async (request) => {
    request.principal = null;
    // Unknown routes (the 404 handler) have no config: they need a credential like everything else.
    const permission = request.routeOptions.config.permission ?? 'authenticated';
    if (permission === 'public') {
      // Public routes that change state (sign-in, setup) take JSON only, which a cross-site form cannot send.
      if (STATE_CHANGING.has(request.method) && !isJson(request)) {
        throw new ApiError('MEDIA_TYPE_UNSUPPORTED', 415, 'this request needs a JSON body with content-type: application/json');
      }
      return;
    }
    const ws = request.routeOptions.url !== undefined && wsRoutes.has(request.routeOptions.url) && isUpgrade(request);
    try {
      const principal = authenticate(ctx, request);
      if (!allows(principal, permission)) throw new SightlineError('FORBIDDEN', forbidden(principal, permission));
      if (principal.kind === 'user') {
        if (STATE_CHANGING.has(request.method) && !csrfMatches(principal.csrfToken, request.headers[CSRF_HEADER])) {
          throw new SightlineError('CSRF_FAILED', `a signed-in request that changes something needs the ${CSRF_HEADER} header from sign-in or /api/auth/me`);
        }
        if (ws && !sameOrigin(request)) throw new SightlineError('FORBIDDEN', 'the WebSocket comes from another origin');
      }
      request.principal = principal;
    } catch (error) {
      if (!ws || !(error instanceof Error)) throw error;
      request.wsAuthError = error;
    }
  });

  app.addHook('preHandler', async (request) => {
    const principal = request.principal;
    if (principal === null) return;
    const { camera, event } = request.routeOptions.config;
    const params = request.params as Readonly<Record<string, unknown>>;
    if (camera !== undefined) {
      const id = String(params[camera]);
      const view = await ctx.deps.cameras.get(id);
      if (view === null || !canSeeCamera(ctx.deps.users, principal, id)) throw new SightlineError('CAMERA_NOT_FOUND', `no camera has the id ${id}`);
      request.scopedCamera = view;
    }
    if (event !== undefined) {
      const id = String(params[event]);
      const found = await ctx.deps.store.getEvent(id);
      if (found === null || !canSeeCamera(ctx.deps.users, principal, found.cameraId)) throw new SightlineError('EVENT_NOT_FOUND', `no event has the id ${id}`);
      request.scopedEvent = found;
    }
  });
}
