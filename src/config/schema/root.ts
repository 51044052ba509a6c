import { z } from 'zod';
import { detectSchema } from './detect.ts';
import { heatmapSchema, lineSchema, zoneSchema } from './rules.ts';
import { trackerSchema } from './tracker.ts';

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

/** The analytics configuration of one camera or video: detection, tracking and rules. */
export const analyticsConfigSchema = z
  .object({
    detect: detectSchema.prefault({}),
    tracker: trackerSchema.prefault({}),
    lines: z.array(lineSchema).default([]).describe('Counting lines.'),
    zones: z.array(zoneSchema).default([]).describe('Zones with entrance/exit, occupancy and optional alarms.'),
    heatmap: heatmapSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = [...cfg.lines.map((l) => l.name), ...cfg.zones.map((z) => z.name)];
    for (const d of new Set(duplicates(names))) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: `the name "${d}" is used twice; line and zone names must be unique` });
    }
    cfg.lines.forEach((line, i) => {
      const [[x1, y1], [x2, y2]] = line.points;
      if (x1 === x2 && y1 === y2) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'points'], message: 'the two points of a line must differ' });
        return;
      }
      const side = (x2 - x1) * (line.inside[1] - y1) - (y2 - y1) * (line.inside[0] - x1);
      if (side === 0) ctx.addIssue({ code: 'custom', path: ['lines', i, 'inside'], message: 'the `inside` point lies on the line itself; pick a point on the "in" side' });
    });
    if (cfg.detect.backend === 'yolo' && cfg.detect.yolo === undefined) {
      ctx.addIssue({ code: 'custom', path: ['detect', 'yolo'], message: 'backend "yolo" needs detect.yolo with the model path' });
    }
    if (cfg.detect.backend === 'yolo' && cfg.detect.fit !== 'letterbox') {
      ctx.addIssue({ code: 'custom', path: ['detect', 'fit'], message: 'YOLO models are fed letterboxed frames; set fit: letterbox' });
    }
    if (cfg.tracker.lowThreshold > cfg.tracker.highThreshold) {
      ctx.addIssue({ code: 'custom', path: ['tracker', 'lowThreshold'], message: 'must not exceed tracker.highThreshold' });
    }
  })
  .describe('Analytics of one video source.');

/** A validated analytics configuration with every default filled in. */
export type AnalyticsConfig = z.infer<typeof analyticsConfigSchema>;

/** What a user may write: every field with a default is optional. */
export type AnalyticsConfigInput = z.input<typeof analyticsConfigSchema>;
