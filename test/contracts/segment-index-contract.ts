import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../../src/core/errors.ts';
import { segmentPath } from '../../src/record/segment-paths.ts';
import type { EventStore } from '../../src/store/event-store.ts';
import { MAX_SEGMENT_MS, type NewSegment, type SegmentIndex } from '../../src/store/segment-index.ts';

/** A fresh segment index, with the camera store it shares its database with (segments belong to cameras). */
export interface SegmentIndexFixture {
  readonly index: SegmentIndex;
  readonly cameras: Pick<EventStore, 'addCamera' | 'removeCamera'>;
  close(): Promise<void>;
}

/** How the contract opens a fresh, empty index and camera store. */
export type OpenSegmentIndex = () => Promise<SegmentIndexFixture>;

const T0 = Date.UTC(2024, 0, 15, 23, 59, 50);

const seg = (cameraId: string, startS: number, endS: number, bytes = 100): NewSegment => ({
  cameraId,
  path: segmentPath(cameraId, T0 + startS * 1000),
  startTime: T0 + startS * 1000,
  endTime: T0 + endS * 1000,
  bytes,
});

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof SightlineError && e.code === code);
}

/** The contract every `SegmentIndex` implementation passes: add, read, overlap listing (half-open, oldest first), totals, deletes, cascades and refusals. */
export function segmentIndexContract(name: string, open: OpenSegmentIndex): void {
  describe(`${name}: segment index contract`, () => {
    async function fresh(t: { after(fn: () => Promise<void>): void }): Promise<SegmentIndexFixture> {
      const f = await open();
      t.after(() => f.close());
      await f.cameras.addCamera({ id: 'a', name: 'A', url: 'rtsp://h/a' });
      await f.cameras.addCamera({ id: 'b', name: 'B', url: 'rtsp://h/b' });
      return f;
    }

    test('segments are added, read, listed by overlap oldest first, totalled and deleted', async (t) => {
      const { index, cameras } = await fresh(t);
      const added = [seg('a', 20, 30), seg('a', 0, 10), seg('a', 10, 20), seg('b', 5, 15, 50)].map((s) => index.add(s));
      assert.deepEqual(index.get(added[1]!.id), added[1]);
      assert.equal(index.get(9999), null);
      assert.deepEqual(index.byPath(added[0]!.path), added[0]);
      const cases: Array<[number, number, number[]]> = [
        [0, 30, [0, 10, 20]],
        [10, 20, [10]], // half-open: the segment ending at 10 and the one starting at 20 are out
        [9.999, 10.001, [0, 10]],
        [25, 100, [20]],
        [30, 40, []],
        [-5, 0.001, [0]],
      ];
      for (const [from, to, starts] of cases) {
        const listed = index.list('a', T0 + from * 1000, T0 + to * 1000);
        assert.deepEqual(listed.map((s) => (s.startTime - T0) / 1000), starts, `[${from}, ${to})`);
      }
      assert.deepEqual(index.all().map((s) => [s.cameraId, (s.startTime - T0) / 1000]), [['a', 0], ['b', 5], ['a', 10], ['a', 20]]);
      assert.deepEqual(index.totals(), { bytes: 350, segments: 4 });
      // The oldest end a page at a time, after a segment's start and id.
      const page1 = index.oldest(null, 3);
      assert.deepEqual(page1.map((s) => (s.startTime - T0) / 1000), [0, 5, 10]);
      assert.deepEqual(index.oldest(page1.at(-1)!, 3).map((s) => (s.startTime - T0) / 1000), [20]);
      assert.deepEqual(index.oldest(index.oldest(null, 4).at(-1)!, 3), []);
      assert.throws(() => index.oldest(null, 0), { code: 'STORE_INPUT_INVALID' });
      assert.equal((index.latest('a')?.startTime ?? 0) - T0, 20_000);
      assert.equal(index.latest('zzz'), null);
      assert.equal(index.delete(added[0]!.id), true);
      assert.equal(index.delete(added[0]!.id), false);
      assert.deepEqual(index.totals(), { bytes: 250, segments: 3 });
      // Removing a camera removes its segments' rows.
      await cameras.removeCamera('b');
      assert.deepEqual(index.totals(), { bytes: 200, segments: 2 });
    });

    test('bad segments are refused with stable codes', async (t) => {
      const { index } = await fresh(t);
      index.add(seg('a', 0, 10));
      const bad: Array<[string, NewSegment, ErrorCode]> = [
        ['unknown camera', seg('nope', 0, 10), 'CAMERA_NOT_FOUND'],
        ['path taken', seg('a', 0, 12), 'STORE_CONFLICT'],
        ['ends before it starts', seg('a', 10, 9), 'STORE_INPUT_INVALID'],
        ['too long', { ...seg('a', 100, 100), endTime: T0 + 100_000 + MAX_SEGMENT_MS + 1 }, 'STORE_INPUT_INVALID'],
        ['negative bytes', seg('a', 20, 30, -1), 'STORE_INPUT_INVALID'],
        ['fractional time', { ...seg('a', 40, 50), startTime: T0 + 0.5 }, 'STORE_INPUT_INVALID'],
        ['empty path', { ...seg('a', 60, 70), path: '' }, 'STORE_INPUT_INVALID'],
      ];
      for (const [, s, code] of bad) throwsCode(() => index.add(s), code);
      throwsCode(() => index.list('a', T0 + 10, T0 + 10), 'STORE_INPUT_INVALID');
      throwsCode(() => index.list('a', T0 + 10, T0), 'STORE_INPUT_INVALID');
      assert.deepEqual(index.totals(), { bytes: 100, segments: 1 });
    });

    test('a camera with no segments lists nothing, and other cameras stay apart', async (t) => {
      const { index } = await fresh(t);
      assert.deepEqual(index.ofCamera('a'), []);
      assert.deepEqual(index.totals(), { bytes: 0, segments: 0 });
      const b = index.add(seg('b', 0, 10, 7));
      const a2 = index.add(seg('a', 10, 20));
      const a1 = index.add(seg('a', 0, 10));
      assert.deepEqual(index.ofCamera('a'), [a1, a2]);
      assert.deepEqual(index.ofCamera('b'), [b]);
      assert.deepEqual(index.list('b', T0, T0 + 60_000), [b]);
      assert.equal(index.byPath('recordings/none.ts'), null);
      assert.equal(index.get(1.5), null);
    });
  });
}
