/**
 * The routes the web app's pages need beyond the basics: zone occupancy per bucket
 * (GET /api/cameras/:id/occupancy) and an event's clip (GET /api/events/:id/clip.mp4).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { occupancyBuckets } from '../src/api/routes/occupancy.ts';
import type { NewEvent } from '../src/store/event-store.ts';
import { createHarness, T0, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

const MIN = 60_000;

let h: Harness;
let admin: SessionCreds;
let viewer: SessionCreds;

function zoneEvent(id: string, cameraId: string, type: 'zone_enter' | 'zone_exit', rule: string, trackId: number, at: number): NewEvent {
  return { id, cameraId, type, rule, trackId, class: 'person', startTime: at, frame: 1 };
}

before(async () => {
  h = await createHarness();
  const base = T0 - 10 * MIN;
  // Occupancy as the cameras store it per minute from the tracks present. door: 1 inside from +0.5 min,
  // 2 from +1.5, 3 from +1.75, back to 1 at +2.5, 0 at +3.5; yard: 1 inside during minute 4.
  const minute = (zone: string, i: number, peak: number, objectMs: number) => ({ zone, minute: base + i * MIN, peak, objectMs, observedMs: MIN });
  await h.store.addZoneOccupancy('A', [
    minute('door', 0, 1, 30_000), minute('door', 1, 3, 105_000), minute('door', 2, 3, 120_000), minute('door', 3, 1, 30_000), minute('door', 4, 0, 0),
    minute('yard', 0, 0, 0), minute('yard', 4, 1, 60_000),
  ]);
  await h.store.addZoneOccupancy('B', [minute('gate', 0, 1, 30_000)]);
  await h.store.appendEvents([
    // Entrances without exits (a camera restarted while people were inside) change no occupancy.
    ...[1, 2, 3, 4, 5].map((i) => zoneEvent(`d${i}`, 'A', 'zone_enter', 'door', i, base + i * 1000)),
    zoneEvent('b1', 'B', 'zone_enter', 'gate', 1, base + 30_000),
    // events for clips: one inside camera A's recorded segment (T0-60 s .. T0-50 s), one outside.
    { id: 'clip-a', cameraId: 'A', type: 'intrusion', rule: 'yard', trackId: 1, class: 'person', startTime: T0 - 58_000, endTime: T0 - 55_000, frame: 1 },
    { id: 'clip-none', cameraId: 'A', type: 'intrusion', rule: 'yard', trackId: 2, class: 'person', startTime: T0 - 5 * MIN, frame: 1 },
    { id: 'clip-b', cameraId: 'B', type: 'intrusion', rule: 'yard', trackId: 3, class: 'person', startTime: T0 - 58_000, frame: 1 },
  ]);
  admin = await h.login('admin');
  viewer = await h.login('viewer');
});
after(() => h.close());

interface Occupancy {
  from: number;
  to: number;
  bucket: string;
  zones: Record<string, { start: number; peak: number; mean: number; observedSeconds: number }[]>;
}

describe('occupancy', () => {
  test('peaks and means per minute are the stored occupancy of the tracks present, not a sum of entrances', async () => {
    const base = T0 - 10 * MIN;
    const res = await h.app.inject({ url: `/api/cameras/A/occupancy?from=${base}&to=${base + 5 * MIN}&bucket=minute`, headers: h.headers(viewer) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<Occupancy>();
    assert.deepEqual(Object.keys(body.zones), ['door', 'yard']);
    const cases: [string, number[], number[]][] = [
      ['door', [1, 3, 3, 1, 0], [0.5, 1.75, 2, 0.5, 0]],
      ['yard', [0, 0, 0, 0, 1], [0, 0, 0, 0, 1]],
    ];
    for (const [zone, peaks, means] of cases) {
      const rows = body.zones[zone]!;
      assert.deepEqual(rows.map((r) => r.start), [0, 1, 2, 3, 4].map((i) => base + i * MIN), zone);
      assert.deepEqual(rows.map((r) => r.peak), peaks, `${zone} peaks`);
      assert.deepEqual(rows.map((r) => r.mean), means, `${zone} means`);
    }
    assert.deepEqual(body.zones.yard!.map((r) => r.observedSeconds), [60, 0, 0, 0, 60], 'minutes without samples were not observed');
  });

  test('hour buckets take the peak of the whole hour, and an empty range gives zeros', async () => {
    const hour = Math.floor((T0 - 10 * MIN) / 3_600_000) * 3_600_000;
    const res = await h.app.inject({ url: `/api/cameras/A/occupancy?from=${hour}&to=${hour + 3_600_000}&bucket=hour`, headers: h.headers(admin) });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<Occupancy>().zones.door![0]!.peak, 3);
    const empty = await h.app.inject({ url: `/api/cameras/A/occupancy?from=${T0 + MIN}&to=${T0 + 3 * MIN}&bucket=minute`, headers: h.headers(admin) });
    assert.deepEqual(empty.json<Occupancy>().zones, {});
  });

  test('defaults to the last 24 hours by hour', async () => {
    const res = await h.app.inject({ url: '/api/cameras/A/occupancy', headers: h.headers(admin) });
    const body = res.json<Occupancy>();
    assert.equal(body.to, T0);
    assert.equal(body.from, T0 - 86_400_000);
    assert.equal(body.bucket, 'hour');
    assert.equal(Math.max(...body.zones.door!.map((r) => r.peak)), 3);
  });

  test('bad ranges answer 400 and hidden cameras 404', async () => {
    const cases: [string, SessionCreds, number, string][] = [
      [`from=${T0}&to=${T0 + 32 * 86_400_000}`, admin, 400, 'REQUEST_INVALID'],
      [`from=${T0}&to=${T0}`, admin, 400, 'REQUEST_INVALID'],
      ['bucket=week', admin, 400, 'REQUEST_INVALID'],
    ];
    for (const [query, who, status, code] of cases) {
      const res = await h.app.inject({ url: `/api/cameras/A/occupancy?${query}`, headers: h.headers(who) });
      assert.equal(res.statusCode, status, query);
      assert.equal(res.json<{ error: { code: string } }>().error.code, code, query);
    }
    const hidden = await h.app.inject({ url: '/api/cameras/B/occupancy', headers: h.headers(viewer) });
    assert.equal(hidden.statusCode, 404);
    assert.equal(hidden.json<{ error: { code: string } }>().error.code, 'CAMERA_NOT_FOUND');
  });

  test('occupancyBuckets: one row per bucket of the range, empty where nothing was stored', async (t) => {
    const row = (start: number, peak: number, objectMs: number, observedMs: number) => ({ zone: 'z', start, peak, objectMs, observedMs });
    const cases: [string, ReturnType<typeof row>[], { start: number; peak: number; mean: number; observedSeconds: number }[]][] = [
      ['nothing stored', [], [{ start: 0, peak: 0, mean: 0, observedSeconds: 0 }, { start: MIN, peak: 0, mean: 0, observedSeconds: 0 }]],
      ['the second bucket only', [row(MIN, 2, 45_000, 30_000)], [{ start: 0, peak: 0, mean: 0, observedSeconds: 0 }, { start: MIN, peak: 2, mean: 0.75, observedSeconds: 30 }]],
      ['both', [row(0, 1, 60_000, 60_000), row(MIN, 3, 120_000, 60_000)], [{ start: 0, peak: 1, mean: 1, observedSeconds: 60 }, { start: MIN, peak: 3, mean: 2, observedSeconds: 60 }]],
    ];
    for (const [name, rows, want] of cases) {
      await t.test(name, () => {
        assert.deepEqual(occupancyBuckets(rows, 0, 2 * MIN, MIN), want, name);
      });
    }
  });
});

describe('event clip', () => {
  test('an event inside a recording answers its MP4, audited as playback, and the file is deleted', async () => {
    const res = await h.app.inject({ url: '/api/events/clip-a/clip.mp4', headers: h.headers(viewer) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^video\/mp4/);
    assert.equal(res.rawPayload.length, 188 * 4);
    const entry = h.audit.list({ action: 'playback' }).find((e) => (e.details as { event?: string }).event === 'clip-a');
    assert.ok(entry, 'a playback audit entry names the event');
    assert.equal(entry.target, 'A');
    const deadline = Date.now() + 5000;
    while (readdirSync(h.dir).some((f) => f.startsWith('export-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(readdirSync(h.dir).filter((f) => f.startsWith('export-')), [], 'the temporary clip is deleted');
  });

  test('no recording, hidden and unknown events answer 404', async () => {
    const cases: [string, SessionCreds, string][] = [
      ['clip-none', viewer, 'RECORDING_NOT_FOUND'],
      ['clip-b', viewer, 'EVENT_NOT_FOUND'],
      ['no-such-event', admin, 'EVENT_NOT_FOUND'],
    ];
    for (const [id, who, code] of cases) {
      const res = await h.app.inject({ url: `/api/events/${id}/clip.mp4`, headers: h.headers(who) });
      assert.equal(res.statusCode, 404, id);
      assert.equal(res.json<{ error: { code: string } }>().error.code, code, id);
    }
    const b = await h.app.inject({ url: '/api/events/clip-b/clip.mp4', headers: h.headers(admin) });
    assert.equal(b.statusCode, 200, 'an admin sees camera B');
    assert.equal(existsSync(h.dir), true);
  });

  test('an events-only token may not fetch clips', async () => {
    const token = await h.token('events-only', ['events:read']);
    const res = await h.app.inject({ url: '/api/events/clip-a/clip.mp4', headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.statusCode, 403);
  });
});
