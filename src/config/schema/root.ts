import { z } from 'zod';
import { detectSchema } from './detect.ts';
import { heatmapSchema, lineSchema, zoneSchema } from './rules.ts';
import { trackerSchema } from './tracker.ts';

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

/** Names of the analytics presets. */
export const PRESET_NAMES = ['default', 'dense'] as const;

/** What a preset changes: settings laid under the user's own, which win wherever both say something. */
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * The presets. `dense` is for crowds of small, far, often half-hidden people (a mall or station
 * concourse seen from above, 15 to 50 people at once), tuned on the CUHK Mall scene: 3x2 tiles
 * (each person seen at about twice the size), weak detections kept, tight suppression of
 * overlapping boxes, tracks started and reported from one detection. It costs six inferences per
 * analysed frame and over-counts in sparse scenes, where `default` is right.
 */
export const PRESETS: Readonly<Record<PresetName, Readonly<Record<string, unknown>>>> = Object.freeze({
  default: Object.freeze({}),
  dense: Object.freeze({
    detect: Object.freeze({ tiles: Object.freeze({ columns: 3, rows: 2, overlap: 0.2 }), fit: 'stretch', minScore: 0.1, nmsIou: 0.3, maxDetections: 300 }),
    tracker: Object.freeze({ highThreshold: 0.18, newTrackThreshold: 0.22, lowThreshold: 0.1, minHits: 1, maxLostSeconds: 0.5 }),
  }),
});

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `over` laid on `under`: objects merged key by key, anything else (arrays too) taken from `over` where it says something. */
function layered(under: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...under };
  for (const [k, v] of Object.entries(over)) {
    const u = out[k];
    out[k] = isPlainObject(u) && isPlainObject(v) ? layered(u, v) : v;
  }
  return out;
}

/** The user's analytics settings laid over their preset's (unknown presets are left for the schema to refuse). */
export function withPreset(raw: unknown): unknown {
  if (!isPlainObject(raw) || typeof raw['preset'] !== 'string' || !(PRESET_NAMES as readonly string[]).includes(raw['preset'])) return raw;
  return layered(PRESETS[raw['preset'] as PresetName], raw);
}

const analyticsObjectSchema = z
  .object({
    preset: z
      .enum(PRESET_NAMES)
      .default('default')
      .describe(
        'Starting values for the detector and tracker, under the settings written here: `default` for scenes of up to about 15 people, each clearly visible; `dense` for crowds of small, far people (3x2 tiles, weak detections kept, six inferences per frame). To see which fits a scene, annotate the true number of people on a few dozen frames (CSV `frame,count`), run `sightline analyze` with each preset and compare with `sightline eval --counts-truth <csv> --occupancy`.',
      ),
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

/** The analytics configuration of one camera or video: detection, tracking and rules, over its preset. */
export const analyticsConfigSchema = z.preprocess(withPreset, analyticsObjectSchema);

/** A validated analytics configuration with every default filled in. */
export type AnalyticsConfig = z.infer<typeof analyticsObjectSchema>;

/** What a user may write: every field with a default is optional. */
export type AnalyticsConfigInput = z.input<typeof analyticsObjectSchema>;
