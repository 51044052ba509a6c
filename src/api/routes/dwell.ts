/**
 * GET /api/cameras/:id/dwell: how long objects spent in each zone, from the dwell the camera stored
 * per minute as objects left (src/store/buckets.ts exitsByMinute: a count, a sum and a histogram,
 * no track ids). Per zone, one row per bucket with exits (their count, mean and bins) and the
 * totals over the range, with the median estimated from the bins (src/core/rules/dwell.ts). Whole
 * buckets overlapping the range; audited `dwell_view`. Dwell is part of the `zones` analytic: a
 * live camera stores it only while its purpose allows zones (src/live/live-camera.ts).
 */
import { z } from 'zod';
import { addDwellBins, DWELL_BIN_LABELS, DWELL_BINS, emptyDwellBins, meanDwellSeconds, medianDwellSeconds } from '../../core/rules/dwell.ts';
import type { ZoneDwellRow } from '../../store/event-store.ts';
import { auditView, VIEW_AUDIT_MS, ViewThrottle, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { dwellSchema } from '../schemas/answers.ts';
import { bucketedRangeFields, idParams, responses } from '../schemas/common.ts';
import { zoneQueryRange } from './occupancy.ts';

/** One zone's dwell in the answer: the totals over the range and a row per bucket with exits. */
export interface ZoneDwell {
  readonly total: { readonly exits: number; readonly meanSeconds: number | null; readonly medianSeconds: number | null; readonly bins: readonly number[] };
  readonly rows: readonly { readonly start: number; readonly exits: number; readonly meanSeconds: number; readonly bins: readonly number[] }[];
}

/** The stored rows (ordered by start) by zone, every zone of `zones` present (at zero when it had no exits), sorted by name. */
export function dwellByZone(rows: readonly ZoneDwellRow[], zones: readonly string[]): Record<string, ZoneDwell> {
  const byZone = new Map<string, ZoneDwellRow[]>(zones.map((z) => [z, []]));
  for (const r of rows) {
    let list = byZone.get(r.zone);
    if (list === undefined) byZone.set(r.zone, (list = []));
    list.push(r);
  }
  const entries = [...byZone].sort(([a], [b]) => a.localeCompare(b)).map(([zone, list]): [string, ZoneDwell] => {
    let exits = 0;
    let dwellMs = 0;
    let bins = emptyDwellBins();
    for (const r of list) {
      exits += r.exits;
      dwellMs += r.dwellMs;
      bins = addDwellBins(bins, r.bins);
    }
    return [
      zone,
      {
        total: { exits, meanSeconds: meanDwellSeconds(exits, dwellMs), medianSeconds: medianDwellSeconds(bins), bins },
        rows: list.filter((r) => r.exits > 0).map((r) => ({ start: r.start, exits: r.exits, meanSeconds: meanDwellSeconds(r.exits, r.dwellMs) ?? 0, bins: [...r.bins] })),
      },
    ];
  });
  // fromEntries defines own properties, so even a rule named __proto__ stays a plain key.
  return Object.fromEntries(entries);
}

/** The dwell bins as the answer describes them. */
const BINS = DWELL_BINS.map((b, i) => ({ label: DWELL_BIN_LABELS[i]!, fromSeconds: b.fromSeconds, toSeconds: b.toSeconds }));

/** Registers the dwell route. */
export function dwellRoutes(app: ApiApp, ctx: ApiContext): void {
  const views = new ViewThrottle(VIEW_AUDIT_MS);
  app.get(
    '/api/cameras/:id/dwell',
    {
      config: { permission: 'events:read', camera: 'id' },
      schema: {
        summary: 'Time spent in each zone per bucket and over the range (exits, mean, median, distribution)',
        params: idParams,
        querystring: z.strictObject(bucketedRangeFields),
        response: responses(dwellSchema),
      },
    },
    async (request) => {
      const { bucket } = request.query;
      const { from, to } = zoneQueryRange(request.query, ctx.deps.now());
      const camera = request.scopedCamera!;
      auditView(ctx, views, request, 'dwell_view', camera.id, { from, to, bucket });
      const rows = await ctx.deps.store.queryZoneDwell({ cameraId: camera.id, from, to, bucket });
      return { from, to, bucket, bins: BINS, zones: dwellByZone(rows, camera.analytics.zones.map((z) => z.name)) };
    },
  );
}
