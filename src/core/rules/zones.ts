/**
 * Polygonal zones: entrance, exit, occupancy, and the intrusion, loitering and crowd alarms.
 *
 * Semantics:
 * - Only tracks of the zone's classes are seen; a frame where a track has another class counts as
 *   a frame where it is absent.
 * - Inside means the foot point of the box lies inside the polygon or on its edge, decided on
 *   observed frames only: a coasting track keeps the state of its last observation.
 * - `zone_enter` fires at the first observation inside (also for a track first seen inside);
 *   `zone_exit` at the first observation outside after that. A track absent from the frames for
 *   more than `exitAfterSeconds` has gone for good: it exits then, with the frame and time of its
 *   last observation (so that event carries an earlier frame than the one being analysed).
 * - Every `zone_exit` carries the track's dwell in `seconds`: the time of the exit observation
 *   minus the time of its `zone_enter` (0 for a track seen inside in one frame only).
 * - Dwell is the time since the `zone_enter`. Intrusion starts at the first observation with dwell
 *   >= its seconds (at the entrance when seconds is 0), loitering at the first observation with
 *   dwell > its seconds; both end with the exit, just before the `zone_exit`, and carry the dwell
 *   in `seconds`. Alarms are decided on observed frames, so they never start after the exit time.
 * - Occupancy in a frame is the number of tracks present in it (observed or coasting) whose last
 *   observation was inside.
 * - Crowd starts once occupancy has stayed >= `count` for at least `seconds` of frame time, and
 *   ends at the first frame where it drops below `count`; both carry the occupancy in `count`, the
 *   track id null, and the class most present in the crowd when it started.
 * - Events of one frame come ordered by track id (each track's own in the order above), then the
 *   crowd's.
 */
import type { FrameTime, ObjectClass, Track } from '../detection.ts';
import { footPoint } from '../geometry.ts';
import { pointInPolygon } from '../polygon.ts';
import type { RuleEvent, TrackFrame, ZoneRule } from './types.ts';

/** How long, by default, a track may be absent from the frames before it counts as gone and exits its zones. */
export const DEFAULT_EXIT_AFTER_SECONDS = 2;

/** What a zone remembers about one track inside it. */
export interface ZoneTrackState {
  /** The class of the track at its last observation. */
  readonly class: ObjectClass;
  /** When the track entered. */
  readonly entered: FrameTime;
  /** The track's last observation (inside). */
  readonly lastObserved: FrameTime;
  /** Time of the last frame the track was present in (observed or coasting). */
  readonly lastSeen: number;
  /** True once the intrusion alarm started for this track. */
  readonly intrusion: boolean;
  /** True once the loitering alarm started for this track. */
  readonly loitering: boolean;
}

/** What a zone remembers: the tracks inside it by id, and its crowd alarm. */
export interface ZoneState {
  readonly inside: ReadonlyMap<number, ZoneTrackState>;
  /** Time of the first frame of the current run of frames with occupancy >= the crowd count, null when none. */
  readonly crowdSince: number | null;
  /** The active crowd alarm's class, null when no crowd alarm is active. */
  readonly crowd: ObjectClass | null;
}

/** The result of one zone step: next state, events in order, and the zone's occupancy in this frame. */
export interface ZoneStep {
  readonly state: ZoneState;
  readonly events: readonly RuleEvent[];
  readonly occupancy: number;
}

/** A zone's state before any frame. */
export function createZoneState(): ZoneState {
  return { inside: new Map(), crowdSince: null, crowd: null };
}

/** True when the track's foot point lies in the zone's polygon (edge included). */
export function inZone(rule: ZoneRule, track: Track): boolean {
  return pointInPolygon(footPoint(track.box), rule.polygon);
}

/** The events that close one track's presence: alarm ends, then the exit, all at `at`. */
function exitEvents(rule: ZoneRule, id: number, s: ZoneTrackState, at: FrameTime): RuleEvent[] {
  const base = { rule: rule.name, trackId: id, class: s.class, frame: at.frame, time: at.time };
  const seconds = at.time - s.entered.time;
  const events: RuleEvent[] = [];
  if (s.intrusion) events.push({ ...base, type: 'intrusion', phase: 'end', seconds });
  if (s.loitering) events.push({ ...base, type: 'loitering', phase: 'end', seconds });
  events.push({ ...base, type: 'zone_exit', seconds });
  return events;
}

/** Starts the duration alarms a track inside has earned by this observation; returns the updated state. */
function checkAlarms(rule: ZoneRule, id: number, s: ZoneTrackState, at: FrameTime, events: RuleEvent[]): ZoneTrackState {
  const dwell = at.time - s.entered.time;
  const base = { rule: rule.name, trackId: id, class: s.class, frame: at.frame, time: at.time, phase: 'start' as const, seconds: dwell };
  let { intrusion, loitering } = s;
  if (rule.intrusion && !intrusion && dwell >= rule.intrusion.seconds) {
    intrusion = true;
    events.push({ ...base, type: 'intrusion' });
  }
  if (rule.loitering && !loitering && dwell > rule.loitering.seconds) {
    loitering = true;
    events.push({ ...base, type: 'loitering' });
  }
  return intrusion === s.intrusion && loitering === s.loitering ? s : { ...s, intrusion, loitering };
}

/** The class most present among the given tracks, ties broken by the order of the zone's classes. */
function majorityClass(rule: ZoneRule, classes: readonly ObjectClass[]): ObjectClass {
  let best: ObjectClass | null = null;
  let bestCount = 0;
  for (const c of rule.classes) {
    const n = classes.filter((x) => x === c).length;
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best ?? classes[0] ?? rule.classes[0] ?? 'person';
}

/** Advances the crowd alarm by one frame given the occupancy and the classes of the tracks inside. */
function stepCrowd(
  rule: ZoneRule,
  state: ZoneState,
  frame: TrackFrame,
  classes: readonly ObjectClass[],
  events: RuleEvent[],
): Pick<ZoneState, 'crowdSince' | 'crowd'> {
  if (!rule.crowd) return { crowdSince: null, crowd: null };
  const need = Math.max(1, rule.crowd.count);
  const count = classes.length;
  const base = { type: 'crowd' as const, rule: rule.name, trackId: null, frame: frame.frame, time: frame.time, count };
  if (count < need) {
    if (state.crowd !== null) events.push({ ...base, class: state.crowd, phase: 'end' });
    return { crowdSince: null, crowd: null };
  }
  const since = state.crowdSince ?? frame.time;
  if (state.crowd === null && frame.time - since >= rule.crowd.seconds) {
    const cls = majorityClass(rule, classes);
    events.push({ ...base, class: cls, phase: 'start' });
    return { crowdSince: since, crowd: cls };
  }
  return { crowdSince: since, crowd: state.crowd };
}

/**
 * Advances a zone by one frame: returns the next state, the events of this frame (see the module
 * notes for their order) and the zone's occupancy. `exitAfterSeconds` is how long a track may be
 * absent before it counts as gone (DEFAULT_EXIT_AFTER_SECONDS is the usual value). The input state
 * is not modified.
 */
export function stepZone(rule: ZoneRule, state: ZoneState, frame: TrackFrame, exitAfterSeconds: number): ZoneStep {
  const inside = new Map(state.inside);
  const events: RuleEvent[] = [];
  const present = new Set<number>();
  const tracks = frame.tracks.filter((t) => rule.classes.includes(t.class));
  const at: FrameTime = { frame: frame.frame, time: frame.time };
  for (const track of tracks) {
    present.add(track.id);
    const prev = inside.get(track.id);
    if (!track.observed) {
      if (prev) inside.set(track.id, { ...prev, lastSeen: frame.time });
      continue;
    }
    const isIn = inZone(rule, track);
    if (prev && !isIn) {
      events.push(...exitEvents(rule, track.id, prev, at));
      inside.delete(track.id);
    } else if (isIn) {
      if (!prev) {
        events.push({ type: 'zone_enter', rule: rule.name, trackId: track.id, class: track.class, frame: at.frame, time: at.time });
      }
      const base: ZoneTrackState = prev
        ? { ...prev, class: track.class, lastObserved: at, lastSeen: frame.time }
        : { class: track.class, entered: at, lastObserved: at, lastSeen: frame.time, intrusion: false, loitering: false };
      inside.set(track.id, checkAlarms(rule, track.id, base, at, events));
    }
  }
  for (const [id, s] of inside) {
    if (present.has(id) || frame.time - s.lastSeen <= exitAfterSeconds) continue;
    events.push(...exitEvents(rule, id, s, s.lastObserved));
    inside.delete(id);
  }
  // Stable sort: each track's events keep their order.
  events.sort((a, b) => (a.trackId ?? 0) - (b.trackId ?? 0));
  const classes: ObjectClass[] = [];
  for (const [id, s] of inside) if (present.has(id)) classes.push(s.class);
  const crowd = stepCrowd(rule, state, frame, classes, events);
  return { state: { inside, ...crowd }, events, occupancy: classes.length };
}

/**
 * Closes a zone at the end of a stream, as if every track inside had gone for good: each exits at
 * its last observation (alarms ending first), ordered by track id, and an active crowd alarm ends
 * at `at` (the last frame) with a count of 0. Returns an empty state.
 */
export function finishZone(rule: ZoneRule, state: ZoneState, at: FrameTime): { state: ZoneState; events: readonly RuleEvent[] } {
  const events: RuleEvent[] = [];
  const open = [...state.inside].sort(([a], [b]) => a - b);
  for (const [id, s] of open) events.push(...exitEvents(rule, id, s, s.lastObserved));
  if (state.crowd !== null) {
    events.push({ type: 'crowd', rule: rule.name, trackId: null, class: state.crowd, frame: at.frame, time: at.time, count: 0, phase: 'end' });
  }
  return { state: createZoneState(), events };
}
