/**
 * The public transparency page, for anyone standing in front of a camera, without signing in:
 * GET /transparency (HTML, no JavaScript), GET /transparency/sign (a printable sign with a QR code of
 * the page), GET /transparency.css (their stylesheet) and GET /api/transparency (the same as JSON).
 * None of them shows video, a picture, a stream URL or a user name.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { noQuery, responses } from '../schemas/common.ts';
import { transparencySchema } from '../schemas/transparency.ts';
import { TRANSPARENCY_CSS, transparencyPageHtml, transparencySignHtml } from '../transparency-html.ts';
import { TransparencyReport } from '../transparency.ts';

/** Registers the transparency routes. */
export function transparencyRoutes(app: ApiApp, ctx: ApiContext): void {
  const { config, cameras, audit, now } = ctx.deps;
  const report = new TransparencyReport({ config, cameras, audit, now });
  const publicUrl = config.server.publicUrl?.replace(/\/+$/, '');
  // The Host header has been checked against this server's own names (host-check.ts) before any route runs.
  const pageUrl = (request: FastifyRequest): string => `${publicUrl ?? `${ctx.options.https ? 'https' : 'http'}://${request.headers.host ?? `${config.server.host}:${config.server.port}`}`}/transparency`;
  const page = { config: { permission: 'public' as const }, schema: { hide: true, querystring: noQuery } };

  app.get('/transparency', page, async (request, reply) => reply.type('text/html; charset=utf-8').send(transparencyPageHtml(await report.build(pageUrl(request)))));
  app.get('/transparency/sign', page, async (request, reply) => reply.type('text/html; charset=utf-8').send(await transparencySignHtml(await report.build(pageUrl(request)))));
  app.get('/transparency.css', page, async (_request, reply) => reply.type('text/css; charset=utf-8').send(TRANSPARENCY_CSS));
  app.get(
    '/api/transparency',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'What the cameras are for, what they keep, and how they were used (public)',
        description: 'The public transparency page (/transparency) as JSON: operator, cameras with their purposes, recording and analytics, retention per kind of data, monthly totals from the audit log and the last verification of its chain. No sign-in; no picture, stream URL or user name.',
        security: [],
        querystring: noQuery,
        response: responses(transparencySchema),
      },
    },
    async (request) => report.build(pageUrl(request)),
  );
}
