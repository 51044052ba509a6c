/** Which bus messages are alarms to tell a user about, and in what words. Pure, for the notices and their tests. */
import type { BusMessage } from '../api/live-messages.ts';

/** The rule events that are alarms (the others are detections: crossings, entrances, exits). */
export const ALARM_TYPES = ['intrusion', 'loitering', 'crowd'] as const;

/** One alarm to show. */
export interface AlarmNotice {
  readonly id: string;
  readonly cameraId: string;
  readonly title: string;
  readonly body: string;
  readonly at: number;
}

const WORDS: Readonly<Record<(typeof ALARM_TYPES)[number], string>> = { intrusion: 'Intrusion', loitering: 'Loitering', crowd: 'Crowd' };

/**
 * The notice of a bus message: the start of an armed alarm (intrusion, loitering, crowd) becomes
 * one; its updates and end, unarmed alarms (outside their schedule) and detections do not.
 */
export function alarmNoticeOf(m: BusMessage, timeText: (epochMs: number) => string): AlarmNotice | null {
  if (m.topic !== 'event' || m.message.kind !== 'new') return null;
  const e = m.message.event;
  if (!e.armed || !(ALARM_TYPES as readonly string[]).includes(e.type)) return null;
  const what = WORDS[e.type as (typeof ALARM_TYPES)[number]];
  const count = typeof e.data['count'] === 'number' ? ` (${e.data['count']} inside)` : '';
  return { id: e.id, cameraId: e.cameraId, title: `${what} in ${e.rule}`, body: `Camera ${e.cameraName}, ${timeText(e.startTime)}${count}`, at: e.startTime };
}
