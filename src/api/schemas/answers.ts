/**
 * Response schemas of the API's answers, free of server code: the routes declare these and the web
 * app parses answers with the very same objects (test/web-api-drift.test.ts holds the client's
 * endpoint table to the routes).
 */
import { z } from 'zod';
import { cameraHealthSchema, cameraViewSchema } from './camera.ts';
import { apiTokenSchema, userSchema, userWithCamerasSchema } from './user-view.ts';

/** GET /api/auth/me: the signed-in user, their cameras and the CSRF token. */
export const meSchema = z.object({
  user: userSchema,
  role: userSchema.shape.role,
  cameras: z.array(z.string()).describe('Ids of the cameras this user may see.'),
  mayRequestUnredacted: z.boolean().describe('Whether this user holds the video:unredacted permission: may ask, with a written reason, to see one camera unredacted for a limited time.'),
  csrfToken: z.string().describe('Send as x-csrf-token on every POST, PUT, PATCH and DELETE.'),
});

/** POST /api/auth/login: the user signed in and the CSRF token of the new session. */
export const loginSchema = z.object({ user: userSchema, csrfToken: z.string() });

/** GET /api/setup: whether the first-admin setup link is open. */
export const setupStatusSchema = z.object({ open: z.boolean() });

/** GET /api/cameras: the cameras the caller may see. */
export const cameraListSchema = z.object({ cameras: z.array(cameraViewSchema) });

/** POST /api/cameras/test: what a test of a stream found. */
export const cameraTestResultSchema = z
  .union([
    z.object({ ok: z.literal(true), width: z.number(), height: z.number(), codec: z.string(), frameRate: z.number().nullable() }),
    z.object({ ok: z.literal(false), error: z.string().describe('Why the stream did not answer (credentials removed).') }),
  ])
  .describe('What a test of a stream found.');

/** GET /api/users: every user. */
export const userListSchema = z.object({ users: z.array(userWithCamerasSchema) });

/** GET /api/tokens: every API token (never their values). */
export const tokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });

/** POST /api/tokens: the new token's record and its value, shown this once. */
export const tokenCreatedSchema = apiTokenSchema.extend({ token: z.string().describe('The token: shown this once, store it now.') });

/** One entry of the audit log. */
export const auditEntrySchema = z.object({
  seq: z.number(),
  time: z.number(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** GET /api/audit: entries matching the filter. */
export const auditEntriesSchema = z.object({ entries: z.array(auditEntrySchema) });

/** GET /api/audit/verify: the hash chain's check. */
export const auditVerifySchema = z.union([
  z.object({
    ok: z.literal(true),
    entries: z.number().describe('Entries checked.'),
    purgedThrough: z.number().optional().describe('Once retention deleted the oldest entries: the seq of the last one deleted; the chain is checked from its sealed checkpoint.'),
  }),
  z.object({ ok: z.literal(false), firstBadSeq: z.number(), reason: z.string() }),
]);

/** Notification targets from the configuration file, without secrets. */
export const notificationsSchema = z
  .object({
    mqtt: z.object({ url: z.string(), prefix: z.string(), hasCredentials: z.boolean() }).nullable(),
    webhooks: z.array(z.object({ name: z.string(), url: z.string(), types: z.array(z.string()).nullable(), cameras: z.array(z.string()).nullable() })),
    smtp: z.object({ host: z.string(), port: z.number(), secure: z.boolean(), from: z.string(), to: z.array(z.string()), types: z.array(z.string()) }).nullable(),
    outboxPending: z.number().describe('Notifications not yet delivered.'),
  })
  .describe('Notification targets in force (the configuration file\'s, or as set in the app), without secrets.');

/** GET /api/system: the server's status. */
export const systemSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  host: z.object({
    cpus: z.number(),
    loadAverage: z.array(z.number()).describe('1, 5 and 15 minute load averages (zeros on Windows).'),
    memory: z.object({ total: z.number(), free: z.number() }).describe('Bytes.'),
    processRss: z.number().describe('Resident memory of the server process, bytes.'),
  }),
  disk: z.object({ path: z.string(), total: z.number(), free: z.number() }).nullable().describe('The file system of the data directory, bytes; null when it cannot be read.'),
  detector: z.object({ backend: z.string(), workers: z.number(), running: z.string().nullable().describe('The model and runtime actually running.'), pending: z.number().nullable().describe('Frames waiting for a worker now: above the worker count, the detector is saturated.') }),
  recordings: z.object({ bytes: z.number(), segments: z.number(), quotaBytes: z.number() }),
  cameras: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), health: cameraHealthSchema })),
  notifications: notificationsSchema,
});

const occupancyBucketSchema = z.object({
  start: z.number().describe('Start of the bucket, epoch ms.'),
  peak: z.number().describe('Most objects inside at once during the bucket.'),
  mean: z.number().describe('Time-weighted mean of the objects inside over the whole bucket (time the camera was not analysing counts as empty).'),
  observedSeconds: z.number().describe('Seconds of the bucket during which the camera was analysing.'),
});

/** GET /api/cameras/:id/occupancy: each zone's occupancy per bucket. */
export const occupancySchema = z.object({
  from: z.number(),
  to: z.number(),
  bucket: z.enum(['minute', 'hour', 'day']),
  zones: z.record(z.string(), z.array(occupancyBucketSchema)).describe('Zone name → one row per bucket of the range, oldest first.'),
});

const dwellBinCounts = z.array(z.number()).describe('Exits per dwell bin, in the order of the answer\'s `bins`.');

const dwellRowSchema = z.object({
  start: z.number().describe('Start of the bucket, epoch ms.'),
  exits: z.number().describe('Objects that left the zone during the bucket.'),
  meanSeconds: z.number().describe('Their mean time inside, seconds (to 0.1 s).'),
  bins: dwellBinCounts,
});

const dwellTotalSchema = z.object({
  exits: z.number().describe('Objects that left the zone during the range.'),
  meanSeconds: z.number().nullable().describe('Their mean time inside, seconds (to 0.1 s), from the exact sum; null without exits.'),
  medianSeconds: z
    .number()
    .nullable()
    .describe('Their median time inside, seconds (to 0.1 s), estimated from the bins: the bin holding the middle exit, interpolated linearly across it; 900 (a lower bound) when that is the last, open bin; null without exits.'),
  bins: dwellBinCounts,
});

/** GET /api/cameras/:id/dwell: how long objects spent in each zone, per bucket and over the range. */
export const dwellSchema = z.object({
  from: z.number(),
  to: z.number(),
  bucket: z.enum(['minute', 'hour', 'day']),
  bins: z
    .array(z.object({ label: z.string(), fromSeconds: z.number(), toSeconds: z.number().nullable().describe('Null for the last, open bin.') }))
    .describe('The fixed dwell bins: each holds its lower edge and not its upper one.'),
  zones: z
    .record(z.string(), z.object({ total: dwellTotalSchema, rows: z.array(dwellRowSchema).describe('One row per bucket with exits, oldest first.') }))
    .describe('Zone name → its dwell over the range and per bucket; every zone of the camera, and zones of the range since removed.'),
});

/** POST /api/cameras/:id/erase: what an erasure request asks for. */
export const eraseRequestSchema = z.strictObject({
  from: z.number().int().min(0).describe('Start of the range to erase, epoch ms.'),
  to: z.number().int().min(0).describe('End of the range (exclusive), epoch ms; it must lie in the past, behind the segment being recorded.'),
  reason: z.string().trim().min(3).max(500).describe('Why the footage is erased (an erasure request, a ticket number); kept in the audit log.'),
});

/** POST /api/cameras/:id/erase: what the erasure deleted. */
export const erasureSchema = z.object({
  from: z.number(),
  to: z.number(),
  segments: z.number().describe('Recorded segments deleted (files and rows), every one that overlaps the range.'),
  bytes: z.number().describe('Bytes of the deleted segments.'),
  events: z.number().describe('Events deleted: every event of the camera that overlaps the range.'),
  snapshots: z.number().describe('Snapshot files deleted: those of the deleted events and any other of the camera written in the range.'),
});
