import type { ObjectClass, Track } from '../detection.ts';
import type { Point } from '../geometry.ts';

/** A directional counting line: a crossing of the segment by a track's foot point counts `in` or `out`. */
export interface LineRule {
  readonly name: string;
  /** The counting segment, in pixels of the original frame. */
  readonly points: readonly [Point, Point];
  /** Any point on the `in` side of the line. */
  readonly inside: Point;
  /** Classes that are counted. */
  readonly classes: readonly ObjectClass[];
  /**
   * Jitter guard: a crossing counts only once the track has stayed on the new side for this many
   * consecutive observations (1 = count at once).
   */
  readonly minObservations: number;
  /** Jitter guard: the foot point must end at least this many pixels from the line to count. */
  readonly minDistance: number;
}

/** A polygonal zone with its optional alarms; entrance, exit and occupancy are always reported. */
export interface ZoneRule {
  readonly name: string;
  /** Polygon vertices in pixels of the original frame, at least three. */
  readonly polygon: readonly Point[];
  readonly classes: readonly ObjectClass[];
  /** Intrusion alarm: an object of `classes` inside for at least this many seconds. */
  readonly intrusion?: { readonly seconds: number };
  /** Loitering alarm: one object dwelling inside for more than this many seconds. */
  readonly loitering?: { readonly seconds: number };
  /** Crowd alarm: at least `count` objects inside for at least `seconds`. */
  readonly crowd?: { readonly count: number; readonly seconds: number };
}

/** All rules of one camera. */
export interface RuleSet {
  readonly lines: readonly LineRule[];
  readonly zones: readonly ZoneRule[];
}

/** The tracks of one analysed frame, the input of every rule. */
export interface TrackFrame {
  /** 1-based frame index in the source. */
  readonly frame: number;
  /** Seconds from the stream's timestamps. */
  readonly time: number;
  readonly tracks: readonly Track[];
}

/** Kinds of rule events. Duration alarms (intrusion, loitering, crowd) have a `start` and an `end`. */
export type RuleEventType = 'line_crossing' | 'zone_enter' | 'zone_exit' | 'intrusion' | 'loitering' | 'crowd';

/** Something a rule decided happened. */
export interface RuleEvent {
  readonly type: RuleEventType;
  /** Name of the line or zone that produced it. */
  readonly rule: string;
  /** The track concerned; null for crowd alarms, which concern a group. */
  readonly trackId: number | null;
  readonly class: ObjectClass;
  readonly frame: number;
  readonly time: number;
  /** Line crossings only: `in` when the track ended on the side of the line's `inside` point. */
  readonly direction?: 'in' | 'out';
  /** Duration alarms only. */
  readonly phase?: 'start' | 'end';
  /** Crowd alarms only: objects inside at that moment. */
  readonly count?: number;
  /** Loitering and intrusion: seconds inside so far; zone exits: the whole time inside (the dwell). */
  readonly seconds?: number;
}

/** Every rule event type, the values an event's `type` may take. */
export const EVENT_TYPES = ['line_crossing', 'zone_enter', 'zone_exit', 'intrusion', 'loitering', 'crowd'] as const satisfies readonly RuleEventType[];

/** The event types that are alarms (duration alarms of zones); the others are detections. */
export const ALARM_EVENT_TYPES = ['intrusion', 'loitering', 'crowd'] as const satisfies readonly RuleEventType[];

// Fails to compile when RuleEventType gains a member that EVENT_TYPES lacks.
const _allEventTypes: [Exclude<RuleEventType, (typeof EVENT_TYPES)[number]>] extends [never] ? true : false = true;
