import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import { createHeatGrid, type HeatGrid } from '../../src/core/rules/heat-grid.ts';
import type { RuleEvent } from '../../src/core/rules/types.ts';
import type { EventQuery, EventStore, NewEvent } from '../../src/store/event-store.ts';

/** How the contract opens a fresh, empty store: with the clock it must use for timestamps. */
export type OpenEventStore = (options: { readonly now: () => number }) => Promise<EventStore & { close(): Promise<void> }>;

const MIN = 60_000;
const HOUR = 3_600_000;
/** 2024-01-15 10:00:00 UTC, on an hour boundary. */
const T0 = Date.UTC(2024, 0, 15, 10);

/** Asserts that a promise rejects with a SightlineError of this code (and message, when given). */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<SightlineError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => ((caught = e), true));
  assert.ok(caught instanceof SightlineError, `expected a SightlineError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message !== undefined) assert.match(caught.message, message);
  return caught;
}

/** A value of the wrong type, as an untyped caller (an HTTP body) could send it. */
const forge = <T>(value: unknown): T => value as T;

const ev = (id: string, over: Partial<NewEvent> = {}): NewEvent => ({ id, cameraId: 'cam-a', type: 'zone_enter', rule: 'door', trackId: 1, class: 'person', startTime: T0, frame: 1, ...over });

const crossing = (rule: string, time: number, direction: 'in' | 'out'): RuleEvent => ({ type: 'line_crossing', rule, trackId: 1, class: 'person', frame: 1, time, direction });

const grid = (values: readonly number[], cols = 2, rows = 2): HeatGrid => {
  const g = createHeatGrid({ width: cols * 10, height: rows * 10 }, 10);
  return { ...g, seconds: Float64Array.from(values) };
};

/**
 * The contract every `EventStore` implementation passes: cameras, events (idempotent appends, end
 * times, filters, stable order, cursors), line counts per bucket and heat grids per hour, with the
 * failures each method must report and the all-or-nothing writes of batches.
 */
export function eventStoreContract(name: string, open: OpenEventStore): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore & { close(): Promise<void> };
    let clock = T0;
    beforeEach(async () => {
      clock = T0;
      store = await open({ now: () => clock });
      await store.addCamera({ id: 'cam-a', name: 'Front door', url: 'rtsp://10.0.0.2:554/main' });
      await store.addCamera({ id: 'cam-b', name: 'Car park', url: '/videos/park.mp4', enabled: false, config: { fps: 5 } });
    });
    afterEach(async () => {
      await store.close();
    });

    describe('cameras', () => {
      test('adds, reads and lists cameras by name, with defaults and the clock', async () => {
        clock = T0 + 5;
        const c = await store.addCamera({ name: 'Alley', url: 'http://cam.local/stream', config: { zones: ['a'] } });
        assert.ok(c.id.length > 0);
        assert.deepEqual(c, { id: c.id, name: 'Alley', url: 'http://cam.local/stream', enabled: true, config: { zones: ['a'] }, createdAt: T0 + 5, updatedAt: T0 + 5 });
        assert.deepEqual(await store.getCamera(c.id), c);
        assert.equal(await store.getCamera('nope'), null);
        assert.deepEqual((await store.listCameras()).map((x) => x.name), ['Alley', 'Car park', 'Front door']);
        assert.deepEqual((await store.getCamera('cam-b'))?.config, { fps: 5 });
      });

      const bad: [string, Parameters<EventStore['addCamera']>[0], ErrorCode][] = [
        ['empty name', { name: ' ', url: 'rtsp://h/x' }, 'STORE_INPUT_INVALID'],
        ['credentials in the url', { name: 'X', url: 'rtsp://admin:hunter2@10.0.0.9/live' }, 'STORE_INPUT_INVALID'],
        ['user in an unparsable url', { name: 'X', url: 'rtsp://admin:hun ter2@[bad/live' }, 'STORE_INPUT_INVALID'],
        ['a non-finite number in config', { name: 'X', url: 'rtsp://h/x', config: { fps: Number.NaN } }, 'STORE_INPUT_INVALID'],
        ['a name taken', { name: 'Front door', url: 'rtsp://h/x' }, 'STORE_CONFLICT'],
        ['an id taken', { id: 'cam-a', name: 'Other', url: 'rtsp://h/x' }, 'STORE_CONFLICT'],
      ];
      for (const [label, input, code] of bad) {
        test(`refuses a camera with ${label}`, async () => {
          const e = await rejectsWith(store.addCamera(input), code);
          assert.doesNotMatch(e.message, /hunter2|hun ter2/, 'the message leaks the password');
          assert.equal((await store.listCameras()).length, 2);
        });
      }

      test('updates fields and the update time; refuses unknown ids, taken names and credentials', async () => {
        clock = T0 + 1000;
        const c = await store.updateCamera('cam-b', { enabled: true, name: 'Car park east' });
        assert.deepEqual(c, { id: 'cam-b', name: 'Car park east', url: '/videos/park.mp4', enabled: true, config: { fps: 5 }, createdAt: T0, updatedAt: T0 + 1000 });
        await rejectsWith(store.updateCamera('nope', { enabled: false }), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.updateCamera('cam-b', { name: 'Front door' }), 'STORE_CONFLICT');
        await rejectsWith(store.updateCamera('cam-b', { url: 'rtsp://u:p@h/x' }), 'STORE_INPUT_INVALID');
        assert.equal((await store.getCamera('cam-b'))?.name, 'Car park east');
      });

      test('removing a camera removes its events, counts and heat; unknown ids are refused', async () => {
        await store.appendEvents([ev('e1'), ev('e2', { cameraId: 'cam-b' })]);
        await store.addLineCrossings('cam-a', T0, [crossing('gate', 1, 'in')]);
        await store.mergeHeatGrid('cam-a', T0, grid([1, 2, 3, 4]));
        await store.removeCamera('cam-a');
        assert.equal(await store.getCamera('cam-a'), null);
        assert.equal(await store.getEvent('e1'), null);
        assert.equal((await store.getEvent('e2'))?.cameraId, 'cam-b');
        await rejectsWith(store.queryLineCounts({ cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'hour' }), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.removeCamera('cam-a'), 'CAMERA_NOT_FOUND');
        await store.addCamera({ id: 'cam-a', name: 'Front door', url: 'rtsp://10.0.0.2/main' });
        assert.deepEqual(await store.queryLineCounts({ cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'hour' }), []);
        assert.equal(await store.readHeatGrid({ cameraId: 'cam-a', from: T0, to: T0 + HOUR }), null);
      });
    });

    describe('camera credentials', () => {
      test('sealed credentials are stored as given, replaced, removed, and go with their camera', async () => {
        assert.equal(await store.cameraCredentials('cam-a'), null, 'none at first');
        const sealed = Buffer.from([1, 2, 3, 0, 255]);
        await store.setCameraCredentials('cam-a', sealed);
        assert.deepEqual(await store.cameraCredentials('cam-a'), sealed);
        assert.equal(await store.cameraCredentials('cam-b'), null, 'other cameras keep theirs');
        await store.setCameraCredentials('cam-a', Buffer.from('other'));
        assert.deepEqual(await store.cameraCredentials('cam-a'), Buffer.from('other'));
        await store.updateCamera('cam-a', { name: 'Renamed' });
        assert.deepEqual(await store.cameraCredentials('cam-a'), Buffer.from('other'), 'a camera update keeps them');
        await store.setCameraCredentials('cam-a', null);
        assert.equal(await store.cameraCredentials('cam-a'), null);
        await store.setCameraCredentials('cam-b', Buffer.from('b'));
        await store.removeCamera('cam-b');
        assert.equal(await store.cameraCredentials('cam-b'), null, 'gone with the camera');
      });

      test('unknown cameras and empty credentials are refused', async () => {
        await rejectsWith(store.setCameraCredentials('nope', Buffer.from('x')), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.setCameraCredentials('cam-a', Buffer.alloc(0)), 'STORE_INPUT_INVALID');
        await rejectsWith(store.setCameraCredentials('cam-a', forge<Buffer>('text')), 'STORE_INPUT_INVALID');
        assert.equal(await store.cameraCredentials('nope'), null);
        assert.equal(await store.cameraCredentials('cam-a'), null);
      });
    });

    describe('events', () => {
      test('stores every field and fills the optional ones', async () => {
        const full: NewEvent = { ...ev('full', { type: 'line_crossing', rule: 'gate', direction: 'out', endTime: T0 + 10 }), data: { seconds: 2.5, tags: ['a'] }, snapshotPath: 'snaps/full.jpg', recording: 'seg-0001.mp4#t=3.2' };
        assert.deepEqual(await store.appendEvents([full, ev('bare', { trackId: null, type: 'crowd' })]), { inserted: 2, duplicates: 0 });
        assert.deepEqual(await store.getEvent('full'), { ...full, trackId: 1 });
        assert.deepEqual(await store.getEvent('bare'), { ...ev('bare', { trackId: null, type: 'crowd' }), endTime: null, direction: null, data: {}, snapshotPath: null, recording: null });
        assert.equal(await store.getEvent('nope'), null);
        assert.deepEqual(await store.appendEvents([]), { inserted: 0, duplicates: 0 });
      });

      test('appending an id again is a no-op: the first write wins', async () => {
        await store.appendEvents([ev('e1', { rule: 'first' })]);
        assert.deepEqual(await store.appendEvents([ev('e1', { rule: 'second' }), ev('e2'), ev('e2')]), { inserted: 1, duplicates: 2 });
        assert.equal((await store.getEvent('e1'))?.rule, 'first');
      });

      const badEvents: [string, NewEvent, ErrorCode][] = [
        ['an unknown camera', ev('x', { cameraId: 'nope' }), 'CAMERA_NOT_FOUND'],
        ['an empty id', ev(''), 'STORE_INPUT_INVALID'],
        ['an unknown type', ev('x', { type: forge('explosion') }), 'STORE_INPUT_INVALID'],
        ['an unknown class', ev('x', { class: forge('unicorn') }), 'STORE_INPUT_INVALID'],
        ['a negative start', ev('x', { startTime: -1 }), 'STORE_INPUT_INVALID'],
        ['a fractional start', ev('x', { startTime: T0 + 0.5 }), 'STORE_INPUT_INVALID'],
        ['an end before the start', ev('x', { endTime: T0 - 1 }), 'STORE_INPUT_INVALID'],
        ['a crossing without direction', ev('x', { type: 'line_crossing' }), 'STORE_INPUT_INVALID'],
        ['a fractional track id', ev('x', { trackId: 1.5 }), 'STORE_INPUT_INVALID'],
        ['a negative frame', ev('x', { frame: -1 }), 'STORE_INPUT_INVALID'],
        ['NaN in data', ev('x', { data: { n: Number.NaN } }), 'STORE_INPUT_INVALID'],
      ];
      for (const [label, bad, code] of badEvents) {
        test(`a batch with ${label} writes nothing`, async () => {
          await rejectsWith(store.appendEvents([ev('ok1'), ev('ok2', { cameraId: 'cam-b' }), bad]), code);
          assert.deepEqual((await store.queryEvents({})).events, []);
        });
      }

      test('ends an event once; the same end again is a no-op', async () => {
        await store.appendEvents([ev('e1', { type: 'loitering' })]);
        assert.equal((await store.endEvent('e1', T0 + 30_000)).endTime, T0 + 30_000);
        assert.equal((await store.endEvent('e1', T0 + 30_000)).endTime, T0 + 30_000);
        assert.equal((await store.getEvent('e1'))?.endTime, T0 + 30_000);
        await rejectsWith(store.endEvent('e1', T0 + 40_000), 'STORE_CONFLICT');
        await rejectsWith(store.endEvent('nope', T0), 'EVENT_NOT_FOUND');
        await store.appendEvents([ev('e2')]);
        await rejectsWith(store.endEvent('e2', T0 - 1), 'STORE_INPUT_INVALID');
        await rejectsWith(store.endEvent('e2', Number.NaN), 'STORE_INPUT_INVALID');
        assert.equal((await store.getEvent('e2'))?.endTime, null);
      });

      const seed: NewEvent[] = [
        ev('a1', { startTime: T0 + 3000, rule: 'door' }),
        ev('a2', { startTime: T0 + 1000, type: 'zone_exit' }),
        ev('a3', { startTime: T0 + 1000, type: 'line_crossing', rule: 'gate', direction: 'in', class: 'car' }),
        ev('b1', { cameraId: 'cam-b', startTime: T0 + 2000, type: 'crowd', trackId: null }),
        ev('b2', { cameraId: 'cam-b', startTime: T0 + 5000, class: 'bicycle' }),
        ev('a0', { startTime: T0 + 1000 }),
      ];
      const queries: [string, EventQuery, string[]][] = [
        ['everything, by (time, id)', {}, ['a0', 'a2', 'a3', 'b1', 'a1', 'b2']],
        ['newest first', { order: 'desc' }, ['b2', 'a1', 'b1', 'a3', 'a2', 'a0']],
        ['one camera', { cameraId: 'cam-b' }, ['b1', 'b2']],
        ['a set of cameras', { cameraIds: ['cam-b'] }, ['b1', 'b2']],
        ['a set of both cameras', { cameraIds: ['cam-a', 'cam-b'], to: T0 + 2001 }, ['a0', 'a2', 'a3', 'b1']],
        ['an empty set of cameras', { cameraIds: [] }, []],
        ['a camera outside the set', { cameraId: 'cam-a', cameraIds: ['cam-b'] }, []],
        ['a half-open range', { from: T0 + 1000, to: T0 + 3000 }, ['a0', 'a2', 'a3', 'b1']],
        ['from only', { from: T0 + 2001 }, ['a1', 'b2']],
        ['to only', { to: T0 + 1001 }, ['a0', 'a2', 'a3']],
        ['a type', { type: 'zone_exit' }, ['a2']],
        ['a rule', { rule: 'gate' }, ['a3']],
        ['a class', { class: 'bicycle' }, ['b2']],
        ['camera, type and range together', { cameraId: 'cam-a', type: 'zone_enter', from: T0 + 2000 }, ['a1']],
        ['a limit', { limit: 2 }, ['a0', 'a2']],
        ['nothing matching', { rule: 'none' }, []],
      ];
      for (const [label, q, ids] of queries) {
        test(`queries ${label}`, async () => {
          await store.appendEvents(seed);
          assert.deepEqual((await store.queryEvents(q)).events.map((e) => e.id), ids);
        });
      }

      for (const order of ['asc', 'desc'] as const) {
        test(`pages through every event with a cursor (${order}), seeing later appends`, async () => {
          await store.appendEvents(seed);
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let page = 0; page < 10; page++) {
            const r = await store.queryEvents({ limit: 2, order, ...(cursor === undefined ? {} : { cursor }) });
            seen.push(...r.events.map((e) => e.id));
            if (page === 0) await store.appendEvents([ev('late', { startTime: order === 'asc' ? T0 + 9000 : T0 })]);
            if (r.nextCursor === null) break;
            cursor = r.nextCursor;
          }
          const all = (await store.queryEvents({ order })).events.map((e) => e.id);
          assert.deepEqual(seen, all);
          assert.equal(all.length, 7);
        });
      }

      const badQueries: [string, EventQuery, ErrorCode][] = [
        ['an unknown camera', { cameraId: 'nope' }, 'CAMERA_NOT_FOUND'],
        ['a reversed range', { from: T0 + 10, to: T0 }, 'STORE_INPUT_INVALID'],
        ['an empty range', { from: T0, to: T0 }, 'STORE_INPUT_INVALID'],
        ['a negative time', { from: -5 }, 'STORE_INPUT_INVALID'],
        ['limit 0', { limit: 0 }, 'STORE_INPUT_INVALID'],
        ['limit 1001', { limit: 1001 }, 'STORE_INPUT_INVALID'],
        ['a fractional limit', { limit: 2.5 }, 'STORE_INPUT_INVALID'],
        ['a forged cursor', { cursor: 'not-a-cursor' }, 'STORE_INPUT_INVALID'],
        ['an unknown type', { type: forge('x') }, 'STORE_INPUT_INVALID'],
        ['an unknown order', { order: forge('up') }, 'STORE_INPUT_INVALID'],
      ];
      for (const [label, q, code] of badQueries) {
        test(`refuses a query with ${label}`, async () => {
          await rejectsWith(store.queryEvents(q), code);
        });
      }
    });

    describe('line counts', () => {
      const crossings: RuleEvent[] = [
        crossing('gate', 0.5, 'in'),
        crossing('gate', 59.9, 'out'),
        crossing('gate', 61, 'in'),
        crossing('exit', 61, 'out'),
        { type: 'zone_enter', rule: 'door', trackId: 2, class: 'person', frame: 3, time: 1 },
        crossing('gate', 3600, 'in'),
      ];

      test('adds crossings into minute buckets, upserting, ignoring other events', async () => {
        assert.equal(await store.addLineCrossings('cam-a', T0, crossings), 5);
        assert.equal(await store.addLineCrossings('cam-a', T0, [crossing('gate', 2, 'in')]), 1);
        assert.deepEqual(await store.queryLineCounts({ cameraId: 'cam-a', from: T0, to: T0 + 2 * HOUR, bucket: 'minute' }), [
          { line: 'gate', start: T0, in: 2, out: 1 },
          { line: 'exit', start: T0 + MIN, in: 0, out: 1 },
          { line: 'gate', start: T0 + MIN, in: 1, out: 0 },
          { line: 'gate', start: T0 + HOUR, in: 1, out: 0 },
        ]);
        assert.deepEqual(await store.queryLineCounts({ cameraId: 'cam-b', from: T0, to: T0 + HOUR, bucket: 'minute' }), []);
      });

      const aggregations: [string, Parameters<EventStore['queryLineCounts']>[0], { line: string; start: number; in: number; out: number }[]][] = [
        ['per hour', { cameraId: 'cam-a', from: T0, to: T0 + 2 * HOUR, bucket: 'hour' }, [{ line: 'exit', start: T0, in: 0, out: 1 }, { line: 'gate', start: T0, in: 2, out: 1 }, { line: 'gate', start: T0 + HOUR, in: 1, out: 0 }]],
        ['per UTC day', { cameraId: 'cam-a', from: T0, to: T0 + 1, bucket: 'day' }, [{ line: 'exit', start: Date.UTC(2024, 0, 15), in: 0, out: 1 }, { line: 'gate', start: Date.UTC(2024, 0, 15), in: 3, out: 1 }]],
        ['one line', { cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'hour', line: 'exit' }, [{ line: 'exit', start: T0, in: 0, out: 1 }]],
        ['whole buckets overlapping the range', { cameraId: 'cam-a', from: T0 + MIN + 30_000, to: T0 + MIN + 31_000, bucket: 'minute' }, [{ line: 'exit', start: T0 + MIN, in: 0, out: 1 }, { line: 'gate', start: T0 + MIN, in: 1, out: 0 }]],
        ['a range before any crossing', { cameraId: 'cam-a', from: T0 - HOUR, to: T0, bucket: 'minute' }, []],
      ];
      for (const [label, q, rows] of aggregations) {
        test(`aggregates counts ${label}`, async () => {
          await store.addLineCrossings('cam-a', T0, crossings);
          assert.deepEqual(await store.queryLineCounts(q), rows);
        });
      }

      test('refuses unknown cameras, bad crossings (writing nothing), bad ranges and buckets', async () => {
        await rejectsWith(store.addLineCrossings('nope', T0, crossings), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.addLineCrossings('cam-a', -1, crossings), 'STORE_INPUT_INVALID');
        const noDirection: RuleEvent = { type: 'line_crossing', rule: 'gate', trackId: 1, class: 'person', frame: 9, time: 3 };
        await rejectsWith(store.addLineCrossings('cam-a', T0, [crossing('gate', 1, 'in'), noDirection]), 'STORE_INPUT_INVALID');
        await rejectsWith(store.addLineCrossings('cam-a', T0, [crossing('gate', Number.NaN, 'in')]), 'STORE_INPUT_INVALID');
        const q = { cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'minute' } as const;
        assert.deepEqual(await store.queryLineCounts(q), []);
        await rejectsWith(store.queryLineCounts({ ...q, cameraId: 'nope' }), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.queryLineCounts({ ...q, to: T0 }), 'STORE_INPUT_INVALID');
        await rejectsWith(store.queryLineCounts({ ...q, bucket: forge('week') }), 'STORE_INPUT_INVALID');
        await rejectsWith(store.queryLineCounts({ ...q, to: T0 + 366 * 24 * HOUR }), 'STORE_INPUT_INVALID', /buckets/);
        assert.equal((await store.queryLineCounts({ ...q, to: T0 + 366 * 24 * HOUR, bucket: 'day' })).length, 0);
      });
    });

    describe('zone occupancy', () => {
      const rows = [
        { zone: 'door', minute: T0, peak: 2, objectMs: 30_000, observedMs: 60_000 },
        { zone: 'door', minute: T0 + MIN, peak: 3, objectMs: 90_000, observedMs: 60_000 },
        { zone: 'yard', minute: T0 + MIN, peak: 1, objectMs: 6_000, observedMs: 60_000 },
        { zone: 'door', minute: T0 + HOUR, peak: 1, objectMs: 60_000, observedMs: 60_000 },
      ];
      const cases: [string, Parameters<EventStore['queryZoneOccupancy']>[0], { zone: string; start: number; peak: number; objectMs: number; observedMs: number }[]][] = [
        ['per minute', { cameraId: 'cam-a', from: T0, to: T0 + 2 * MIN, bucket: 'minute' }, [
          { zone: 'door', start: T0, peak: 2, objectMs: 30_000, observedMs: 60_000 },
          { zone: 'door', start: T0 + MIN, peak: 3, objectMs: 90_000, observedMs: 60_000 },
          { zone: 'yard', start: T0 + MIN, peak: 1, objectMs: 6_000, observedMs: 60_000 },
        ]],
        ['per hour: the largest peak, times added', { cameraId: 'cam-a', from: T0, to: T0 + 2 * HOUR, bucket: 'hour' }, [
          { zone: 'door', start: T0, peak: 3, objectMs: 120_000, observedMs: 120_000 },
          { zone: 'yard', start: T0, peak: 1, objectMs: 6_000, observedMs: 60_000 },
          { zone: 'door', start: T0 + HOUR, peak: 1, objectMs: 60_000, observedMs: 60_000 },
        ]],
        ['whole minutes overlapping the range', { cameraId: 'cam-a', from: T0 + MIN + 1, to: T0 + MIN + 2, bucket: 'minute' }, [
          { zone: 'door', start: T0 + MIN, peak: 3, objectMs: 90_000, observedMs: 60_000 },
          { zone: 'yard', start: T0 + MIN, peak: 1, objectMs: 6_000, observedMs: 60_000 },
        ]],
        ['another camera', { cameraId: 'cam-b', from: T0, to: T0 + HOUR, bucket: 'minute' }, []],
      ];
      for (const [label, q, want] of cases) {
        test(`queries occupancy ${label}`, async () => {
          await store.addZoneOccupancy('cam-a', rows);
          assert.deepEqual(await store.queryZoneOccupancy(q), want);
        });
      }

      test('a minute written twice keeps the larger peak and adds the times, up to a whole minute observed', async () => {
        await store.addZoneOccupancy('cam-a', [{ zone: 'door', minute: T0, peak: 2, objectMs: 10_000, observedMs: 40_000 }]);
        await store.addZoneOccupancy('cam-a', [{ zone: 'door', minute: T0, peak: 1, objectMs: 5_000, observedMs: 30_000 }]);
        assert.deepEqual(await store.queryZoneOccupancy({ cameraId: 'cam-a', from: T0, to: T0 + MIN, bucket: 'minute' }), [{ zone: 'door', start: T0, peak: 2, objectMs: 15_000, observedMs: 60_000 }]);
      });

      const bad: [string, { zone: string; minute: number; peak: number; objectMs: number; observedMs: number }][] = [
        ['a minute that is not whole', { zone: 'door', minute: T0 + 1, peak: 1, objectMs: 0, observedMs: 0 }],
        ['a negative peak', { zone: 'door', minute: T0, peak: -1, objectMs: 0, observedMs: 0 }],
        ['a fractional peak', { zone: 'door', minute: T0, peak: 1.5, objectMs: 0, observedMs: 0 }],
        ['more than a minute observed', { zone: 'door', minute: T0, peak: 1, objectMs: 0, observedMs: 60_001 }],
        ['an empty zone name', { zone: '', minute: T0, peak: 1, objectMs: 0, observedMs: 0 }],
      ];
      for (const [label, row] of bad) {
        test(`refuses ${label}, writing nothing`, async () => {
          await rejectsWith(store.addZoneOccupancy('cam-a', [rows[0]!, row]), 'STORE_INPUT_INVALID');
          assert.deepEqual(await store.queryZoneOccupancy({ cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'hour' }), []);
        });
      }

      test('refuses unknown cameras and bad ranges; removing a camera removes its occupancy', async () => {
        await rejectsWith(store.addZoneOccupancy('nope', rows), 'CAMERA_NOT_FOUND');
        const q = { cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'minute' } as const;
        await rejectsWith(store.queryZoneOccupancy({ ...q, cameraId: 'nope' }), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.queryZoneOccupancy({ ...q, to: T0 }), 'STORE_INPUT_INVALID');
        await rejectsWith(store.queryZoneOccupancy({ ...q, bucket: 'week' as 'minute' }), 'STORE_INPUT_INVALID');
        await store.addZoneOccupancy('cam-a', rows);
        await store.removeCamera('cam-a');
        await rejectsWith(store.queryZoneOccupancy(q), 'CAMERA_NOT_FOUND');
      });
    });

    describe('heat grids', () => {
      test('merges grids of one hour cell by cell and sums the hours of a range', async () => {
        await store.mergeHeatGrid('cam-a', T0 + 10 * MIN, grid([0.1, 0, 1, 2]));
        await store.mergeHeatGrid('cam-a', T0 + 50 * MIN, grid([0.2, 0, 0, 2]));
        await store.mergeHeatGrid('cam-a', T0 + HOUR, grid([1, 1, 1, 1]));
        await store.mergeHeatGrid('cam-b', T0, grid([9, 9, 9, 9]));
        const first = await store.readHeatGrid({ cameraId: 'cam-a', from: T0, to: T0 + HOUR });
        assert.deepEqual(first, grid([0.1 + 0.2, 0, 1, 4]));
        assert.deepEqual(await store.readHeatGrid({ cameraId: 'cam-a', from: T0 + 30 * MIN, to: T0 + HOUR + 1 }), grid([0.1 + 0.2 + 1, 1, 2, 5]));
        assert.equal(await store.readHeatGrid({ cameraId: 'cam-a', from: T0 + 2 * HOUR, to: T0 + 3 * HOUR }), null);
      });

      test('refuses other shapes, bad grids, bad ranges and unknown cameras', async () => {
        await store.mergeHeatGrid('cam-a', T0, grid([1, 1, 1, 1]));
        await rejectsWith(store.mergeHeatGrid('cam-a', T0 + 1, grid([1, 1, 1], 3, 1)), 'STORE_CONFLICT');
        await store.mergeHeatGrid('cam-a', T0 + HOUR, grid([1, 1, 1], 3, 1));
        await rejectsWith(store.readHeatGrid({ cameraId: 'cam-a', from: T0, to: T0 + 2 * HOUR }), 'STORE_CONFLICT');
        assert.deepEqual(await store.readHeatGrid({ cameraId: 'cam-a', from: T0, to: T0 + HOUR }), grid([1, 1, 1, 1]));
        await rejectsWith(store.mergeHeatGrid('nope', T0, grid([1, 1, 1, 1])), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.mergeHeatGrid('cam-a', T0, { ...grid([1, 1, 1, 1]), seconds: new Float64Array(3) }), 'STORE_INPUT_INVALID');
        await rejectsWith(store.mergeHeatGrid('cam-a', T0, grid([1, Number.NaN, 1, 1])), 'STORE_INPUT_INVALID');
        await rejectsWith(store.mergeHeatGrid('cam-a', T0, grid([1, -1, 1, 1])), 'STORE_INPUT_INVALID');
        await rejectsWith(store.readHeatGrid({ cameraId: 'nope', from: T0, to: T0 + HOUR }), 'CAMERA_NOT_FOUND');
        await rejectsWith(store.readHeatGrid({ cameraId: 'cam-a', from: T0 + HOUR, to: T0 }), 'STORE_INPUT_INVALID');
        assert.deepEqual(await store.readHeatGrid({ cameraId: 'cam-a', from: T0, to: T0 + HOUR }), grid([1, 1, 1, 1]));
      });
    });
  });
}
