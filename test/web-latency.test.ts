/**
 * The single-camera live view is live: the picture it shows is a frame the camera made moments ago
 * (read back from the clock the camera paints into it), and it keeps moving. How many milliseconds
 * behind the camera it runs is a figure of `npm run bench:latency` (target < 2 s on an idle
 * machine), not an assertion here: the suite runs on loaded machines.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CHROMIUM } from './fixtures/browser.ts';
import { latencySummary, measureGlassToGlass } from './fixtures/clock-camera.ts';

test('the live view shows the camera’s latest pictures and keeps moving', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`, timeout: 120_000 }, async () => {
  const samples = await measureGlassToGlass({ samples: 20 });
  const { median, max } = latencySummary(samples);
  console.log(`live glass-to-glass latency: median ${median} ms, max ${max} ms over ${samples.length} samples`);
  const earliest = samples.reduce((a, s) => Math.min(a, s.latencyMs), Infinity);
  assert.ok(earliest >= 0, `a frame from the future (${earliest} ms): the stamp was misread`);
  // Over 20 readings 200 ms apart (4 s and more), the picture moves on: a frozen or replayed video does not.
  assert.ok(samples.at(-1)!.stamp > samples[0]!.stamp, `the picture did not move: stamps ${samples.map((s) => s.stamp).join(', ')}`);
  // A live view, not a recording: a player that never chased the live edge would fall ever further behind the camera.
  assert.ok(median < 30_000, `the view runs ${median} ms behind the camera`);
});
