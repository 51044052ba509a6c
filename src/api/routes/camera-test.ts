/**
 * POST /api/cameras/test, for admins: probes a stream before the camera is saved, with the same URL
 * rules as camera creation. The answer is 200 either way (`ok` says whether the stream answered); the
 * stream password never appears in the answer, the audit log or a log line.
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { cameraCredentialsSchema } from '../../config/schema/server.ts';
import { probe } from '../../ingest/probe.ts';
import { redactText, redactUrl } from '../../ingest/redact-url.ts';
import { parseCameraInput } from '../../live/camera-manager.ts';
import { withCredentials } from '../../live/live-args.ts';
import { auditRequest, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { noQuery, responses } from '../schemas/common.ts';

/** ffprobe's network timeout for a test, ms. */
const PROBE_TIMEOUT_MS = 8000;

const testBodySchema = z.strictObject({
  url: z.string().min(1).max(2048).describe('rtsp://, rtsps://, http:// or https:// stream URL, without credentials in it.'),
  credentials: cameraCredentialsSchema.optional(),
});

const testResultSchema = z
  .union([
    z.object({ ok: z.literal(true), width: z.number(), height: z.number(), codec: z.string(), frameRate: z.number().nullable() }),
    z.object({ ok: z.literal(false), error: z.string().describe('Why the stream did not answer (credentials removed).') }),
  ])
  .describe('What a test of a stream found.');

/** Removes every trace of the stream's secrets from a probe error message. */
function cleanMessage(message: string, fullUrl: string, password: string | undefined): string {
  let out = redactText(message, [fullUrl]);
  if (password !== undefined && password !== '') out = out.split(password).join('***');
  return out;
}

/** Registers the camera test route. */
export function cameraTestRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/api/cameras/test',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Test a stream before adding a camera', querystring: noQuery, body: testBodySchema, response: responses(testResultSchema) },
    },
    async (request) => {
      const { url, credentials } = request.body;
      const password = credentials?.password;
      try {
        parseCameraInput({ name: 'test', url, ...(credentials !== undefined && { credentials }) }, 'api');
      } catch (error) {
        if (error instanceof SightlineError && password !== undefined && password !== '' && error.message.includes(password)) {
          throw new SightlineError(error.code, 'invalid camera URL (the details are withheld because they quoted the stream password)');
        }
        throw error;
      }
      const fullUrl = withCredentials(url, credentials ?? null);
      const shown = redactUrl(url);
      let result: z.infer<typeof testResultSchema>;
      try {
        const info = await probe(fullUrl, { timeoutMs: PROBE_TIMEOUT_MS });
        result = { ok: true, width: info.width, height: info.height, codec: info.codec, frameRate: info.frameRate };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result = { ok: false, error: cleanMessage(message, fullUrl, password) };
      }
      auditRequest(ctx, request, 'camera_test', shown, { ok: result.ok, credentials: credentials !== undefined });
      return result;
    },
  );
}
