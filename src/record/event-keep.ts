/**
 * The event windows that `events`-mode cameras keep, read from the EventStore for the retention
 * runner. Instant events (line crossings, zone entries and exits) without an end time last an instant;
 * alarms without one are still open. Events that started more than {@link EVENT_LOOKBACK_MS} before
 * the oldest segment are not read, so an alarm open longer than that keeps only its recent part.
 */
import { SightlineError } from '../core/errors.ts';
import type { RuleEventType } from '../core/rules/types.ts';
import type { EventStore } from '../store/event-store.ts';
import type { EventKeep, EventSpan } from './retention-plan.ts';
import type { KeepProvider } from './retention-runner.ts';

/** How far before the oldest segment events are read, ms. */
export const EVENT_LOOKBACK_MS = 24 * 60 * 60 * 1000;

const INSTANT: ReadonlySet<RuleEventType> = new Set(['line_crossing', 'zone_enter', 'zone_exit']);

/** A camera's recording mode and rolls, as in `cameraRecordSchema`. */
export interface CameraRecordMode {
  readonly id: string;
  readonly record: { readonly mode: 'continuous' | 'events' | 'off'; readonly preRollSeconds: number; readonly postRollSeconds: number };
}

/** A keep provider over an EventStore for the cameras `cameras()` lists (read at each run); only `events`-mode cameras get windows. */
export function eventKeepFromStore(store: EventStore, cameras: () => Iterable<CameraRecordMode>): KeepProvider {
  return async ({ from, to }) => {
    const keep = new Map<string, EventKeep>();
    for (const camera of cameras()) {
      if (camera.record.mode !== 'events') continue;
      const preRollMs = camera.record.preRollSeconds * 1000;
      const postRollMs = camera.record.postRollSeconds * 1000;
      let events: EventSpan[];
      try {
        events = await readSpans(store, camera.id, Math.max(0, from - postRollMs - EVENT_LOOKBACK_MS), to + preRollMs + 1);
      } catch (cause) {
        if (cause instanceof SightlineError && cause.code === 'CAMERA_NOT_FOUND') continue;
        throw cause;
      }
      keep.set(camera.id, { preRollMs, postRollMs, events });
    }
    return keep;
  };
}

async function readSpans(store: EventStore, cameraId: string, from: number, to: number): Promise<EventSpan[]> {
  const spans: EventSpan[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.queryEvents({ cameraId, from, to, limit: 1000, ...(cursor === null ? {} : { cursor }) });
    for (const e of page.events) spans.push({ start: e.startTime, end: e.endTime ?? (INSTANT.has(e.type) ? e.startTime : null) });
    cursor = page.nextCursor;
  } while (cursor !== null);
  return spans;
}
