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

test('object filters: the camera\'s own and the server-wide ones (read on every frame) drop detections before tracking', async () => {
  const { FrameLoop } = await import('./frame-loop.ts');
  const { analyticsConfigSchema } = await import('../config/schema/root.ts');
  type Filters = import('../core/object-filter.ts').ObjectFilters;
  // Source and model input the same size, so boxes come back as the pool gives them.
  const size = { width: 100, height: 100 };
  const raw = [
    { class: 'person' as const, score: 0.9, box: { x: 0, y: 0, w: 20, h: 20 } },
    { class: 'person' as const, score: 0.4, box: { x: 50, y: 50, w: 20, h: 20 } },
    { class: 'car' as const, score: 0.9, box: { x: 0, y: 60, w: 5, h: 5 } },
  ];
  const pool = {
    traits: { name: 'fixed', inputWidth: 100, inputHeight: 100, classes: ['person', 'car'] as const },
    size: 1,
    pending: () => 0,
    detect: () => Promise.resolve({ detections: raw.map((d) => ({ ...d })), ms: 1 }),
    close: () => Promise.resolve(),
  };
  let serverWide: Filters = {};
  const config = analyticsConfigSchema.parse({ detect: { motion: { enabled: false }, filters: { car: { minArea: 0.01 } } } });
  const loop = new FrameLoop({ config, pool, sourceSize: size, analysedFps: 5, objectFilters: () => serverWide });
  async function* frames(): AsyncGenerator<import('../ingest/frame-source.ts').Frame> {
    for (let i = 1; i <= 3; i++) yield { index: i, time: i / 5, width: 100, height: 100, data: new Uint8Array(100 * 100 * 3) };
  }
  const seen: string[][] = [];
  for await (const r of loop.run(frames())) {
    seen.push(r.detections.map((d) => `${d.class}@${d.score}`));
    // From the second frame on, people under 0.5 are dropped server-wide.
    serverWide = { person: { minScore: 0.5 } };
  }
  assert.deepEqual(seen, [['person@0.9', 'person@0.4'], ['person@0.9'], ['person@0.9']]);
});

test('adaptive detection: a settled scene is detected every other frame, its tracks carried on the motion model between; a change brings every frame back', async () => {
  const { FrameLoop } = await import('./frame-loop.ts');
  const { analyticsConfigSchema } = await import('../config/schema/root.ts');
  const size = { width: 400, height: 400 };
  // One person walking right 4 px a frame, far from the line; a second appears at frame 20.
  const person = (i: number) => ({ class: 'person' as const, score: 0.9, box: { x: 50 + 4 * i, y: 50, w: 20, h: 40 } });
  const calls: number[] = [];
  let frame = 0;
  const pool = {
    traits: { name: 'fixed', inputWidth: 400, inputHeight: 400, classes: ['person'] as const },
    size: 1,
    pending: () => 0,
    detect: () => {
      calls.push(frame);
      const d = [person(frame)];
      if (frame >= 20) d.push({ class: 'person' as const, score: 0.9, box: { x: 300, y: 300, w: 20, h: 40 } });
      return Promise.resolve({ detections: d, ms: 1 });
    },
    close: () => Promise.resolve(),
  };
  const config = analyticsConfigSchema.parse({ detect: { motion: { enabled: false }, adaptive: { enabled: true } }, lines: [{ name: 'far', points: [[0, 380], [100, 380]], inside: [50, 390], classes: ['person'] }] });
  const loop = new FrameLoop({ config, pool, sourceSize: size, analysedFps: 5 });
  async function* frames(): AsyncGenerator<import('../ingest/frame-source.ts').Frame> {
    for (let i = 1; i <= 30; i++) {
      frame = i;
      yield { index: i, time: i / 5, width: 400, height: 400, data: new Uint8Array(400 * 400 * 3) };
    }
  }
  const results: import('./frame-loop.ts').FrameResult[] = [];
  for await (const r of loop.run(frames())) results.push(r);
  assert.equal(results.length, 30, 'one result per frame');
  const skipped = results.filter((r) => !r.detected).map((r) => r.index);
  // The first frames (a new track) are all detected; once settled, every other one; the newcomer at 20 brings every frame back for a while.
  assert.deepEqual(skipped.filter((i) => i < 20).slice(0, 3), [5, 7, 9]);
  assert.ok(!skipped.includes(20) && !skipped.includes(21) && !skipped.includes(22), `frames after the newcomer are detected: skipped ${skipped.join(',')}`);
  // A skipped frame still reports the walking person, where it walked to.
  for (const i of skipped) {
    const r = results[i - 1]!;
    const t = r.tracks.find((x) => x.id === 1);
    assert.ok(t !== undefined, `frame ${i} reports track 1`);
    assert.equal(t.observed, false);
    assert.ok(Math.abs(t.box.x - person(i).box.x) < 3, `frame ${i}: predicted x ${t.box.x.toFixed(1)} near ${person(i).box.x}`);
  }
  assert.equal(calls.length, 30 - skipped.length);
});

test('recycle: the loop hands back the buffer the detector returned, and the own buffer of a frame it did not detect, once each', async () => {
  const { FrameLoop } = await import('./frame-loop.ts');
  const { analyticsConfigSchema } = await import('../config/schema/root.ts');
  const size = { width: 64, height: 48 };
  const returned: ArrayBuffer[] = [];
  const pool = {
    traits: { name: 'fixed', inputWidth: 64, inputHeight: 48, classes: ['person'] as const },
    size: 1,
    pending: () => 0,
    detect: () => {
      const b = new ArrayBuffer(64 * 48 * 3);
      returned.push(b);
      return Promise.resolve({ detections: [], ms: 1, buffer: b });
    },
    close: () => Promise.resolve(),
  };
  const run = async (motion: boolean): Promise<{ recycled: ArrayBuffer[]; own: ArrayBuffer[] }> => {
    returned.length = 0;
    const recycled: ArrayBuffer[] = [];
    const own: ArrayBuffer[] = [];
    const config = analyticsConfigSchema.parse({ detect: { motion: { enabled: motion } } });
    const loop = new FrameLoop({ config, pool, sourceSize: size, analysedFps: 5, recycle: (b) => recycled.push(b) });
    async function* frames(): AsyncGenerator<import('../ingest/frame-source.ts').Frame> {
      // The same grey picture every frame: nothing moves after the first.
      for (let i = 1; i <= 12; i++) {
        const data = new Uint8Array(64 * 48 * 3).fill(128);
        own.push(data.buffer);
        yield { index: i, time: i / 5, ...size, data };
      }
    }
    for await (const r of loop.run(frames())) assert.ok(r.index > 0);
    return { recycled, own };
  };
  const all = await run(false);
  assert.deepEqual(all.recycled, returned, 'every frame detected: each buffer the detector handed back, in order');
  assert.equal(new Set(all.recycled).size, 12);
  const gated = await run(true);
  const detectedCount = returned.length;
  assert.ok(detectedCount >= 1 && detectedCount < 12, `the motion gate let ${detectedCount} of 12 still frames through`);
  assert.equal(gated.recycled.length, 12, 'one buffer back per frame');
  assert.equal(new Set(gated.recycled).size, 12, 'none twice');
  const fromOwn = gated.recycled.filter((b) => gated.own.includes(b));
  assert.equal(fromOwn.length, 12 - detectedCount, 'the frames not detected give their own buffers back');
  assert.deepEqual(gated.recycled.filter((b) => !gated.own.includes(b)), returned);
});
