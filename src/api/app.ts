/**
 * The HTTP API of the Sightline server, secure by default: every route declares its permission and
 * one guard enforces it; sessions by HttpOnly, SameSite=Strict cookie with CSRF tokens; scoped API
 * tokens for machines; strict Zod schemas on every input; one error shape; security headers; an
 * OpenAPI document; a WebSocket feed; Prometheus metrics. The app is returned ready but not
 * listening: the composition root listens with its TLS options.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps.ts';
import { SESSION_COOKIE } from './auth/credentials.ts';
import { installGuard, installRouteChecks } from './auth/guard.ts';
import type { ApiContext } from './context.ts';
import { addSecurityHeaders, installErrorHandling, sendError, writeClientError } from './errors.ts';
import { checkHost, ownHostNames } from './host-check.ts';
import { JobLimiter } from './job-limit.ts';
import { createApiMetrics } from './metrics.ts';
import type { ApiOptions } from './options.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { cameraRoutes } from './routes/cameras.ts';
import { cameraTestRoutes } from './routes/camera-test.ts';
import { dwellRoutes } from './routes/dwell.ts';
import { eventRoutes } from './routes/events.ts';
import { reviewRoutes } from './routes/review.ts';
import { healthRoutes } from './routes/health.ts';
import { liveRoutes } from './routes/live.ts';
import { liveStreamRoutes } from './routes/live-stream.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { occupancyRoutes } from './routes/occupancy.ts';
import { openapiRoutes } from './routes/openapi.ts';
import { recordingRoutes } from './routes/recordings.ts';
import { setupPageRoutes } from './routes/setup-page.ts';
import { webAppRoutes } from './routes/web-app.ts';
import { setupRoutes } from './routes/setup.ts';
import { settingsRoutes } from './routes/settings.ts';
import { subjectExportRoutes } from './routes/subject-export.ts';
import { systemRoutes } from './routes/system.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { transparencyRoutes } from './routes/transparency.ts';
import { unredactedRoutes } from './routes/unredacted.ts';
import { userRoutes } from './routes/users.ts';
import { wsRoutes } from './routes/ws.ts';

export type { ApiOptions } from './options.ts';

/** Longest path parameter accepted, characters (longer ones answer 414). */
const MAX_PARAM_LENGTH = 256;

/** Largest WebSocket message a client may send, bytes (the feed only sends). */
const MAX_WS_PAYLOAD = 4096;

function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Builds the API app from its services (ready, not listening). */
export async function buildApi(deps: ApiDeps, options: ApiOptions): Promise<FastifyInstance> {
  if (options.sessionSecret.length < 32) throw new RangeError('the session secret must hold at least 32 bytes');
  const listen = deps.config.server;
  const tls = options.tls;
  const app = Fastify({
    logger: options.logger ?? false,
    // HTTPS through a server factory keeps the instance's types those of the plain HTTP server: the
    // request and response objects of node:https are node:http's.
    ...(tls && { serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => createHttpsServer({ cert: tls.cert, key: tls.key }, handler) as unknown as HttpServer }),
    bodyLimit: listen.maxBodyBytes,
    exposeHeadRoutes: false,
    trustProxy: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (error, request, reply) => {
      addSecurityHeaders(reply, options.https);
      sendError(error, request, reply);
    },
    clientErrorHandler: (error, socket) => {
      writeClientError(error, socket, options.https);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Bodies are JSON or nothing: a cross-site form (urlencoded, multipart, text/plain) gets 415.
  app.removeContentTypeParser('text/plain');

  const ctx: ApiContext = {
    deps,
    options,
    sessions: deps.sessions,
    tokens: deps.tokens,
    jobs: new JobLimiter(),
    startedAt: deps.now(),
  };
  const metrics = createApiMetrics(ctx);
  app.addHook('onClose', async () => metrics.stop());

  installErrorHandling(app);
  // Before the WebSocket plugin, so that its handlers are wrapped first; before any route.
  installRouteChecks(app);
  await app.register(fastifyCookie, { parseOptions: {} });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_WS_PAYLOAD },
    // A client's mistake (a message over the limit: ws closes with 1009) is not a server error: log it quietly.
    errorHandler: (error: Error & { code?: string }, socket, request) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        request.log.info({ code: error.code }, `a WebSocket message was over ${MAX_WS_PAYLOAD} bytes: closed with 1009`);
        return;
      }
      request.log.warn({ code: error.code ?? error.name, message: error.message }, 'WebSocket connection failed');
      socket.terminate();
    },
  });
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'self'"], mediaSrc: ["'self'", 'blob:'], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"] },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Sightline API', version: options.version ?? packageVersion(), description: 'The HTTP API of the Sightline NVR.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer', description: 'An API token, slt_...' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // After helmet (its headers are set), before the guard: a request naming another host is answered 421.
  const hostNames = ownHostNames(listen.host, listen.publicUrl, listen.allowedHosts);
  app.addHook('onRequest', async (request) => checkHost(request.headers.host, hostNames));
  // After the cookie, WebSocket and helmet hooks: cookies are parsed and headers set when it runs.
  installGuard(app, ctx);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode);
  });

  healthRoutes(app);
  setupRoutes(app, ctx);
  setupPageRoutes(app);
  transparencyRoutes(app, ctx);
  webAppRoutes(app);
  authRoutes(app, ctx);
  openapiRoutes(app);
  cameraRoutes(app, ctx);
  cameraTestRoutes(app, ctx);
  liveRoutes(app, ctx);
  liveStreamRoutes(app, ctx);
  analyticsRoutes(app, ctx);
  occupancyRoutes(app, ctx);
  dwellRoutes(app, ctx);
  recordingRoutes(app, ctx);
  unredactedRoutes(app, ctx);
  eventRoutes(app, ctx);
  reviewRoutes(app, ctx);
  subjectExportRoutes(app, ctx);
  userRoutes(app, ctx);
  tokenRoutes(app, ctx);
  auditRoutes(app, ctx);
  systemRoutes(app, ctx, options.version ?? packageVersion());
  settingsRoutes(app, ctx);
  wsRoutes(app, ctx);
  metricsRoutes(app, metrics);

  await app.ready();
  return app;
}
