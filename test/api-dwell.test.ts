/**
 * GET /api/cameras/:id/dwell over the real app and store: how long objects spent in each zone, per
 * bucket and over the range (exits, mean, the median estimated from the bins, the bins), every zone
 * of the camera present, no track ids in the answer, and the occupancy route's rules for ranges,
 * buckets and hidden cameras.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dwellByZone } from '../src/api/routes/dwell.ts';
import type { RuleEvent } from '../src/core/rules/types.ts';
import { createHarness, T0, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const BASE = T0 - 10 * MIN;
/** Track ids that must never reach an aggregate or its answer. */
const TRACK_IDS = [737_373, 848_484, 959_595, 616_161, 727_272];

let h: Harness;
let admin: SessionCreds;
let viewer: SessionCreds;

const exit = (rule: string, time: number, seconds: number, trackId: number): RuleEvent => ({ type: 'zone_exit', rule, trackId, class: 'person', frame: 1, time, seconds });

interface Dwell {
  from: number;
  to: number;
  bucket: string;
  bins: { label: string; fromSeconds: number; toSeconds: number | null }[];
  zones: Record<string, { total: { exits: number; meanSeconds: number | null; medianSeconds: number | null; bins: number[] }; rows: { start: number; exits: number; meanSeconds: number; bins: number[] }[] }>;
}

before(async () => {
  h = await createHarness();
  // Camera A watches the zones plaza and yard; door was one of its zones and is gone since.
  await h.cameras.update('A', {
    purpose: { statement: 'Footfall and time spent in the plaza', allows: ['zones', 'heatmap'] },
    analytics: { zones: [{ name: 'plaza', polygon: [[0, 0], [100, 0], [100, 100]] }, { name: 'yard', polygon: [[0, 0], [50, 0], [50, 50]] }] },
  });
  // plaza: in minute 0 two exits after 3 s and 7 s, in minute 1 two after 40 s and 200 s; door: one after 1000 s in minute 2.
  await h.store.addZoneExits('A', BASE, [
    exit('plaza', 10, 3, TRACK_IDS[0]!), exit('plaza', 20, 7, TRACK_IDS[1]!), exit('plaza', 70, 40, TRACK_IDS[2]!), exit('plaza', 75, 200, TRACK_IDS[3]!),
    exit('door', 130, 1000, TRACK_IDS[4]!),
  ]);
  await h.store.addZoneExits('B', BASE, [exit('gate', 5, 12, 1)]);
  admin = await h.login('admin');
  viewer = await h.login('viewer');
});
after(() => h.close());

const get = async (who: SessionCreds, query: string, camera = 'A'): Promise<{ status: number; body: Dwell; raw: string }> => {
  const res = await h.app.inject({ url: `/api/cameras/${camera}/dwell?${query}`, headers: h.headers(who) });
  return { status: res.statusCode, body: res.json<Dwell>(), raw: res.body };
};

describe('dwell', () => {
  test('per minute: a row per bucket with exits, totals over the range, every zone of the camera', async () => {
    const { status, body, raw } = await get(viewer, `from=${BASE}&to=${BASE + 5 * MIN}&bucket=minute`);
    assert.equal(status, 200, raw);
    assert.deepEqual(Object.keys(body.zones), ['door', 'plaza', 'yard'], 'the removed zone with exits in the range, and the zone without any');
    assert.deepEqual(body.zones.plaza, {
      total: { exits: 4, meanSeconds: 62.5, medianSeconds: 15, bins: [1, 1, 0, 1, 0, 1, 0, 0] },
      rows: [
        { start: BASE, exits: 2, meanSeconds: 5, bins: [1, 1, 0, 0, 0, 0, 0, 0] },
        { start: BASE + MIN, exits: 2, meanSeconds: 120, bins: [0, 0, 0, 1, 0, 1, 0, 0] },
      ],
    });
    assert.deepEqual(body.zones.door, { total: { exits: 1, meanSeconds: 1000, medianSeconds: 900, bins: [0, 0, 0, 0, 0, 0, 0, 1] }, rows: [{ start: BASE + 2 * MIN, exits: 1, meanSeconds: 1000, bins: [0, 0, 0, 0, 0, 0, 0, 1] }] });
    assert.deepEqual(body.zones.yard, { total: { exits: 0, meanSeconds: null, medianSeconds: null, bins: [0, 0, 0, 0, 0, 0, 0, 0] }, rows: [] });
    assert.equal(body.bins.length, 8);
    assert.deepEqual(body.bins[0], { label: 'under 5 s', fromSeconds: 0, toSeconds: 5 });
    assert.deepEqual(body.bins.at(-1), { label: '15 min or more', fromSeconds: 900, toSeconds: null });
    for (const id of TRACK_IDS) assert.ok(!raw.includes(String(id)), `the answer holds no track id (${id})`);
  });

  test('hour buckets add the minutes up; a range without exits has zones at zero', async () => {
    const hour = Math.floor(BASE / HOUR) * HOUR;
    const { body } = await get(admin, `from=${hour}&to=${hour + HOUR}&bucket=hour`);
    assert.deepEqual(body.zones.plaza?.rows, [{ start: hour, exits: 4, meanSeconds: 62.5, bins: [1, 1, 0, 1, 0, 1, 0, 0] }]);
    const empty = await get(admin, `from=${T0 + MIN}&to=${T0 + 3 * MIN}&bucket=minute`);
    assert.deepEqual(Object.keys(empty.body.zones), ['plaza', 'yard']);
    assert.ok(Object.values(empty.body.zones).every((z) => z.total.exits === 0 && z.rows.length === 0));
  });

  test('defaults to the last 24 hours by hour', async () => {
    const { body } = await get(admin, '');
    assert.equal(body.to, T0);
    assert.equal(body.from, T0 - 86_400_000);
    assert.equal(body.bucket, 'hour');
    assert.equal(body.zones.plaza?.total.exits, 4);
  });

  test('bad ranges and buckets answer 400, hidden cameras 404, and the view is audited', async () => {
    const cases: [string, number, string][] = [
      [`from=${T0}&to=${T0 + 32 * 86_400_000}`, 400, 'REQUEST_INVALID'],
      [`from=${T0}&to=${T0}`, 400, 'REQUEST_INVALID'],
      ['bucket=week', 400, 'REQUEST_INVALID'],
      ['line=plaza', 400, 'REQUEST_INVALID'],
    ];
    for (const [query, status, code] of cases) {
      const res = await h.app.inject({ url: `/api/cameras/A/dwell?${query}`, headers: h.headers(admin) });
      assert.equal(res.statusCode, status, query);
      assert.equal(res.json<{ error: { code: string } }>().error.code, code, query);
    }
    const hidden = await h.app.inject({ url: '/api/cameras/B/dwell', headers: h.headers(viewer) });
    assert.equal(hidden.statusCode, 404);
    assert.equal(hidden.json<{ error: { code: string } }>().error.code, 'CAMERA_NOT_FOUND');
    const b = await get(admin, `from=${BASE}&to=${BASE + MIN}&bucket=minute`, 'B');
    assert.deepEqual(b.body.zones.gate?.total, { exits: 1, meanSeconds: 12, medianSeconds: 10, bins: [0, 1, 0, 0, 0, 0, 0, 0] });
    assert.ok(h.audit.list({ action: 'dwell_view' }).some((e) => e.target === 'A'), 'dwell views are audited');
  });

  test('dwellByZone: totals from the rows, configured zones at zero, sorted by name', async (t) => {
    const row = (zone: string, start: number, exits: number, dwellMs: number, bins: number[]) => ({ zone, start, exits, dwellMs, bins });
    const cases: [string, ReturnType<typeof row>[], string[], Record<string, unknown>][] = [
      ['nothing stored, one zone', [], ['z'], { z: { total: { exits: 0, meanSeconds: null, medianSeconds: null, bins: [0, 0, 0, 0, 0, 0, 0, 0] }, rows: [] } }],
      [
        'two buckets of one zone',
        [row('z', 0, 1, 2000, [1, 0, 0, 0, 0, 0, 0, 0]), row('z', MIN, 3, 100_000, [0, 0, 2, 1, 0, 0, 0, 0])],
        [],
        { z: { total: { exits: 4, meanSeconds: 25.5, medianSeconds: 22.5, bins: [1, 0, 2, 1, 0, 0, 0, 0] }, rows: [{ start: 0, exits: 1, meanSeconds: 2, bins: [1, 0, 0, 0, 0, 0, 0, 0] }, { start: MIN, exits: 3, meanSeconds: 33.3, bins: [0, 0, 2, 1, 0, 0, 0, 0] }] } },
      ],
      ['zones by name', [row('b', 0, 1, 1000, [1, 0, 0, 0, 0, 0, 0, 0])], ['c', 'a'], { a: {}, b: {}, c: {} }],
    ];
    for (const [name, rows, zones, want] of cases) {
      await t.test(name, () => {
        const got = dwellByZone(rows, zones);
        if (name === 'zones by name') assert.deepEqual(Object.keys(got), Object.keys(want));
        else assert.deepEqual(got, want);
      });
    }
  });
});
