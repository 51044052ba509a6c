import { z } from 'zod';
import { analyticsConfigSchema } from './root.ts';
import { detectSchema } from './detect.ts';
import { nameSchema, pointSchema } from './common.ts';
import { purposeSchema } from './purpose.ts';
import { purposeViolations } from '../../core/purpose.ts';

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time HH:MM between 00:00 and 24:00')
  .describe('A local time of day, HH:MM (24:00 is the end of the day).');

/** Days of the week, as arming schedules name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** One armed window of a rule: on the given days, from `from` to `to` (local time; a window that ends before it starts runs past midnight). */
export const armingWindowSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1).default([...WEEKDAYS]).describe('Days of the week the window starts on: mon, tue, wed, thu, fri, sat, sun.'),
    from: hhmm.describe('Local time the window opens, HH:MM.'),
    to: hhmm.describe('Local time the window closes, HH:MM; earlier than `from` means the next day.'),
  })
  .strict()
  .describe('A time window in which a rule is armed.');

/** Recording of one camera. */
export const cameraRecordSchema = z
  .object({
    mode: z
      .enum(['continuous', 'events', 'off'])
      .default('continuous')
      .describe('`continuous` keeps every segment; `events` keeps only segments around events (pre- and post-roll); `off` records nothing.'),
    preRollSeconds: z.number().int().min(0).max(300).default(10).describe('In `events` mode, seconds kept before each event starts.'),
    postRollSeconds: z.number().int().min(0).max(600).default(20).describe('In `events` mode, seconds kept after each event ends.'),
  })
  .strict()
  .describe('What to record from the main stream.');

/** A privacy mask: a polygon blanked in every stream of the camera. */
export const privacyMaskSchema = z
  .object({
    name: nameSchema.optional(),
    polygon: z.array(pointSchema).min(3).max(64).describe('Polygon vertices [[x, y], ...] in pixels of the analysed picture (where zones are drawn), at least three.'),
  })
  .strict()
  .describe('A privacy mask: its pixels are black in everything the camera records or shows.');

/** Login for a camera's stream; stored encrypted, never returned by the API, never logged. */
export const cameraCredentialsSchema = z
  .object({
    username: z.string().min(1).max(128).describe('User name for the stream.'),
    password: z.string().max(256).describe('Password for the stream. Stored encrypted (AES-256-GCM) in the database, never shown again.'),
  })
  .strict()
  .describe('Stream credentials, kept out of the URL.');

const streamUrl = z
  .string()
  .min(1)
  .max(2048)
  .describe('rtsp://, rtsps://, http:// or https:// stream URL, or a file path (looped); never with a user or password in it (use `credentials`).');

/** One camera as the configuration file and the API describe it. */
export const cameraSchema = z
  .object({
    name: nameSchema.describe('Unique camera name: 1-64 letters, digits, "-" or "_"; used in MQTT topics.'),
    url: streamUrl.describe('Main stream (recorded): rtsp://, rtsps://, http(s):// or a file path; no credentials in it.'),
    subUrl: streamUrl.optional().describe('Optional lower-resolution sub-stream used for analysis; default the main stream.'),
    credentials: cameraCredentialsSchema.optional(),
    enabled: z.boolean().default(true).describe('Disabled cameras are neither connected, analysed nor recorded.'),
    purpose: purposeSchema.prefault(''),
    fps: z.number().min(0.5).max(30).default(5).describe('Frames per second analysed, at least: every k-th frame of the camera, k the largest whole number keeping this rate (a 25 fps camera at 5 gives every 5th frame, a 7 fps camera every frame), so frames are evenly spaced; the detector takes the newest frames and drops the others when it is busy.'),
    record: cameraRecordSchema.prefault({}),
    analytics: analyticsConfigSchema.prefault({}).describe('Analytics of this camera: lines, zones, tracker and per-frame detection settings (the backend and workers come from the top-level `detect`).'),
    arming: z
      .record(z.string(), z.array(armingWindowSchema).min(1))
      .default({})
      .describe('Per-rule arming schedules: rule (line or zone) name → windows in which its alarms notify. Rules not listed are always armed; events outside a window are still stored.'),
    snapshots: z.boolean().default(true).describe('Save a JPEG snapshot with each event.'),
    privacyMasks: z
      .array(privacyMaskSchema)
      .max(32)
      .default([])
      .describe('Areas the camera must never show (a neighbour\'s window, a public footpath): blanked in every stream before motion, detection, recording, snapshots, live view or export see them. A camera with masks has its streams re-encoded once, in the server, with the masks burned in.'),
  })
  .strict()
  .describe('A camera: its streams, recording, analytics and arming.');

/** A camera definition with every default filled in. */
export type CameraConfig = z.infer<typeof cameraSchema>;

/** What a user may write for a camera. */
export type CameraConfigInput = z.input<typeof cameraSchema>;

/** An IPv4 or IPv6 network (CIDR) or single address. */
const NETWORK = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()]);

/** The HTTPS (and optional local HTTP) listener. */
export const listenSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address the HTTPS server listens on. The default reaches only this machine; set 0.0.0.0 to serve the network.'),
    port: z.number().int().min(0).max(65535).default(8443).describe('HTTPS port (0 picks a free one).'),
    tlsCert: z.string().min(1).optional().describe('PEM certificate file; default a self-signed certificate generated in the data directory at first start.'),
    tlsKey: z.string().min(1).optional().describe('PEM private key file of `tlsCert` (mode 0600).'),
    httpPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Also serve plain HTTP on 127.0.0.1 at this port (for a local reverse proxy or Prometheus); never on another address.'),
    publicUrl: z.string().url().optional().describe('The URL people use to reach this server, printed with the setup link; default https://<host>:<port>.'),
    allowedHosts: z
      .array(z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\.?$/, 'expected a host name such as nvr.example.lan, without a port'))
      .max(64)
      .default([])
      .describe(
        'Host names, besides IP addresses, localhost, `host` and the host of `publicUrl`, that requests may name in their Host header (e.g. nvr.example.lan); any other name is refused with 421, against DNS rebinding.',
      ),
    sessionHours: z.number().min(0.1).max(720).default(12).describe('A sign-in session ends this many hours after it starts.'),
    idleMinutes: z.number().min(1).max(1440).default(60).describe('A sign-in session ends after this many minutes without a request.'),
    maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024).describe('Largest request body accepted, in bytes.'),
    unredactedMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('How long a grant of unredacted video lasts when its request names no duration, minutes (capped at `unredactedMaxMinutes`).'),
    unredactedMaxMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(60)
      .describe('The longest grant of unredacted video (one camera, with a written reason) a user may ask for, minutes.'),
    cameraNetworks: z
      .array(z.string().refine((v) => NETWORK.safeParse(v).success, 'expected a CIDR such as 192.168.1.0/24 or fd00::/8, or a single address'))
      .min(1)
      .optional()
      .describe(
        'Networks cameras may be on, as CIDRs (192.168.1.0/24, fd00::/8) or single addresses. When set, a camera URL that the API creates, changes or tests is refused unless every address its host resolves to lies in one of them; default any network.',
      ),
  })
  .strict()
  .describe('HTTP server settings.');

/** Recording storage and retention. */
export const recordingSchema = z
  .object({
    segmentSeconds: z.number().int().min(2).max(600).default(10).describe('Length of one recorded segment file, seconds.'),
    retentionDays: z
      .number()
      .min(0.01)
      .max(3650)
      .optional()
      .describe('Deprecated alias of `retention.videoHours`, in days (N days = N × 24 hours): used only when `retention.videoHours` is not set; setting both to different values is a configuration error.'),
    maxDiskGb: z.number().min(0.001).max(1_000_000).default(50).describe('Disk quota of all recordings and event snapshots together, GB (10^9 bytes): the oldest of either are deleted so the total stays below it.'),
    minFreeGb: z.number().min(0).max(1_000_000).default(1).describe('Also delete the oldest segments and snapshots while the disk has less than this many GB free.'),
    maxExportHours: z.number().min(0.01).max(168).default(24).describe('Longest time range one export may span, hours.'),
  })
  .strict()
  .describe('Recording storage: segment length, disk quota of segments and event snapshots, export limit (their age limit is `retention.videoHours`).');

/** Default of `retention.videoHours`: the EDPB's guidance is that footage should normally be erased within days. */
export const DEFAULT_VIDEO_HOURS = 72;

/** How long each kind of data is kept; the retention runner deletes what is older, on one schedule. */
export const retentionSchema = z
  .object({
    videoHours: z
      .number()
      .min(0.01)
      .max(87_600)
      .optional()
      .meta({ default: DEFAULT_VIDEO_HOURS })
      .describe(
        'Recorded segments and event snapshots (and the per-frame redaction boxes kept with the video) older than this many hours are deleted. Takes precedence over the deprecated `recording.retentionDays`, which applies only when this is not set.',
      ),
    eventDays: z.number().min(0.01).max(3650).default(30).describe('Events (what the rules decided, with their track ids) older than this many days are deleted, with their snapshots.'),
    aggregateDays: z
      .number()
      .min(0.01)
      .max(3650)
      .default(365)
      .describe('Line counts, zone occupancy, zone dwell and heat maps (per-minute and per-hour totals that hold no track ids, boxes or pictures) older than this many days are deleted.'),
    auditDays: z
      .number()
      .min(1)
      .max(3650)
      .default(365)
      .describe(
        'Audit log entries older than this many days are deleted, once a day; a sealed checkpoint of the last deleted entry keeps the rest of the chain verifiable (`sightline audit verify`).',
      ),
  })
  .strict()
  .describe('Retention per kind of data: each kind is deleted automatically once older than its limit.');

/** The retention limits with the video limit resolved (see {@link resolveVideoHours}). */
export type RetentionConfig = Omit<z.infer<typeof retentionSchema>, 'videoHours'> & { readonly videoHours: number };

/**
 * The effective video retention in hours: `retention.videoHours` when set, else the deprecated
 * `recording.retentionDays` × 24, else {@link DEFAULT_VIDEO_HOURS}. Null when both are set and disagree.
 */
export function resolveVideoHours(videoHours: number | undefined, retentionDays: number | undefined): number | null {
  if (videoHours === undefined) return retentionDays === undefined ? DEFAULT_VIDEO_HOURS : retentionDays * 24;
  if (retentionDays !== undefined && Math.abs(retentionDays * 24 - videoHours) > 1e-9) return null;
  return videoHours;
}

/** MQTT notifications in Frigate's topic layout, with Home Assistant discovery. */
export const mqttSchema = z
  .object({
    url: z.string().regex(/^mqtts?:\/\/[^/@\s]+(:\d+)?\/?$/, 'expected mqtt://host:port or mqtts://host:port, without credentials').describe('Broker URL, mqtt://host:1883 or mqtts://host:8883; no credentials in it.'),
    username: z.string().min(1).optional().describe('Broker user name.'),
    password: z.string().optional().describe('Broker password.'),
    prefix: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'expected topic levels of letters, digits, "-" or "_"').default('sightline').describe('Topic prefix: `<prefix>/events`, `<prefix>/<camera>/<object>`, `<prefix>/available`.'),
    clientId: z.string().min(1).max(64).optional().describe('MQTT client id; default sightline-<random>.'),
    discovery: z
      .object({
        enabled: z.boolean().default(true).describe('Publish Home Assistant MQTT discovery messages so counts and alarms appear without an integration.'),
        prefix: z.string().min(1).default('homeassistant').describe('Home Assistant discovery prefix.'),
      })
      .strict()
      .prefault({})
      .describe('Home Assistant MQTT discovery.'),
  })
  .strict()
  .describe('MQTT broker to publish events, counts and availability to.');

/** A webhook that receives events as signed JSON. */
export const webhookSchema = z
  .object({
    name: nameSchema,
    url: z.string().url().regex(/^https?:\/\//, 'expected an http:// or https:// URL').describe('Where events are POSTed as JSON.'),
    secret: z.string().min(16).describe('Shared secret (16 characters or more): each request carries `x-sightline-timestamp: <unix seconds>` and `x-sightline-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.'),
    types: z.array(z.enum(['line_crossing', 'zone_enter', 'zone_exit', 'intrusion', 'loitering', 'crowd'])).optional().describe('Event types sent; default all.'),
    cameras: z.array(nameSchema).optional().describe('Camera names whose events are sent; default all.'),
  })
  .strict()
  .describe('An HTTP endpoint that receives events, signed with HMAC-SHA256 and retried with backoff.');

/** Email alerts over SMTP. */
export const smtpSchema = z
  .object({
    host: z.string().min(1).describe('SMTP server host.'),
    port: z.number().int().min(1).max(65535).default(587).describe('SMTP port.'),
    secure: z.boolean().default(false).describe('TLS from the start (port 465); otherwise STARTTLS is always required, except for a server on 127.0.0.1, ::1 or localhost.'),
    username: z.string().optional().describe('SMTP user name.'),
    password: z.string().optional().describe('SMTP password.'),
    from: z.string().min(3).describe('Sender address.'),
    to: z.array(z.string().min(3)).min(1).describe('Recipients.'),
    types: z.array(z.enum(['line_crossing', 'zone_enter', 'zone_exit', 'intrusion', 'loitering', 'crowd'])).default(['intrusion', 'loitering', 'crowd']).describe('Event types that send an email (alarms by default; counting would flood).'),
  })
  .strict()
  .describe('Email alerts for alarm events.');

/** The operator named on the public transparency page. */
export const transparencySchema = z
  .object({
    operator: z.string().trim().min(1).max(200).optional().describe('Who operates these cameras (a person or an organisation), shown on the public page /transparency; default not configured, and the page says so.'),
    contact: z.string().trim().min(1).max(500).optional().describe('How to reach the operator about the cameras (an address, an email, a phone number), shown on /transparency; default not configured, and the page says so.'),
  })
  .strict()
  .describe('The public transparency page (/transparency, no sign-in): who operates the cameras and how to reach them.');

/** The whole server configuration file (`sightline.yml`). */
export const serverConfigSchema = z
  .object({
    server: listenSchema.prefault({}),
    timezone: z.string().min(1).optional().describe('IANA time zone of arming schedules, e.g. Europe/Paris; default the machine\'s.'),
    detect: detectSchema.prefault({}).describe('The shared detector: backend, workers and threads serve every camera.'),
    recording: recordingSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    cameras: z.array(cameraSchema).default([]).describe('Cameras defined in this file (the API can add others).'),
    mqtt: mqttSchema.optional(),
    webhooks: z.array(webhookSchema).default([]).describe('Webhooks that receive events.'),
    smtp: smtpSchema.optional(),
    transparency: transparencySchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.cameras.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'name'], message: `the camera name "${c.name}" is used twice` });
      seen.add(c.name);
      for (const v of purposeViolations(c.purpose.allows, c.analytics)) {
        ctx.addIssue({ code: 'custom', path: ['cameras', i, ...v.field.split('.')], message: `camera "${c.name}": ${v.message}` });
      }
    });
    if ((cfg.server.tlsCert === undefined) !== (cfg.server.tlsKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['server', 'tlsCert'], message: 'give both tlsCert and tlsKey, or neither' });
    }
    const { retentionDays } = cfg.recording;
    if (resolveVideoHours(cfg.retention.videoHours, retentionDays) === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['recording', 'retentionDays'],
        message: `recording.retentionDays (deprecated: ${retentionDays} days = ${retentionDays! * 24} hours) disagrees with retention.videoHours (${cfg.retention.videoHours} hours): remove recording.retentionDays`,
      });
    }
  })
  .transform((cfg) => ({ ...cfg, retention: { ...cfg.retention, videoHours: resolveVideoHours(cfg.retention.videoHours, cfg.recording.retentionDays) ?? DEFAULT_VIDEO_HOURS } as RetentionConfig }))
  .describe('The Sightline server: listener, detector, recording, retention, cameras and notifications.');

/** A validated server configuration with every default filled in (`retention.videoHours` resolved). */
export type ServerConfig = z.infer<typeof serverConfigSchema>;
