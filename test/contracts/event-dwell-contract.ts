import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import type { RuleEvent } from '../../src/core/rules/types.ts';
import type { DwellQuery, EventStore, ZoneDwellRow } from '../../src/store/event-store.ts';
import type { OpenEventStore } from './event-store-contract.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
/** 2024-01-15 10:00:00 UTC, on an hour boundary. */
const T0 = Date.UTC(2024, 0, 15, 10);

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof SightlineError && e.code === code);
}

/** A zone exit `time` seconds into the stream after `seconds` inside. */
const exit = (rule: string, time: number, seconds: number | undefined, trackId = 1): RuleEvent => ({
  type: 'zone_exit', rule, trackId, class: 'person', frame: 1, time, ...(seconds !== undefined && { seconds }),
});

/** A histogram from its first counts (the rest zero). */
const bins = (...counts: number[]): number[] => [...counts, ...new Array<number>(8 - counts.length).fill(0)];

/**
 * Zone dwell, the part of the contract every `EventStore` implementation passes: the zone exits of
 * rule events added per camera, zone and minute (how many, their dwell added up, a histogram over
 * the fixed bins), no track id kept, read back in minute, hour or day buckets.
 */
export function eventDwellContract(name: string, open: OpenEventStore): void {
  describe(`EventStore dwell contract: ${name}`, () => {
    let store: EventStore & { close(): Promise<void> };
    beforeEach(async () => {
      store = await open({ now: () => T0 });
      await store.addCamera({ id: 'cam-a', name: 'Front door', url: 'rtsp://10.0.0.2:554/main' });
      await store.addCamera({ id: 'cam-b', name: 'Car park', url: 'rtsp://10.0.0.3:554/main' });
    });
    afterEach(async () => {
      await store.close();
    });

    const exits: RuleEvent[] = [
      exit('door', 1, 4.2),
      exit('door', 30, 4.9999),
      exit('door', 59.9, 5),
      exit('door', 61, 75.5),
      exit('yard', 61, 1000),
      { type: 'zone_enter', rule: 'door', trackId: 2, class: 'person', frame: 3, time: 1 },
      { type: 'loitering', rule: 'door', trackId: 2, class: 'person', frame: 3, time: 2, phase: 'end', seconds: 40 },
      exit('door', 3600, 0),
    ];

    test('adds the exits into minute buckets, each in the minute it left, ignoring other events', async () => {
      assert.equal(await store.addZoneExits('cam-a', T0, exits), 6);
      assert.deepEqual(await store.queryZoneDwell({ cameraId: 'cam-a', from: T0, to: T0 + 2 * HOUR, bucket: 'minute' }), [
        { zone: 'door', start: T0, exits: 3, dwellMs: 14_200, bins: bins(2, 1) },
        { zone: 'door', start: T0 + MIN, exits: 1, dwellMs: 75_500, bins: bins(0, 0, 0, 0, 1) },
        { zone: 'yard', start: T0 + MIN, exits: 1, dwellMs: 1_000_000, bins: bins(0, 0, 0, 0, 0, 0, 0, 1) },
        { zone: 'door', start: T0 + HOUR, exits: 1, dwellMs: 0, bins: bins(1) },
      ]);
      assert.deepEqual(await store.queryZoneDwell({ cameraId: 'cam-b', from: T0, to: T0 + HOUR, bucket: 'minute' }), []);
    });

    test('a minute written twice adds up (two runs of a camera within one minute)', async () => {
      await store.addZoneExits('cam-a', T0, [exit('door', 1, 10)]);
      await store.addZoneExits('cam-a', T0 + 20_000, [exit('door', 1, 20), exit('door', 2, 700)]);
      assert.deepEqual(await store.queryZoneDwell({ cameraId: 'cam-a', from: T0, to: T0 + MIN, bucket: 'minute' }), [
        { zone: 'door', start: T0, exits: 3, dwellMs: 730_000, bins: bins(0, 1, 1, 0, 0, 0, 1) },
      ]);
    });

    const cases: [string, DwellQuery, ZoneDwellRow[]][] = [
      ['per hour: exits, sums and bins added', { cameraId: 'cam-a', from: T0, to: T0 + 2 * HOUR, bucket: 'hour' }, [
        { zone: 'door', start: T0, exits: 4, dwellMs: 89_700, bins: bins(2, 1, 0, 0, 1) },
        { zone: 'yard', start: T0, exits: 1, dwellMs: 1_000_000, bins: bins(0, 0, 0, 0, 0, 0, 0, 1) },
        { zone: 'door', start: T0 + HOUR, exits: 1, dwellMs: 0, bins: bins(1) },
      ]],
      ['per UTC day', { cameraId: 'cam-a', from: T0, to: T0 + 1, bucket: 'day' }, [
        { zone: 'door', start: Date.UTC(2024, 0, 15), exits: 5, dwellMs: 89_700, bins: bins(3, 1, 0, 0, 1) },
        { zone: 'yard', start: Date.UTC(2024, 0, 15), exits: 1, dwellMs: 1_000_000, bins: bins(0, 0, 0, 0, 0, 0, 0, 1) },
      ]],
      ['whole minutes overlapping the range', { cameraId: 'cam-a', from: T0 + MIN + 1, to: T0 + MIN + 2, bucket: 'minute' }, [
        { zone: 'door', start: T0 + MIN, exits: 1, dwellMs: 75_500, bins: bins(0, 0, 0, 0, 1) },
        { zone: 'yard', start: T0 + MIN, exits: 1, dwellMs: 1_000_000, bins: bins(0, 0, 0, 0, 0, 0, 0, 1) },
      ]],
      ['a range before any exit', { cameraId: 'cam-a', from: T0 - HOUR, to: T0, bucket: 'minute' }, []],
    ];
    for (const [label, q, want] of cases) {
      test(`queries dwell ${label}`, async () => {
        await store.addZoneExits('cam-a', T0, exits);
        assert.deepEqual(await store.queryZoneDwell(q), want);
      });
    }

    const bad: [string, RuleEvent][] = [
      ['an exit without its dwell', exit('door', 2, undefined)],
      ['a negative dwell', exit('door', 2, -1)],
      ['a dwell that is not a number', exit('door', 2, Number.NaN)],
      ['an exit at no valid instant', exit('door', Number.NaN, 3)],
      ['an empty zone name', exit('', 2, 3)],
    ];
    for (const [label, e] of bad) {
      test(`refuses ${label}, writing nothing`, async () => {
        await rejectsWith(store.addZoneExits('cam-a', T0, [exit('door', 1, 3), e]), 'STORE_INPUT_INVALID');
        assert.deepEqual(await store.queryZoneDwell({ cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'hour' }), []);
      });
    }

    test('refuses unknown cameras, bad stream starts, ranges and buckets; removing a camera removes its dwell', async () => {
      await rejectsWith(store.addZoneExits('nope', T0, exits), 'CAMERA_NOT_FOUND');
      await rejectsWith(store.addZoneExits('cam-a', -1, exits), 'STORE_INPUT_INVALID');
      const q = { cameraId: 'cam-a', from: T0, to: T0 + HOUR, bucket: 'minute' } as const;
      await rejectsWith(store.queryZoneDwell({ ...q, cameraId: 'nope' }), 'CAMERA_NOT_FOUND');
      await rejectsWith(store.queryZoneDwell({ ...q, to: T0 }), 'STORE_INPUT_INVALID');
      await rejectsWith(store.queryZoneDwell({ ...q, bucket: 'week' as 'minute' }), 'STORE_INPUT_INVALID');
      await rejectsWith(store.queryZoneDwell({ ...q, to: T0 + 366 * 24 * HOUR }), 'STORE_INPUT_INVALID');
      await store.addZoneExits('cam-a', T0, exits);
      await store.removeCamera('cam-a');
      await rejectsWith(store.queryZoneDwell(q), 'CAMERA_NOT_FOUND');
    });
  });
}
