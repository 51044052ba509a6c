/**
 * GET /api/cameras/:id/occupancy: per zone and bucket, the peak and time-weighted mean number of
 * objects inside, derived from the camera's zone_enter and zone_exit events in the range. Objects
 * already inside at `from` are unknown, so every zone starts empty and the count never drops below 0.
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import type { CountBucket, EventStore } from '../../store/event-store.ts';
import { MAX_EVENT_LIMIT } from '../../store/event-store.ts';
import { auditView, VIEW_AUDIT_MS, ViewThrottle, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { bucketedRangeFields, idParams, rangeOrLastDay, responses } from '../schemas/common.ts';

/** Longest range one occupancy query may span, ms (31 days). */
export const MAX_OCCUPANCY_RANGE_MS = 31 * 86_400_000;

const BUCKET_MS: Readonly<Record<CountBucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const bucketSchema = z.object({
  start: z.number().describe('Start of the bucket, epoch ms.'),
  peak: z.number().describe('Most objects inside at once during the bucket.'),
  mean: z.number().describe('Time-weighted mean of the objects inside over the bucket (its part inside the range).'),
});

const occupancySchema = z.object({
  from: z.number(),
  to: z.number(),
  bucket: z.enum(['minute', 'hour', 'day']),
  zones: z.record(z.string(), z.array(bucketSchema)).describe('Zone name → one row per bucket of the range, oldest first.'),
});

/** One change of a zone's count: +1 on entering, -1 on leaving. */
export interface Step {
  readonly time: number;
  readonly delta: 1 | -1;
}

/** One bucket of a zone's occupancy. */
export interface OccupancyBucket {
  readonly start: number;
  readonly peak: number;
  readonly mean: number;
}

/** Reads every zone entrance and exit of a camera in [from, to), paging with the store's cursor, grouped by zone. */
async function zoneSteps(store: EventStore, cameraId: string, from: number, to: number): Promise<Map<string, Step[]>> {
  const steps = new Map<string, Step[]>();
  for (const type of ['zone_enter', 'zone_exit'] as const) {
    let cursor: string | null = null;
    do {
      const page = await store.queryEvents({ cameraId, type, from, to, limit: MAX_EVENT_LIMIT, ...(cursor === null ? {} : { cursor }) });
      for (const e of page.events) {
        let list = steps.get(e.rule);
        if (list === undefined) steps.set(e.rule, (list = []));
        list.push({ time: e.startTime, delta: type === 'zone_enter' ? 1 : -1 });
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return steps;
}

/**
 * Folds a zone's steps into buckets of `bucketMs` over [from, to): the count starts at 0, is clamped
 * at 0, and at equal times exits apply before entrances (so a swap at one instant is no peak).
 */
export function occupancyBuckets(steps: readonly Step[], from: number, to: number, bucketMs: number): OccupancyBucket[] {
  const sorted = [...steps].sort((a, b) => a.time - b.time || a.delta - b.delta);
  const out: OccupancyBucket[] = [];
  let count = 0;
  let i = 0;
  for (let start = Math.floor(from / bucketMs) * bucketMs; start < to; start += bucketMs) {
    const lo = Math.max(start, from);
    const hi = Math.min(start + bucketMs, to);
    let peak = count;
    let area = 0;
    let at = lo;
    for (; i < sorted.length && sorted[i]!.time < hi; i++) {
      const s = sorted[i]!;
      const t = Math.max(s.time, lo);
      area += count * (t - at);
      at = t;
      count = Math.max(0, count + s.delta);
      peak = Math.max(peak, count);
    }
    area += count * (hi - at);
    out.push({ start, peak, mean: hi > lo ? Math.round((area / (hi - lo)) * 1000) / 1000 : 0 });
  }
  return out;
}

/** Registers the occupancy route. */
export function occupancyRoutes(app: ApiApp, ctx: ApiContext): void {
  const views = new ViewThrottle(VIEW_AUDIT_MS);
  app.get(
    '/api/cameras/:id/occupancy',
    {
      config: { permission: 'events:read', camera: 'id' },
      schema: {
        summary: 'Objects inside each zone per bucket (peak and mean)',
        params: idParams,
        querystring: z.strictObject(bucketedRangeFields),
        response: responses(occupancySchema),
      },
    },
    async (request) => {
      const { bucket } = request.query;
      const { from, to } = rangeOrLastDay(request.query, ctx.deps.now());
      if (to <= from) throw new SightlineError('REQUEST_INVALID', `query.to must be after query.from (got from ${from}, to ${to})`);
      if (to - from > MAX_OCCUPANCY_RANGE_MS) throw new SightlineError('REQUEST_INVALID', 'the range is longer than 31 days; ask for a shorter one');
      const camera = request.scopedCamera!;
      auditView(ctx, views, request, 'occupancy_view', camera.id, { from, to, bucket });
      const steps = await zoneSteps(ctx.deps.store, camera.id, from, to);
      for (const zone of camera.analytics.zones) if (!steps.has(zone.name)) steps.set(zone.name, []);
      // fromEntries defines own properties, so even a rule named __proto__ stays a plain key.
      const zones = Object.fromEntries([...steps].sort(([a], [b]) => a.localeCompare(b)).map(([zone, list]) => [zone, occupancyBuckets(list, from, to, BUCKET_MS[bucket])]));
      return { from, to, bucket, zones };
    },
  );
}
