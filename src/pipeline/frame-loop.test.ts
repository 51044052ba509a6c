import assert from 'node:assert/strict';
import { test } from 'node:test';
import { motionSteps } from './frame-loop.ts';

test('motionSteps: frames of motion between two analysed frames', async (t) => {
  const cases: { name: string; seconds: number; fps: number; want: number }[] = [
    { name: 'a source at the analysed rate: one', seconds: 0.2, fps: 5, want: 1 },
    { name: 'RTSP rounding of a 7 fps camera analysed at 7: one', seconds: 0.142856, fps: 7, want: 1 },
    { name: '5 of a 7 fps camera: the short gap is one', seconds: 1 / 7, fps: 5, want: 1 },
    { name: '5 of a 7 fps camera: the long gap is one', seconds: 2 / 7, fps: 5, want: 1 },
    { name: 'one dropped frame: two', seconds: 0.4, fps: 5, want: 2 },
    { name: 'a dropped frame of 5 picked from 7 fps: two', seconds: 3 / 7, fps: 5, want: 2 },
    { name: 'two dropped: three', seconds: 0.6, fps: 5, want: 3 },
    { name: 'a long gap: at most five', seconds: 30, fps: 5, want: 5 },
    { name: 'the same time twice: one', seconds: 0, fps: 5, want: 1 },
    { name: 'no rate known: one', seconds: 0.2, fps: Number.NaN, want: 1 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.ok(Math.abs(motionSteps(c.seconds, c.fps) - c.want) < 1e-9, `${motionSteps(c.seconds, c.fps)} is not ${c.want}`));
});
