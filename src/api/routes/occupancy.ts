/**
 * GET /api/cameras/:id/occupancy: per zone and bucket, the peak and time-weighted mean number of
 * objects inside, from the occupancy the camera stored per minute as the tracks present in its
 * analysed frames showed it (src/live/occupancy-tally.ts), never from adding up entrances and exits,
 * so a restart or a dropped connection cannot make it drift. Whole buckets overlapping the range.
 */
import { z } from 'zod';
import { SightlineError } from '../../core/errors.ts';
import { BUCKET_MS } from '../../store/buckets.ts';
import type { ZoneOccupancyRow } from '../../store/event-store.ts';
import { auditView, VIEW_AUDIT_MS, ViewThrottle, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { occupancySchema } from '../schemas/answers.ts';
import { bucketedRangeFields, idParams, rangeOrLastDay, responses } from '../schemas/common.ts';

/** Longest range one occupancy query may span, ms (31 days). */
export const MAX_OCCUPANCY_RANGE_MS = 31 * 86_400_000;


/** One bucket of a zone's occupancy. */
export interface OccupancyBucket {
  readonly start: number;
  readonly peak: number;
  readonly mean: number;
  readonly observedSeconds: number;
}

/** A zone's stored rows (ordered by start) as one row per bucket of [from, to); buckets without rows are empty. */
export function occupancyBuckets(rows: readonly ZoneOccupancyRow[], from: number, to: number, bucketMs: number): OccupancyBucket[] {
  const byStart = new Map(rows.map((r) => [r.start, r]));
  const out: OccupancyBucket[] = [];
  for (let start = Math.floor(from / bucketMs) * bucketMs; start < to; start += bucketMs) {
    const r = byStart.get(start);
    out.push({
      start,
      peak: r?.peak ?? 0,
      mean: r === undefined ? 0 : Math.round((r.objectMs / bucketMs) * 1000) / 1000,
      observedSeconds: r === undefined ? 0 : Math.round(r.observedMs / 1000),
    });
  }
  return out;
}

/** The range of a zone query (occupancy, dwell): the last day by default, REQUEST_INVALID when empty or longer than 31 days. */
export function zoneQueryRange(query: Parameters<typeof rangeOrLastDay>[0], now: number): { from: number; to: number } {
  const { from, to } = rangeOrLastDay(query, now);
  if (to <= from) throw new SightlineError('REQUEST_INVALID', `query.to must be after query.from (got from ${from}, to ${to})`);
  if (to - from > MAX_OCCUPANCY_RANGE_MS) throw new SightlineError('REQUEST_INVALID', 'the range is longer than 31 days; ask for a shorter one');
  return { from, to };
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
      const { from, to } = zoneQueryRange(request.query, ctx.deps.now());
      const camera = request.scopedCamera!;
      auditView(ctx, views, request, 'occupancy_view', camera.id, { from, to, bucket });
      const rows = await ctx.deps.store.queryZoneOccupancy({ cameraId: camera.id, from, to, bucket });
      const byZone = new Map<string, ZoneOccupancyRow[]>();
      for (const zone of camera.analytics.zones) byZone.set(zone.name, []);
      for (const r of rows) {
        let list = byZone.get(r.zone);
        if (list === undefined) byZone.set(r.zone, (list = []));
        list.push(r);
      }
      // fromEntries defines own properties, so even a rule named __proto__ stays a plain key.
      const zones = Object.fromEntries([...byZone].sort(([a], [b]) => a.localeCompare(b)).map(([zone, list]) => [zone, occupancyBuckets(list, from, to, BUCKET_MS[bucket])]));
      return { from, to, bucket, zones };
    },
  );
}
