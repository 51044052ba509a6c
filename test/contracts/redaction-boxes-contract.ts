import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SightlineError } from '../../src/core/errors.ts';
import type { RedactionBoxStore } from '../../src/store/redaction-boxes.ts';

/** A fresh store with cameras `A` and `B`, and a way to remove a camera behind its back. */
export interface RedactionBoxesFixture {
  readonly store: RedactionBoxStore;
  removeCamera(id: string): Promise<void> | void;
}

const T0 = Date.UTC(2024, 0, 15, 10);
const R = [0.1, 0.2, 0.05, 0.1] as const;

/** The contract every `RedactionBoxStore` passes: frames come back in order within the range asked, deletions are exact, input is checked. */
export function redactionBoxesContract(name: string, open: () => Promise<RedactionBoxesFixture> | RedactionBoxesFixture): void {
  describe(`${name}: redaction boxes contract`, () => {
    test('frames come back in time order, only those in the range, per camera, across chunks', async () => {
      const { store } = await open();
      store.append('A', [{ time: T0, rects: [R] }, { time: T0 + 200, rects: [] }]);
      store.append('A', [{ time: T0 + 400, rects: [R, [0.5, 0.5, 0.1, 0.1]] }]);
      store.append('B', [{ time: T0 + 100, rects: [R] }]);
      assert.deepEqual(store.read('A', T0, T0 + 400).map((f) => f.time), [T0, T0 + 200, T0 + 400]);
      assert.deepEqual(store.read('A', T0 + 1, T0 + 399).map((f) => f.time), [T0 + 200], 'a range inside chunks');
      assert.deepEqual(store.read('A', T0 + 400, T0 + 400)[0]!.rects, [R, [0.5, 0.5, 0.1, 0.1]]);
      assert.deepEqual(store.read('B', T0, T0 + 1000).map((f) => f.time), [T0 + 100]);
      assert.deepEqual(store.read('A', T0 + 500, T0 + 900), []);
    });

    test('rectangles keep four decimals', async () => {
      const { store } = await open();
      store.append('A', [{ time: T0, rects: [[0.123456, 0.5, 0.25, 0.999999]] }]);
      assert.deepEqual(store.read('A', T0, T0)[0]!.rects, [[0.1235, 0.5, 0.25, 1]]);
    });

    test('deleteBefore drops every camera\'s older frames, cutting a chunk that straddles the time', async () => {
      const { store } = await open();
      store.append('A', [{ time: T0, rects: [R] }, { time: T0 + 200, rects: [R] }, { time: T0 + 400, rects: [R] }]);
      store.append('B', [{ time: T0 + 100, rects: [R] }]);
      assert.equal(store.deleteBefore(T0 + 200), 2);
      assert.deepEqual(store.read('A', 0, T0 + 1000).map((f) => f.time), [T0 + 200, T0 + 400]);
      assert.deepEqual(store.read('B', 0, T0 + 1000), []);
      assert.equal(store.deleteBefore(T0 + 200), 0, 'nothing more to delete');
    });

    test('deleteRange erases one camera\'s frames in the range only', async () => {
      const { store } = await open();
      store.append('A', [{ time: T0, rects: [R] }, { time: T0 + 200, rects: [R] }, { time: T0 + 400, rects: [R] }]);
      store.append('B', [{ time: T0 + 200, rects: [R] }]);
      assert.equal(store.deleteRange('A', T0 + 100, T0 + 300), 1);
      assert.deepEqual(store.read('A', 0, T0 + 1000).map((f) => f.time), [T0, T0 + 400]);
      assert.equal(store.read('B', 0, T0 + 1000).length, 1, 'the other camera keeps its frames');
    });

    test('frames go with their camera', async () => {
      const f = await open();
      f.store.append('A', [{ time: T0, rects: [R] }]);
      await f.removeCamera('A');
      assert.deepEqual(f.store.read('A', 0, T0 + 1), []);
      assert.throws(() => f.store.append('A', [{ time: T0 + 1, rects: [R] }]), (e: unknown) => e instanceof SightlineError && e.code === 'CAMERA_NOT_FOUND');
    });

    test('refuses rectangles outside the picture, frames out of order and bad times', async () => {
      const { store } = await open();
      const invalid = (e: unknown): boolean => e instanceof SightlineError && e.code === 'STORE_INPUT_INVALID';
      assert.throws(() => store.append('A', [{ time: T0, rects: [[0.5, 0.5, 1.5, 0.1]] }]), invalid);
      assert.throws(() => store.append('A', [{ time: T0, rects: [[0.5, 0.5, 0.1] as unknown as [number, number, number, number]] }]), invalid);
      assert.throws(() => store.append('A', [{ time: T0, rects: [[Number.NaN, 0, 0, 0]] }]), invalid);
      assert.throws(() => store.append('A', [{ time: T0 + 10, rects: [] }, { time: T0, rects: [] }]), invalid);
      assert.throws(() => store.append('A', [{ time: -1, rects: [] }]), invalid);
      assert.throws(() => store.append('A', [{ time: 1.5, rects: [] }]), invalid);
      assert.deepEqual(store.read('A', 0, Number.MAX_SAFE_INTEGER), [], 'nothing was stored');
    });
  });
}
