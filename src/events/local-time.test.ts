import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTimeZone, isArmedAt, localTimeOf } from './local-time.ts';

test('local time: weekday and minute in a time zone', async (t) => {
  const cases: { name: string; iso: string; tz: string; weekday: number; time: string }[] = [
    { name: 'UTC monday noon', iso: '2024-01-01T12:00:00Z', tz: 'UTC', weekday: 0, time: '12:00' },
    { name: 'UTC midnight is minute 0', iso: '2024-01-07T00:00:00Z', tz: 'UTC', weekday: 6, time: '00:00' },
    { name: 'Paris in winter is UTC+1', iso: '2024-01-01T23:30:00Z', tz: 'Europe/Paris', weekday: 1, time: '00:30' },
    { name: 'Paris in summer is UTC+2', iso: '2024-07-01T12:05:00Z', tz: 'Europe/Paris', weekday: 0, time: '14:05' },
    { name: 'New York goes back a day', iso: '2024-01-01T03:00:00Z', tz: 'America/New_York', weekday: 6, time: '22:00' },
    { name: 'India has half hours', iso: '2024-01-01T00:00:00Z', tz: 'Asia/Kolkata', weekday: 0, time: '05:30' },
    { name: 'last minute of the day', iso: '2024-01-05T23:59:59Z', tz: 'UTC', weekday: 4, time: '23:59' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const [h, m] = c.time.split(':').map(Number) as [number, number];
      assert.deepEqual(localTimeOf(Date.parse(c.iso), c.tz), { weekday: c.weekday, minute: h * 60 + m }, c.name);
    });
  }
});

test('local time: an unknown time zone is a clear configuration error', () => {
  for (const tz of ['Mars/Olympus', 'Europe/Pariss', 'not a zone']) {
    assert.throws(() => localTimeOf(0, tz), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && e.message.includes(`"${tz}"`) && e.message.includes('IANA'), tz);
    assert.throws(() => assertTimeZone(tz), { code: 'CONFIG_INVALID' });
  }
  assert.doesNotThrow(() => assertTimeZone(undefined));
  assert.doesNotThrow(() => assertTimeZone('Europe/Paris'));
});

test('local time: arming at an instant uses the local clock of the zone', () => {
  const nights = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, from: '22:00', to: '06:00' }].map((w) => ({ ...w, days: [...w.days] }));
  // 21:30 UTC on a January Monday is 22:30 in Paris (armed) but 21:30 in London (not armed).
  const t = Date.parse('2024-01-01T21:30:00Z');
  assert.equal(isArmedAt(nights, t, 'Europe/Paris'), true);
  assert.equal(isArmedAt(nights, t, 'Europe/London'), false);
  assert.equal(isArmedAt([], t, 'Europe/London'), true);
});
