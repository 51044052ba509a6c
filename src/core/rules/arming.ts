/**
 * Arming schedules: whether a rule's alarms notify at a given local time. Pure: the caller turns a
 * clock reading into a local weekday and minute (src/events/local-time.ts) and asks here.
 *
 * A window `{ days, from, to }` is armed from `from` (inclusive) to `to` (exclusive) on each of its
 * days. When `to` is not after `from` the window runs past midnight into the next day, and `days`
 * name the day it starts on: `{ days: [fri], from: 22:00, to: 06:00 }` covers Friday 22:00 to
 * Saturday 06:00. `from` equal to `to` is a whole 24 hours. `24:00` is the end of the day. An
 * empty list of windows means always armed.
 */
import { SightlineError } from '../errors.ts';

/** Days of the week in schedule order: index 0 is Monday. */
export const ARMING_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A day of the week as schedules name it. */
export type ArmingWeekday = (typeof ARMING_WEEKDAYS)[number];

/** One armed window: on `days`, from `from` to `to` (local `HH:MM`, `24:00` allowed). */
export interface ArmingWindow {
  readonly days: readonly ArmingWeekday[];
  readonly from: string;
  readonly to: string;
}

/** A local time of the week: `weekday` 0..6 with 0 = Monday, `minute` 0..1439 since local midnight. */
export interface LocalWeekTime {
  readonly weekday: number;
  readonly minute: number;
}

const MINUTES_PER_DAY = 24 * 60;
const HHMM = /^(\d{2}):(\d{2})$/;

/** Minutes since midnight of a `HH:MM` time (00:00 to 24:00); throws CONFIG_INVALID on anything else. */
export function minuteOfDay(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  const hours = m ? Number(m[1]) : NaN;
  const minutes = m ? Number(m[2]) : NaN;
  const total = hours * 60 + minutes;
  if (!(hours <= 24 && minutes <= 59 && total <= MINUTES_PER_DAY)) {
    throw new SightlineError('CONFIG_INVALID', `"${hhmm}" is not a time of day: expected HH:MM between 00:00 and 24:00`);
  }
  return total;
}

/** True when the local time falls inside one of the windows, or when there are none. */
export function isArmed(windows: readonly ArmingWindow[], local: LocalWeekTime): boolean {
  if (!Number.isInteger(local.weekday) || local.weekday < 0 || local.weekday > 6) {
    throw new RangeError(`weekday ${local.weekday} is not 0..6`);
  }
  if (!Number.isInteger(local.minute) || local.minute < 0 || local.minute >= MINUTES_PER_DAY) {
    throw new RangeError(`minute ${local.minute} is not 0..1439`);
  }
  if (windows.length === 0) return true;
  const today = ARMING_WEEKDAYS[local.weekday]!;
  const yesterday = ARMING_WEEKDAYS[(local.weekday + 6) % 7]!;
  return windows.some((w) => inWindow(w, today, yesterday, local.minute));
}

function inWindow(w: ArmingWindow, today: ArmingWeekday, yesterday: ArmingWeekday, minute: number): boolean {
  const from = minuteOfDay(w.from);
  const to = minuteOfDay(w.to);
  if (from < to) return w.days.includes(today) && minute >= from && minute < to;
  // Past midnight: the evening part belongs to the start day, the morning part to the day after it.
  return (w.days.includes(today) && minute >= from) || (w.days.includes(yesterday) && minute < to);
}
