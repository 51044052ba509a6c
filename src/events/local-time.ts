/**
 * Local time of day and weekday of an instant in an IANA time zone, for arming schedules: the
 * pure predicate in src/core/rules/arming.ts takes what this returns.
 */
import { SightlineError } from '../core/errors.ts';
import { isArmed, type ArmingWindow, type LocalWeekTime } from '../core/rules/arming.ts';

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter of a time zone (default the machine's); throws CONFIG_INVALID naming the zone when it is unknown. */
function formatterOf(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch (cause) {
    throw new SightlineError('CONFIG_INVALID', `unknown time zone "${String(timeZone)}": expected an IANA name such as Europe/Paris or UTC`, { cause });
  }
  formatters.set(key, f);
  return f;
}

/** Throws CONFIG_INVALID when `timeZone` is not a time zone this runtime knows. */
export function assertTimeZone(timeZone: string | undefined): void {
  formatterOf(timeZone);
}

/** The local weekday (0 = Monday) and minute of day (0..1439) of an epoch-ms instant in `timeZone` (default the machine's). */
export function localTimeOf(epochMs: number, timeZone?: string): LocalWeekTime {
  if (!Number.isFinite(epochMs)) throw new RangeError(`${epochMs} is not an instant`);
  const parts = formatterOf(timeZone).formatToParts(epochMs);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAY_INDEX[part('weekday')];
  const hour = Number(part('hour')) % 24;
  const minute = Number(part('minute'));
  if (weekday === undefined || !Number.isInteger(hour) || !Number.isInteger(minute)) {
    throw new Error(`unexpected local time parts ${JSON.stringify(parts)}`);
  }
  return { weekday, minute: hour * 60 + minute };
}

/** Whether a rule with these arming windows is armed at an epoch-ms instant in `timeZone`. */
export function isArmedAt(windows: readonly ArmingWindow[], epochMs: number, timeZone?: string): boolean {
  return windows.length === 0 || isArmed(windows, localTimeOf(epochMs, timeZone));
}
