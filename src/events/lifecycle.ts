/**
 * The lifecycle of live events: rule events of each analysed frame become `new`, `update` and
 * `end` steps. Instant events (line crossings, zone entries and exits) are `new` and `end` in the
 * same frame; duration alarms (intrusion, loitering, crowd) are `new` at their start, `update`
 * every `updateSeconds` while open, and `end` at their end. Pure: time comes from the frames and
 * ids from the injected generator.
 */
import type { Occupancy } from '../core/rules/engine.ts';
import type { RuleEvent, RuleEventType } from '../core/rules/types.ts';

/** Event types that last (have a start and an end). */
export const DURATION_TYPES: ReadonlySet<RuleEventType> = new Set(['intrusion', 'loitering', 'crowd']);

/** One step of an event's life, decided from one analysed frame. */
export type LifecycleStep =
  | { readonly kind: 'new'; readonly id: string; readonly event: RuleEvent; readonly instant: boolean }
  | { readonly kind: 'update'; readonly id: string; readonly event: RuleEvent; readonly seconds: number; readonly count: number | null }
  | { readonly kind: 'end'; readonly id: string; readonly event: RuleEvent; readonly seconds: number };

interface OpenEvent {
  readonly id: string;
  readonly start: RuleEvent;
  lastUpdate: number;
}

/** Turns each frame's rule events into lifecycle steps, remembering the open duration events. */
export class EventLifecycle {
  private readonly open = new Map<string, OpenEvent>();

  /**
   * @param newId makes the id of each new event (a UUID in production).
   * @param updateSeconds seconds of stream time between `update` steps of an open event.
   */
  constructor(
    private readonly newId: () => string,
    private readonly updateSeconds = 5,
  ) {}

  /** Events open now, oldest first. */
  openEvents(): readonly { readonly id: string; readonly event: RuleEvent }[] {
    return [...this.open.values()].map((o) => ({ id: o.id, event: o.start }));
  }

  /** The steps of one frame at stream time `time` (seconds), given its rule events and zone occupancy. */
  step(time: number, events: readonly RuleEvent[], occupancy: Occupancy): LifecycleStep[] {
    const steps: LifecycleStep[] = [];
    const endedNow = new Set<string>();
    for (const e of events) {
      if (!DURATION_TYPES.has(e.type)) {
        const id = this.newId();
        steps.push({ kind: 'new', id, event: e, instant: true }, { kind: 'end', id, event: e, seconds: 0 });
        continue;
      }
      const key = keyOf(e);
      const open = this.open.get(key);
      if (e.phase === 'end') {
        if (!open) continue;
        this.open.delete(key);
        endedNow.add(key);
        steps.push({ kind: 'end', id: open.id, event: e, seconds: Math.max(0, e.time - open.start.time) });
      } else if (!open) {
        const id = this.newId();
        this.open.set(key, { id, start: e, lastUpdate: e.time });
        steps.push({ kind: 'new', id, event: e, instant: false });
      }
    }
    for (const [key, o] of this.open) {
      if (endedNow.has(key) || time - o.lastUpdate < this.updateSeconds) continue;
      o.lastUpdate = time;
      const count = o.start.type === 'crowd' ? (occupancy[o.start.rule] ?? 0) : null;
      steps.push({ kind: 'update', id: o.id, event: o.start, seconds: Math.max(0, time - o.start.time), count });
    }
    return steps;
  }

  /** Ends every open event at `time` (the camera stopped or restarts). */
  closeAll(time: number): LifecycleStep[] {
    const steps: LifecycleStep[] = [];
    for (const o of this.open.values()) {
      steps.push({ kind: 'end', id: o.id, event: { ...o.start, phase: 'end', time }, seconds: Math.max(0, time - o.start.time) });
    }
    this.open.clear();
    return steps;
  }
}

function keyOf(e: RuleEvent): string {
  return `${e.type}\u0000${e.rule}\u0000${e.trackId ?? 'group'}`;
}
