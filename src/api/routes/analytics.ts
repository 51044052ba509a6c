/**
 * What a camera's analytics add up to: GET /api/cameras/:id/counts (line crossings per bucket,
 * audited `counts_view`), /heatmap (the dwell grid as JSON) and /heatmap.png (the grid drawn over the
 * newest frame), both audited `heatmap_view`; identical views are audited once a minute.
 */
import jpeg from 'jpeg-js';
import { z } from 'zod';
import { createHeatGrid, type HeatGrid } from '../../core/rules/heat-grid.ts';
import { renderHeatmapPng, type RgbFrame } from '../../render/heatmap-png.ts';
import { auditView, VIEW_AUDIT_MS, ViewThrottle, type ApiContext } from '../context.ts';
import type { ApiApp } from '../fastify-types.ts';
import { binary, bucketedRangeFields, errorSchema, idParams, rangeOrLastDay, rangeQuery, responses } from '../schemas/common.ts';
import { showToCaller } from '../show-video.ts';
import { countRowsSchema, heatGridSchema } from '../schemas/event.ts';

/** Largest side of the plain background drawn when the camera has no frame yet, pixels. */
const MAX_BACKGROUND_SIDE = 1920;

function background(jpegData: Buffer | null, grid: HeatGrid | null): RgbFrame {
  if (jpegData !== null) {
    try {
      const img = jpeg.decode(jpegData, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 40, maxMemoryUsageInMB: 256 });
      if (img.data.length === img.width * img.height * 3) return { data: img.data, width: img.width, height: img.height };
    } catch {
      // A frame that does not decode is drawn over a plain background instead.
    }
  }
  const width = Math.min(MAX_BACKGROUND_SIDE, Math.max(1, Math.round(grid === null ? 640 : grid.cols * grid.cellWidth)));
  const height = Math.min(MAX_BACKGROUND_SIDE, Math.max(1, Math.round(grid === null ? 360 : grid.rows * grid.cellHeight)));
  return { data: new Uint8Array(width * height * 3).fill(48), width, height };
}

/** Registers the count and heat map routes. */
export function analyticsRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, cameras } = ctx.deps;
  const views = new ViewThrottle(VIEW_AUDIT_MS);

  app.get(
    '/api/cameras/:id/counts',
    {
      config: { permission: 'events:read', camera: 'id' },
      schema: {
        summary: 'Line crossings per bucket',
        params: idParams,
        querystring: z.strictObject({ ...bucketedRangeFields, line: z.string().min(1).max(256).optional() }),
        response: responses(countRowsSchema),
      },
    },
    async (request) => {
      const { bucket, line } = request.query;
      const { from, to } = rangeOrLastDay(request.query, ctx.deps.now());
      const rows = await store.queryLineCounts({ cameraId: request.params.id, from, to, bucket, ...(line === undefined ? {} : { line }) });
      auditView(ctx, views, request, 'counts_view', request.params.id, { from, to, bucket, ...(line !== undefined && { line }) });
      const totals: Record<string, { in: number; out: number }> = {};
      for (const r of rows) {
        const t = (totals[r.line] ??= { in: 0, out: 0 });
        t.in += r.in;
        t.out += r.out;
      }
      return { from, to, totals, rows: [...rows] };
    },
  );

  app.get(
    '/api/cameras/:id/heatmap',
    {
      config: { permission: 'events:read', camera: 'id' },
      schema: { summary: 'Dwell heat grid over a time range', params: idParams, querystring: rangeQuery, response: responses(heatGridSchema) },
    },
    async (request) => {
      const grid = await store.readHeatGrid({ cameraId: request.params.id, ...request.query });
      auditView(ctx, views, request, 'heatmap_view', request.params.id, { ...request.query });
      return {
        grid: grid === null ? null : { cols: grid.cols, rows: grid.rows, cellWidth: grid.cellWidth, cellHeight: grid.cellHeight, seconds: [...grid.seconds] },
      };
    },
  );

  app.get(
    '/api/cameras/:id/heatmap.png',
    {
      config: { permission: 'events:read', camera: 'id' },
      schema: { summary: 'Heat map drawn over the newest frame (PNG)', params: idParams, querystring: rangeQuery, response: { 200: binary('image/png'), '4xx': errorSchema } },
    },
    async (request, reply) => {
      const id = request.params.id;
      const grid = await store.readHeatGrid({ cameraId: id, ...request.query });
      const latest = await cameras.latestJpeg(id);
      const shown = latest === null ? null : (await showToCaller(ctx, request, { kind: 'image', cameraId: id, jpeg: latest })).jpeg;
      const frame = background(shown, grid);
      const png = renderHeatmapPng(frame, grid ?? createHeatGrid({ width: frame.width, height: frame.height }));
      auditView(ctx, views, request, 'heatmap_view', id, { ...request.query, format: 'png' });
      return reply.type('image/png').send(png);
    },
  );
}
