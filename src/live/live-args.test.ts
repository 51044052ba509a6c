import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveDecodeArgs } from './live-args.ts';
import { RateWindow } from './rate-window.ts';

test('a file camera loops at its own pace; a stream does not', () => {
  const file = liveDecodeArgs('clips/a.mp4', { fps: 5 });
  const i = file.indexOf('-i');
  assert.deepEqual(file.slice(i - 3, i + 2), ['-re', '-stream_loop', '-1', '-i', 'clips/a.mp4']);
  const rtsp = liveDecodeArgs('rtsp://127.0.0.1:8554/a', { fps: 5 });
  assert.ok(!rtsp.includes('-stream_loop'));
  assert.ok(rtsp.includes('-rtsp_transport'));
});

test('a live camera decodes with slice threads, set before its input', () => {
  for (const url of ['clips/a.mp4', 'rtsp://127.0.0.1:8554/a']) {
    const args = liveDecodeArgs(url, { fps: 5 });
    const at = args.indexOf('-thread_type');
    assert.ok(at >= 0 && at < args.indexOf('-i'), url);
    assert.equal(args[at + 1], 'slice');
  }
});

test('a rate window counts events per second over its width', () => {
  const w = new RateWindow(5000);
  for (let t = 0; t <= 4000; t += 200) w.add(t);
  assert.equal(w.rate(4000), 5);
  assert.equal(w.rate(20_000), 0);
});
