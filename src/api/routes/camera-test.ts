/**
 * POST /api/cameras/test, for admins: probes a stream before the camera is saved, with the same URL
 * rules as camera creation. The answer is 200 either way (`ok` says whether the stream answered); the
 * stream password never appears in the answer, the audit log or a log line.
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { cameraCredentialsSchema } from '../../config/schema/server.ts';
import { CredentialProxies } from '../../ingest/credential-proxy.ts';
import { probe } from '../../ingest/probe.ts';
import { redactUrl } from '../../ingest/redact-url.ts';
import { cameraNetworksOf, checkApiCameraUrl, urlOrigin } from '../../live/camera-url.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { cameraTestResultSchema } from '../schemas/answers.ts';
import { noQuery, responses } from '../schemas/common.ts';

/** ffprobe's network timeout for a test, ms. */
const PROBE_TIMEOUT_MS = 8000;

const testBodySchema = z.strictObject({
  url: z.string().min(1).max(2048).describe('rtsp://, rtsps://, http:// or https:// stream URL, without credentials in it.'),
  credentials: cameraCredentialsSchema.optional(),
});

/** What a failed test tells the client: one of a few generic reasons, never ffprobe's text (which may quote what an internal server answered). */
const PROBE_FAILURES: readonly (readonly [RegExp, string])[] = [
  [/\b40[13]\b|unauthori[sz]ed|forbidden|authenticat/i, 'authentication failed'],
  [/refused|reset by peer|unreachable/i, 'connection refused'],
  [/timed? ?out|timeout/i, 'timed out'],
  [/resolve|not known|getaddrinfo|no address|name or service/i, 'host not found'],
];

/** The generic reason of a failed probe. */
export function probeFailure(error: unknown, message: string): string {
  if (error instanceof SightlineError && (error.code === 'NO_VIDEO_STREAM' || error.code === 'INVALID_MEDIA')) return 'not a video stream';
  for (const [pattern, reason] of PROBE_FAILURES) if (pattern.test(message)) return reason;
  return error instanceof SightlineError && error.code === 'SOURCE_UNREACHABLE' ? 'connection refused' : 'not a video stream';
}

/** Longest redacted URL kept in a test's audit entry. */
const AUDIT_URL_CHARS = 512;

/** Registers the camera test route. */
export function cameraTestRoutes(app: ApiApp, ctx: ApiContext): void {
  const networks = cameraNetworksOf(ctx.deps.config.server.cameraNetworks);
  app.post(
    '/api/cameras/test',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Test a stream before adding a camera', querystring: noQuery, body: testBodySchema, response: responses(cameraTestResultSchema) },
      // Invalid bodies reach the handler, so that refused tests are audited too.
      attachValidation: true,
    },
    async (request) => {
      const raw: unknown = request.body;
      const rawUrl = typeof raw === 'object' && raw !== null && typeof (raw as { url?: unknown }).url === 'string' ? (raw as { url: string }).url : null;
      const auditUrl = rawUrl === null ? null : redactUrl(rawUrl).slice(0, AUDIT_URL_CHARS);
      const target = rawUrl === null ? null : (urlOrigin(rawUrl) ?? 'invalid URL').slice(0, 300);
      const refuse = (error: unknown, password: string | undefined): never => {
        const code = error instanceof SightlineError ? error.code : 'REQUEST_INVALID';
        let reason = error instanceof Error ? error.message : String(error);
        if (password !== undefined && password !== '' && reason.includes(password)) reason = 'the details are withheld because they quoted the stream password';
        auditRequest(ctx, request, 'camera_test', target, { ok: false, refused: code, reason: reason.slice(0, 500), url: auditUrl });
        if (error instanceof SightlineError && reason !== error.message) throw new SightlineError(error.code, `invalid camera URL (${reason})`);
        throw error;
      };
      if (request.validationError !== undefined) refuse(request.validationError, undefined);
      const { url, credentials } = request.body;
      const password = credentials?.password;
      try {
        await checkApiCameraUrl('url', url, networks);
      } catch (error) {
        refuse(error, password);
      }
      // ffprobe reads the stream through a loopback proxy that holds the credentials, never on its command line.
      const proxies = new CredentialProxies(credentials ?? null);
      let probed = url;
      const shown = redactUrl(url);
      let result: z.infer<typeof cameraTestResultSchema>;
      try {
        probed = await proxies.localUrl(url);
        const info = await probe(probed, { timeoutMs: PROBE_TIMEOUT_MS });
        result = { ok: true, width: info.width, height: info.height, codec: info.codec, frameRate: info.frameRate };
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split(probed).join(shown);
        result = { ok: false, error: probeFailure(error, message) };
      } finally {
        await proxies.close();
      }
      auditRequest(ctx, request, 'camera_test', target, { ok: result.ok, credentials: credentials !== undefined, url: auditUrl, ...(!result.ok && { error: result.error }) });
      return result;
    },
  );
}
