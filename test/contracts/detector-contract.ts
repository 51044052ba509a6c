import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DetectOptions, Detector } from '../../src/detect/detector.ts';
import { decodeFrame, NO_SHARED_DATA, PETS } from '../fixtures/data.ts';
import path from 'node:path';

const OPTIONS: DetectOptions = { minScore: 0.3, classes: ['person', 'car'], nmsIou: 0.6, maxDetections: 100 };

/**
 * The contract every `Detector` implementation passes: declared traits, input validation, filters,
 * determinism, and real people found in a real frame.
 */
export function detectorContract(name: string, create: () => Promise<Detector>): void {
  describe(`Detector contract: ${name}`, () => {
    let detector: Detector;
    before(async () => {
      detector = await create();
    });
    after(async () => {
      await detector.dispose();
    });

    test('declares its input size and classes', () => {
      const t = detector.traits;
      assert.ok(t.name.length > 0);
      assert.ok(Number.isInteger(t.inputWidth) && t.inputWidth > 0);
      assert.ok(Number.isInteger(t.inputHeight) && t.inputHeight > 0);
      assert.ok(t.classes.includes('person'));
    });

    test('rejects an image of the wrong size', async () => {
      const t = detector.traits;
      await assert.rejects(detector.detect({ width: t.inputWidth + 1, height: t.inputHeight, data: new Uint8Array((t.inputWidth + 1) * t.inputHeight * 3) }, OPTIONS));
    });

    test('finds nothing confident in a flat grey image', async () => {
      const t = detector.traits;
      const found = await detector.detect({ width: t.inputWidth, height: t.inputHeight, data: new Uint8Array(t.inputWidth * t.inputHeight * 3).fill(128) }, OPTIONS);
      assert.equal(found.filter((d) => d.score >= 0.5).length, 0);
    });

    test('finds the people of a real PETS frame, within bounds, best first, deterministically', { skip: NO_SHARED_DATA }, async () => {
      const t = detector.traits;
      const data = decodeFrame(path.join(PETS, 'vtest.avi'), 100, t.inputWidth, t.inputHeight);
      const image = { width: t.inputWidth, height: t.inputHeight, data };
      const found = await detector.detect(image, OPTIONS);
      const people = found.filter((d) => d.class === 'person' && d.score >= 0.4);
      assert.ok(people.length >= 4, `expected at least 4 people, got ${people.length}`);
      for (const d of found) {
        assert.ok(d.score >= OPTIONS.minScore && d.score <= 1);
        assert.ok(OPTIONS.classes.includes(d.class));
        assert.ok(d.box.x >= 0 && d.box.y >= 0 && d.box.w > 0 && d.box.h > 0);
        assert.ok(d.box.x + d.box.w <= t.inputWidth + 1e-6 && d.box.y + d.box.h <= t.inputHeight + 1e-6);
      }
      for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.score >= found[i]!.score, 'not sorted best first');
      assert.deepEqual(await detector.detect(image, OPTIONS), found, 'same input, different output');
      const top2 = await detector.detect(image, { ...OPTIONS, maxDetections: 2 });
      assert.deepEqual(top2, found.slice(0, 2));
      const strict = await detector.detect(image, { ...OPTIONS, minScore: 0.6 });
      assert.deepEqual(strict, found.filter((d) => d.score >= 0.6));
      assert.deepEqual(await detector.detect(image, { ...OPTIONS, classes: ['car'] }), found.filter((d) => d.class === 'car'));
    });
  });
}
