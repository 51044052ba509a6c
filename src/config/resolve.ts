import type { RuleSet } from '../core/rules/types.ts';
import { DEFAULT_BYTE_TRACK, type ByteTrackConfig } from '../core/tracker/byte-track.ts';
import type { AnalyticsConfig } from './schema/index.ts';

/** The rules of a configuration as the core rules engine takes them. */
export function resolveRuleSet(config: AnalyticsConfig): RuleSet {
  return Object.freeze({
    lines: config.lines.map((l) => Object.freeze({ ...l })),
    zones: config.zones.map((z) => {
      const { intrusion, loitering, crowd, ...rest } = z;
      return Object.freeze({ ...rest, ...(intrusion && { intrusion }), ...(loitering && { loitering }), ...(crowd && { crowd }) });
    }),
  });
}

/** The tracker settings of a configuration, with track life converted from seconds to analysed frames. */
export function resolveTracker(config: AnalyticsConfig, analysedFps: number): ByteTrackConfig {
  const t = config.tracker;
  return Object.freeze({
    ...DEFAULT_BYTE_TRACK,
    highThreshold: t.highThreshold,
    lowThreshold: t.lowThreshold,
    newTrackThreshold: t.newTrackThreshold,
    matchThreshold: t.matchThreshold,
    fuseScore: t.fuseScore,
    minHits: t.minHits,
    maxLostFrames: Math.max(1, Math.round(t.maxLostSeconds * analysedFps)),
  });
}
