import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isArmed, minuteOfDay, type ArmingWindow } from './arming.ts';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MON = 0;
const TUE = 1;
const FRI = 4;
const SAT = 5;
const SUN = 6;

/** Minute of day of `HH:MM`, for readable cases. */
const at = (hhmm: string): number => minuteOfDay(hhmm);

test('arming: windows by day and time', async (t) => {
  const cases: { name: string; windows: ArmingWindow[]; weekday: number; time: string; want: boolean }[] = [
    { name: 'no windows: always armed', windows: [], weekday: SUN, time: '03:00', want: true },
    { name: 'inside a day window', windows: [{ days: ALL, from: '08:00', to: '18:00' }], weekday: TUE, time: '12:00', want: true },
    { name: 'from is inclusive', windows: [{ days: ALL, from: '08:00', to: '18:00' }], weekday: TUE, time: '08:00', want: true },
    { name: 'to is exclusive', windows: [{ days: ALL, from: '08:00', to: '18:00' }], weekday: TUE, time: '18:00', want: false },
    { name: 'before a day window', windows: [{ days: ALL, from: '08:00', to: '18:00' }], weekday: TUE, time: '07:59', want: false },
    { name: 'day not listed', windows: [{ days: ['mon', 'tue'], from: '08:00', to: '18:00' }], weekday: SAT, time: '12:00', want: false },
    { name: 'until 24:00 covers 23:59', windows: [{ days: ['mon'], from: '20:00', to: '24:00' }], weekday: MON, time: '23:59', want: true },
    { name: 'until 24:00 does not spill into the next day', windows: [{ days: ['mon'], from: '20:00', to: '24:00' }], weekday: TUE, time: '00:00', want: false },
    { name: 'overnight: evening of the start day', windows: [{ days: ['fri'], from: '22:00', to: '06:00' }], weekday: FRI, time: '23:30', want: true },
    { name: 'overnight: morning after the start day', windows: [{ days: ['fri'], from: '22:00', to: '06:00' }], weekday: SAT, time: '05:59', want: true },
    { name: 'overnight: ends at to', windows: [{ days: ['fri'], from: '22:00', to: '06:00' }], weekday: SAT, time: '06:00', want: false },
    { name: 'overnight: morning of the start day is not armed', windows: [{ days: ['fri'], from: '22:00', to: '06:00' }], weekday: FRI, time: '05:00', want: false },
    { name: 'overnight: evening after the start day is not armed', windows: [{ days: ['fri'], from: '22:00', to: '06:00' }], weekday: SAT, time: '23:00', want: false },
    { name: 'overnight from sunday wraps to monday', windows: [{ days: ['sun'], from: '23:00', to: '01:00' }], weekday: MON, time: '00:30', want: true },
    { name: 'from equal to: a whole 24 hours (still armed next morning)', windows: [{ days: ['mon'], from: '08:00', to: '08:00' }], weekday: TUE, time: '07:59', want: true },
    { name: 'from equal to: ends 24 hours later', windows: [{ days: ['mon'], from: '08:00', to: '08:00' }], weekday: TUE, time: '08:00', want: false },
    { name: '00:00 to 00:00: the whole start day', windows: [{ days: ['wed'], from: '00:00', to: '00:00' }], weekday: 2, time: '23:59', want: true },
    {
      name: 'any of several windows',
      windows: [{ days: ALL, from: '00:00', to: '06:00' }, { days: ['sat', 'sun'], from: '10:00', to: '12:00' }],
      weekday: SUN,
      time: '11:00',
      want: true,
    },
    {
      name: 'none of several windows',
      windows: [{ days: ALL, from: '00:00', to: '06:00' }, { days: ['sat', 'sun'], from: '10:00', to: '12:00' }],
      weekday: FRI,
      time: '11:00',
      want: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(isArmed(c.windows, { weekday: c.weekday, minute: at(c.time) }), c.want, c.name);
    });
  }
});

test('arming: times of day parse from 00:00 to 24:00 and nothing else', () => {
  const good: [string, number][] = [['00:00', 0], ['08:30', 510], ['23:59', 1439], ['24:00', 1440]];
  for (const [text, want] of good) assert.equal(minuteOfDay(text), want, text);
  for (const bad of ['24:01', '25:00', '8:30', '08:60', 'noon', '']) {
    assert.throws(() => minuteOfDay(bad), { code: 'CONFIG_INVALID' }, bad);
  }
});

test('arming: an impossible local time is a bug and throws', () => {
  for (const local of [{ weekday: 7, minute: 0 }, { weekday: -1, minute: 0 }, { weekday: 0, minute: 1440 }, { weekday: 0, minute: 1.5 }]) {
    assert.throws(() => isArmed([], local), RangeError, JSON.stringify(local));
  }
});
