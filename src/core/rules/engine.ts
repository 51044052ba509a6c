/**
 * The rules engine of one camera: lines, zones and the heat grid, advanced together one frame of
 * tracks at a time, and the totals derived from the events they produced.
 */
import type { FrameTime, ObjectClass } from '../detection.ts';
import { dwellBin, emptyDwellBins, meanDwellSeconds } from './dwell.ts';
import {
  createHeatState,
  DEFAULT_HEAT_CELL_SIZE,
  DEFAULT_HEAT_MAX_DT_SECONDS,
  stepHeat,
  type FrameSize,
  type HeatOptions,
  type HeatState,
} from './heat-grid.ts';
import { createLineState, stepLine, type LineState } from './line-crossing.ts';
import type { RuleEvent, RuleSet, TrackFrame } from './types.ts';
import { createZoneState, DEFAULT_EXIT_AFTER_SECONDS, finishZone, stepZone, type ZoneState } from './zones.ts';

/** Tuning of the engine; every field has a default. */
export interface RuleOptions {
  /** Seconds a track may be absent from the frames before it is gone for good (zones exit it, lines forget it); default 2. */
  readonly exitAfterSeconds?: number;
  /** Heat grid cell size in pixels; default 16. */
  readonly heatCellSize?: number;
  /** Classes that paint the heat grid; default all. */
  readonly heatClasses?: readonly ObjectClass[];
  /** Most seconds one frame adds to the heat grid; default 1. */
  readonly heatMaxDtSeconds?: number;
}

/** Everything the engine remembers between frames; treat as opaque and pass back to `stepRules`. */
export interface RuleState {
  readonly ruleSet: RuleSet;
  readonly exitAfterSeconds: number;
  readonly heatOptions: HeatOptions;
  /** One state per line of the rule set, in its order. */
  readonly lines: readonly LineState[];
  /** One state per zone of the rule set, in its order. */
  readonly zones: readonly ZoneState[];
  /** The heat grid painted so far (`heat.grid`). */
  readonly heat: HeatState;
  /** The last frame analysed, null before the first. */
  readonly last: FrameTime | null;
}

/** Occupancy of each zone in one frame, by zone name. */
export type Occupancy = Readonly<Record<string, number>>;

/** The result of one engine step. */
export interface RuleStep {
  readonly state: RuleState;
  /** Events decided in this frame: lines in rule order, then zones in rule order; within a rule by track id. */
  readonly events: readonly RuleEvent[];
  readonly occupancy: Occupancy;
}

/** The engine's state before the first frame of a camera with these rules and frame size. */
export function createRuleState(ruleSet: RuleSet, frameSize: FrameSize, options: RuleOptions = {}): RuleState {
  return {
    ruleSet,
    exitAfterSeconds: options.exitAfterSeconds ?? DEFAULT_EXIT_AFTER_SECONDS,
    heatOptions: {
      classes: options.heatClasses ?? null,
      maxDtSeconds: options.heatMaxDtSeconds ?? DEFAULT_HEAT_MAX_DT_SECONDS,
    },
    lines: ruleSet.lines.map(() => createLineState()),
    zones: ruleSet.zones.map(() => createZoneState()),
    heat: createHeatState(frameSize, options.heatCellSize ?? DEFAULT_HEAT_CELL_SIZE),
    last: null,
  };
}

/** Advances every rule by one frame of tracks; the input state is not modified. */
export function stepRules(state: RuleState, frame: TrackFrame): RuleStep {
  const events: RuleEvent[] = [];
  const lines = state.ruleSet.lines.map((rule, i) => {
    const step = stepLine(rule, state.lines[i]!, frame, state.exitAfterSeconds);
    events.push(...step.events);
    return step.state;
  });
  const occupancy: Record<string, number> = {};
  const zones = state.ruleSet.zones.map((rule, i) => {
    const step = stepZone(rule, state.zones[i]!, frame, state.exitAfterSeconds);
    events.push(...step.events);
    occupancy[rule.name] = step.occupancy;
    return step.state;
  });
  const heat = stepHeat(state.heat, frame, state.heatOptions);
  return { state: { ...state, lines, zones, heat, last: { frame: frame.frame, time: frame.time } }, events, occupancy };
}

/**
 * Ends a stream: every track still inside a zone exits at its last observation and active alarms
 * end (see `finishZone`); line crossings still waiting for confirmation are dropped. Call it only
 * when the stream is over for good; the returned state starts afresh but keeps the heat grid.
 */
export function finishRules(state: RuleState): { state: RuleState; events: readonly RuleEvent[] } {
  const events: RuleEvent[] = [];
  const at = state.last ?? { frame: 0, time: 0 };
  const zones = state.ruleSet.zones.map((rule, i) => {
    const done = finishZone(rule, state.zones[i]!, at);
    events.push(...done.events);
    return done.state;
  });
  return { state: { ...state, lines: state.ruleSet.lines.map(() => createLineState()), zones }, events };
}

/** Counts of one line. */
export interface LineTotals {
  readonly in: number;
  readonly out: number;
}

/** Counts of one zone. */
export interface ZoneTotals {
  readonly entered: number;
  readonly exited: number;
  /** Highest occupancy in any frame of the occupancy series (0 without one). */
  readonly peakOccupancy: number;
  /** Intrusion alarms started. */
  readonly intrusions: number;
  /** Loitering alarms started. */
  readonly loiterings: number;
  /** Crowd alarms started. */
  readonly crowds: number;
  /** Mean time an object spent inside, seconds (to 0.1 s) over the exits; null without exits. */
  readonly meanDwellSeconds: number | null;
  /** The exits per dwell bin (see dwell.ts: under 5 s, 5–15 s, ... 15 min or more). */
  readonly dwellBins: readonly number[];
}

/** Totals of a rule set over a stretch of events, every line and zone of the set present. */
export interface RuleSummary {
  readonly lines: Readonly<Record<string, LineTotals>>;
  readonly zones: Readonly<Record<string, ZoneTotals>>;
}

/**
 * Derives the totals of a rule set from its events and, for peak occupancy, from the per-frame
 * occupancy series `stepRules` returned; events of rules not in the set are ignored.
 */
export function summarize(events: Iterable<RuleEvent>, ruleSet: RuleSet, occupancy: Iterable<Occupancy> = []): RuleSummary {
  const lines = new Map<string, { in: number; out: number }>(ruleSet.lines.map((l) => [l.name, { in: 0, out: 0 }]));
  const zones = new Map<string, { entered: number; exited: number; peakOccupancy: number; intrusions: number; loiterings: number; crowds: number; dwellMs: number; dwellBins: number[] }>(
    ruleSet.zones.map((z) => [z.name, { entered: 0, exited: 0, peakOccupancy: 0, intrusions: 0, loiterings: 0, crowds: 0, dwellMs: 0, dwellBins: emptyDwellBins() }]),
  );
  for (const e of events) {
    if (e.type === 'line_crossing') {
      const line = lines.get(e.rule);
      if (line && e.direction === 'in') line.in++;
      if (line && e.direction === 'out') line.out++;
      continue;
    }
    const zone = zones.get(e.rule);
    if (!zone) continue;
    if (e.type === 'zone_enter') zone.entered++;
    else if (e.type === 'zone_exit') {
      zone.exited++;
      const seconds = Math.max(0, e.seconds ?? 0);
      zone.dwellMs += Math.round(seconds * 1000);
      zone.dwellBins[dwellBin(seconds)]! += 1;
    } else if (e.phase === 'start' && e.type === 'intrusion') zone.intrusions++;
    else if (e.phase === 'start' && e.type === 'loitering') zone.loiterings++;
    else if (e.phase === 'start' && e.type === 'crowd') zone.crowds++;
  }
  for (const frame of occupancy) {
    for (const [name, zone] of zones) zone.peakOccupancy = Math.max(zone.peakOccupancy, frame[name] ?? 0);
  }
  const zoneTotals = [...zones].map(([name, { dwellMs, ...z }]): [string, ZoneTotals] => [name, { ...z, meanDwellSeconds: meanDwellSeconds(z.exited, dwellMs) }]);
  return { lines: Object.fromEntries(lines), zones: Object.fromEntries(zoneTotals) };
}
