import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import { createHeatGrid, type HeatGrid } from '../../src/core/rules/heat-grid.ts';
import type { RuleEvent } from '../../src/core/rules/types.ts';
import type { EventStore, NewEvent } from '../../src/store/event-store.ts';
import type { OpenEventStore } from './event-store-contract.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2024-01-15 10:00:00 UTC, on an hour boundary. */
const T0 = Date.UTC(2024, 0, 15, 10);

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof SightlineError && e.code === code);
}

const ev = (id: string, over: Partial<NewEvent> = {}): NewEvent => ({ id, cameraId: 'cam-a', type: 'intrusion', rule: 'door', trackId: 1, class: 'person', startTime: T0, frame: 1, ...over });
const crossing = (time: number): RuleEvent => ({ type: 'line_crossing', rule: 'gate', trackId: 1, class: 'person', frame: 1, time, direction: 'in' });
const grid = (): HeatGrid => ({ ...createHeatGrid({ width: 20, height: 20 }, 10), seconds: Float64Array.from([1, 2, 3, 4]) });

async function eventIds(store: EventStore): Promise<string[]> {
  return (await store.queryEvents({ limit: 1000 })).events.map((e) => e.id);
}

/**
 * The deletions every `EventStore` implementation offers retention and erasure: events by age (of
 * every camera) or by camera and range, with the snapshot paths they named, and the aggregates (line
 * counts, zone occupancy, zone dwell, heat) by age, whole buckets only.
 */
export function eventRetentionContract(name: string, open: OpenEventStore): void {
  describe(`EventStore retention contract: ${name}`, () => {
    let store: EventStore & { close(): Promise<void> };
    beforeEach(async () => {
      store = await open({ now: () => T0 });
      await store.addCamera({ id: 'cam-a', name: 'Front door', url: 'rtsp://10.0.0.2:554/main' });
      await store.addCamera({ id: 'cam-b', name: 'Car park', url: 'rtsp://10.0.0.3:554/main' });
    });
    afterEach(async () => {
      await store.close();
    });

    test('deleteEventsBefore: events of every camera that started and ended before the time go, with their snapshot paths', async () => {
      await store.appendEvents([
        ev('old', { startTime: T0 - 2 * DAY, endTime: T0 - 2 * DAY + MIN, snapshotPath: 'snapshots/cam-a/2024-01-13/old.jpg' }),
        ev('old-b', { cameraId: 'cam-b', type: 'line_crossing', direction: 'in', startTime: T0 - DAY - 1 }),
        ev('open-old', { startTime: T0 - 3 * DAY }),
        ev('spans', { startTime: T0 - DAY - HOUR, endTime: T0 - DAY + HOUR, snapshotPath: 'snapshots/cam-a/2024-01-14/spans.jpg' }),
        ev('new', { startTime: T0, snapshotPath: 'snapshots/cam-a/2024-01-15/new.jpg' }),
      ]);
      const gone = await store.deleteEventsBefore(T0 - DAY);
      assert.equal(gone.deleted, 3);
      assert.deepEqual([...gone.snapshotPaths].sort(), ['snapshots/cam-a/2024-01-13/old.jpg']);
      assert.deepEqual(await eventIds(store), ['spans', 'new'], 'an event ending after the time stays; an open one goes by its start');
      assert.equal(await store.getEvent('old'), null);
      assert.deepEqual(await store.deleteEventsBefore(T0 - DAY), { deleted: 0, snapshotPaths: [] }, 'again: nothing left to delete');
    });

    test('deleteCameraEvents: only that camera, every event overlapping [from, to)', async () => {
      await store.appendEvents([
        ev('before', { startTime: T0 - HOUR, endTime: T0 - 1 }),
        ev('overlaps-start', { startTime: T0 - HOUR, endTime: T0 + MIN, snapshotPath: 'snapshots/cam-a/2024-01-15/a.jpg' }),
        ev('inside', { type: 'zone_enter', startTime: T0 + 10 * MIN }),
        ev('open-inside', { startTime: T0 + 20 * MIN }),
        ev('at-end', { startTime: T0 + HOUR }),
        ev('other-camera', { cameraId: 'cam-b', startTime: T0 + 10 * MIN }),
      ]);
      const gone = await store.deleteCameraEvents('cam-a', T0, T0 + HOUR);
      assert.equal(gone.deleted, 3);
      assert.deepEqual(gone.snapshotPaths, ['snapshots/cam-a/2024-01-15/a.jpg']);
      assert.deepEqual(await eventIds(store), ['before', 'other-camera', 'at-end']);
    });

    test('deleteAggregatesBefore: counts, occupancy, dwell and heat whose whole bucket lies before the time', async () => {
      await store.addLineCrossings('cam-a', T0 - 2 * HOUR, [crossing(1), crossing(HOUR / 1000 + 1), crossing(2 * HOUR / 1000 + 1)]);
      await store.addLineCrossings('cam-b', T0 - 2 * HOUR, [crossing(1)]);
      await store.addZoneOccupancy('cam-a', [
        { zone: 'door', minute: T0 - 2 * HOUR, peak: 1, objectMs: 1000, observedMs: MIN },
        { zone: 'door', minute: T0 - MIN, peak: 1, objectMs: 1000, observedMs: MIN },
        { zone: 'door', minute: T0, peak: 2, objectMs: 1000, observedMs: MIN },
      ]);
      const exit = (time: number): RuleEvent => ({ type: 'zone_exit', rule: 'door', trackId: 1, class: 'person', frame: 1, time, seconds: 12 });
      await store.addZoneExits('cam-a', T0 - 2 * HOUR, [exit(1), exit(HOUR / 1000 - 1), exit(HOUR / 1000 + 1), exit(2 * HOUR / 1000)]);
      await store.addZoneExits('cam-b', T0 - 2 * HOUR, [exit(1)]);
      await store.mergeHeatGrid('cam-a', T0 - 2 * HOUR, grid());
      await store.mergeHeatGrid('cam-a', T0 - HOUR, grid());
      await store.mergeHeatGrid('cam-a', T0, grid());
      // At T0 - HOUR + 30 s: the minute at T0 - HOUR is not over, the hour at T0 - 2 h is.
      assert.deepEqual(await store.deleteAggregatesBefore(T0 - HOUR + 30_000), { lineCounts: 2, occupancy: 1, dwell: 3, heat: 1 });
      const range = { from: T0 - 3 * HOUR, to: T0 + HOUR, bucket: 'minute' as const };
      assert.deepEqual((await store.queryLineCounts({ cameraId: 'cam-a', ...range })).map((r) => r.start), [T0 - HOUR, T0]);
      assert.deepEqual(await store.queryLineCounts({ cameraId: 'cam-b', ...range }), []);
      assert.deepEqual((await store.queryZoneOccupancy({ cameraId: 'cam-a', ...range })).map((r) => r.start), [T0 - MIN, T0]);
      assert.deepEqual((await store.queryZoneDwell({ cameraId: 'cam-a', ...range })).map((r) => [r.start, r.exits]), [[T0 - HOUR, 1], [T0, 1]]);
      assert.deepEqual(await store.queryZoneDwell({ cameraId: 'cam-b', ...range }), []);
      assert.equal(await store.readHeatGrid({ cameraId: 'cam-a', from: T0 - 3 * HOUR, to: T0 - 2 * HOUR + 1 }), null);
      assert.deepEqual(await store.readHeatGrid({ cameraId: 'cam-a', from: T0 - HOUR, to: T0 + 1 }), { ...grid(), seconds: Float64Array.from([2, 4, 6, 8]) });
      assert.deepEqual(await store.deleteAggregatesBefore(T0 - HOUR + 30_000), { lineCounts: 0, occupancy: 0, dwell: 0, heat: 0 });
    });

    test('bad times and ranges are refused; an unknown camera is CAMERA_NOT_FOUND', async () => {
      await store.appendEvents([ev('kept', { startTime: T0 })]);
      for (const bad of [-1, 1.5, Number.NaN]) {
        await rejectsWith(store.deleteEventsBefore(bad), 'STORE_INPUT_INVALID');
        await rejectsWith(store.deleteAggregatesBefore(bad), 'STORE_INPUT_INVALID');
      }
      await rejectsWith(store.deleteCameraEvents('cam-a', T0 + 1, T0), 'STORE_INPUT_INVALID');
      await rejectsWith(store.deleteCameraEvents('cam-a', T0, T0), 'STORE_INPUT_INVALID');
      await rejectsWith(store.deleteCameraEvents('nope', T0, T0 + 1), 'CAMERA_NOT_FOUND');
      assert.deepEqual(await eventIds(store), ['kept']);
    });
  });
}
