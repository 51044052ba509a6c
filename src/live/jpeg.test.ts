import assert from 'node:assert/strict';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { encodeJpeg } from './jpeg.ts';

test('encodeJpeg writes a JPEG of the cropped picture whose pixels decode close to the source', async () => {
  const width = 32;
  const height = 24;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    data.set(x < 16 ? [200, 30, 30] : [20, 20, 220], i * 3);
  }
  const out = await encodeJpeg({ width, height, data }, { width: 32, height: 16 }, 90);
  assert.deepEqual([...out.subarray(0, 2)], [0xff, 0xd8]);
  const back = jpeg.decode(out, { useTArray: true });
  assert.equal(back.width, 32);
  assert.equal(back.height, 16);
  const px = (x: number, y: number): number[] => [...back.data.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 3)];
  for (const [x, want] of [[4, [200, 30, 30]], [28, [20, 20, 220]]] as const) {
    px(x, 8).forEach((v, c) => assert.ok(Math.abs(v - want[c]!) < 20, `pixel ${x} channel ${c}: ${v} vs ${want[c]}`));
  }
});

test('encodeJpeg refuses a picture whose data is too short', async () => {
  await assert.rejects(() => encodeJpeg({ width: 10, height: 10, data: new Uint8Array(10) }), /holds 10 bytes, expected 300/);
});
