import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Track } from './detection.ts';
import { blockSize, carriedBoxes, DEFAULT_PLAN, headRect, pixelate, planRedaction, RedactionTimeline, toPixels, type SeenFrame } from './redaction.ts';

test('headRect covers the top third of a person box, padded beside and above', () => {
  const r = headRect({ x: 100, y: 50, w: 40, h: 100 });
  assert.ok(r.x < 100 && r.x + r.w > 140, 'wider than the box on both sides');
  assert.ok(r.y < 50, 'starts above the box');
  assert.ok(r.y + r.h >= 50 + 0.2 * 100, 'reaches below the top fifth of the box');
  assert.ok(r.y + r.h <= 50 + 0.4 * 100, 'stops well above the middle of the body');
});

test('toPixels rounds outwards and clips to the frame, null when nothing is left', () => {
  assert.deepEqual(toPixels({ x: -3.5, y: 2.2, w: 10, h: 5.1 }, 100, 100), { x: 0, y: 2, w: 7, h: 6 });
  assert.deepEqual(toPixels({ x: 95.5, y: 95, w: 10, h: 10 }, 100, 100), { x: 95, y: 95, w: 5, h: 5 });
  assert.equal(toPixels({ x: 120, y: 0, w: 10, h: 10 }, 100, 100), null);
});

test('pixelate leaves one colour per block, the mean of the block, and touches nothing outside the rectangle', () => {
  const width = 20;
  const height = 10;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const before = data.slice();
  const rect = { x: 2, y: 1, w: 16, h: 8 };
  pixelate(data, width, 1, rect, 8);
  for (const [bx, by] of [[2, 1], [10, 1]] as const) {
    let sum = 0;
    for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) sum += before[y * width + x]!;
    const mean = Math.round(sum / 64);
    for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) assert.equal(data[y * width + x], mean);
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= 2 && x < 18 && y >= 1 && y < 9;
      if (!inside) assert.equal(data[y * width + x], before[y * width + x], `pixel ${x},${y} outside changed`);
    }
  }
});

test('pixelate handles partial blocks at the edges and every channel', () => {
  const width = 5;
  const data = new Uint8Array(width * 3 * 3);
  for (let i = 0; i < data.length; i++) data[i] = i;
  pixelate(data, width, 3, { x: 0, y: 0, w: 5, h: 3 }, 8);
  for (let c = 0; c < 3; c++) {
    const values = new Set<number>();
    for (let p = 0; p < 15; p++) values.add(data[p * 3 + c]!);
    assert.equal(values.size, 1, `channel ${c} is one colour`);
  }
});

test('blockSize leaves at most about five blocks across a large region and never under 8 px', () => {
  assert.equal(blockSize({ x: 0, y: 0, w: 12, h: 10 }), 8);
  assert.equal(blockSize({ x: 0, y: 0, w: 200, h: 120 }), 40);
});

test('carriedBoxes bridges two analysed frames and grows boxes with the time since', () => {
  const box = { x: 10, y: 10, w: 20, h: 50 };
  const before = { time: 1, boxes: [box] };
  const after = { time: 1.2, boxes: [{ ...box, x: 30 }] };
  const mid = carriedBoxes(1.1, before, after);
  assert.equal(mid.length, 2);
  assert.ok(mid[0]!.w > box.w && mid[1]!.x < 30, 'both sides grown');
  assert.deepEqual(carriedBoxes(1, before, null), [box], 'on the analysed frame itself, the box as it is');
  assert.equal(carriedBoxes(5, before, null).length, 0, 'too far from any analysed frame');
});

test('with a clock slack, a recorded picture is hidden with the boxes of every analysed frame that close, a walking person covered whichever way the clocks differ', () => {
  const t = new RedactionTimeline();
  // A person walking right 100 px a second, analysed 5 times a second.
  for (let i = 0; i <= 20; i++) t.add({ time: i / 5, boxes: [{ x: 100 * (i / 5), y: 0, w: 20, h: 40 }] });
  const xs = (boxes: readonly { x: number }[] | null): number[] => (boxes ?? []).map((b) => Math.round(b.x)).sort((a, b) => a - b);
  // Without slack: the boxes of the two frames around 2.1 s, grown a little.
  assert.equal(t.boxesAt(2.1)?.length, 2);
  // With 0.6 s of slack: every frame from 1.5 to 2.7 s as well, so the person's box at 1.6 or 2.6 s is among them.
  const slack = xs(t.boxesAt(2.1, undefined, 0.6));
  for (const x of [160, 180, 200, 220, 240, 260]) assert.ok(slack.includes(x), `the box at x ${x} is hidden (${slack.join(' ')})`);
  assert.ok(!slack.includes(140) && !slack.includes(280), 'and none further than the slack');
  assert.equal(t.boxesAt(9, undefined, 0.6), null, 'no analysed frame near: still null');
});

test('RedactionTimeline finds the analysed frames around a time and refuses frames out of order', () => {
  const t = new RedactionTimeline();
  t.add({ time: 0, boxes: [] });
  t.add({ time: 0.2, boxes: [{ x: 0, y: 0, w: 10, h: 10 }] });
  t.add({ time: 0.4, boxes: [] });
  assert.deepEqual(t.around(0.25), { before: { time: 0.2, boxes: [{ x: 0, y: 0, w: 10, h: 10 }] }, after: { time: 0.4, boxes: [] } });
  assert.equal(t.around(-1).before, null);
  assert.equal(t.around(9).after, null);
  assert.equal(t.boxesAt(0.3)?.length, 1);
  assert.equal(t.boxesAt(9), null, 'no analysed frame near: nothing says where the people are');
  t.dropBefore(0.2);
  assert.equal(t.around(0.1).before, null, 'frames before the window are forgotten');
  assert.equal(t.size, 2);
  assert.throws(() => t.add({ time: 0.1, boxes: [] }), /comes before/);
});

const person = (id: number, x: number, observed = true): Track => ({ id, class: 'person', box: { x, y: 0, w: 10, h: 30 }, score: 0.9, observed });

test('planRedaction bridges a gap in a track, extends it both ways and adds confident untracked detections', () => {
  const frames: SeenFrame[] = [];
  for (let i = 1; i <= 30; i++) {
    const tracks = i >= 10 && i <= 20 && i !== 15 ? [person(1, i)] : [];
    const detections = i === 25 ? [{ box: { x: 200, y: 0, w: 10, h: 30 }, score: 0.5, class: 'person' as const }, { box: { x: 300, y: 0, w: 10, h: 30 }, score: 0.1, class: 'person' as const }] : [];
    frames.push({ index: i, tracks, detections });
  }
  // The whole box, not its head, so that the boxes can be compared; no hold of detections.
  const plan = planRedaction(frames, { ...DEFAULT_PLAN, fps: 5, extendSeconds: 1, maxGapSeconds: 1, holdSeconds: 0, shape: { heightFraction: 1, padX: 0, padTop: 0 } });
  assert.equal(plan.get(15)?.length, 1, 'the gap at frame 15 is bridged');
  assert.ok(Math.abs(plan.get(15)![0]!.x - 15) < 1e-9, 'by interpolation');
  assert.equal(plan.get(5)?.length, 1, 'extended 5 frames (1 s) before');
  assert.equal(plan.get(4), undefined, 'not further');
  assert.equal(plan.get(25)?.length, 2, 'extended after, and the confident detection; the weak one left out');
  assert.ok(plan.get(5)![0]!.w > 10, 'a held box grows');
});

test('planRedaction with keepTrack hides everyone but that track, and detections on it', () => {
  const frames: SeenFrame[] = [1, 2, 3].map((index) => ({
    index,
    tracks: [person(1, 0), person(2, 100)],
    detections: [{ box: { x: 0, y: 0, w: 10, h: 30 }, score: 0.9, class: 'person' as const }, { box: { x: 100, y: 0, w: 10, h: 30 }, score: 0.9, class: 'person' as const }],
  }));
  const plan = planRedaction(frames, { ...DEFAULT_PLAN, fps: 5, keepTrack: 1 });
  for (const i of [1, 2, 3]) {
    const boxes = plan.get(i) ?? [];
    assert.ok(boxes.length > 0);
    assert.ok(boxes.every((b) => b.x > 50), `frame ${i}: only the other person is hidden`);
  }
});

test('planRedaction with keepTrack leaves a walking person visible: their detections, held to the frames around, never hide them', () => {
  // Track 1 walks 8 px a frame (its box is 10 px wide), detected every frame where it is; track 2 stands far away.
  const frames: SeenFrame[] = Array.from({ length: 9 }, (_, i) => ({
    index: i + 1,
    tracks: [person(1, 8 * i), person(2, 200)],
    detections: [{ box: { x: 8 * i, y: 0, w: 10, h: 30 }, score: 0.9, class: 'person' as const }, { box: { x: 200, y: 0, w: 10, h: 30 }, score: 0.9, class: 'person' as const }],
  }));
  const plan = planRedaction(frames, { ...DEFAULT_PLAN, fps: 10, holdSeconds: 0.2, keepTrack: 1 });
  for (let i = 1; i <= 9; i++) {
    const boxes = plan.get(i) ?? [];
    assert.ok(boxes.length > 0, `frame ${i}: the other person is hidden`);
    assert.ok(boxes.every((b) => b.x > 150), `frame ${i}: nothing hides the kept person (${JSON.stringify(boxes.filter((b) => b.x <= 150))})`);
  }
});

test('planRedaction hides the head part of each box and holds a detection for the frames around it', () => {
  const frames: SeenFrame[] = [1, 2, 3, 4, 5].map((index) => ({ index, tracks: [], detections: index === 3 ? [{ box: { x: 100, y: 100, w: 20, h: 60 }, score: 0.3, class: 'person' as const }] : [] }));
  const plan = planRedaction(frames, { ...DEFAULT_PLAN, fps: 10, holdSeconds: 0.1 });
  assert.deepEqual([...plan.keys()].sort(), [2, 3, 4], 'one frame before and after');
  const [rect] = plan.get(3)!;
  assert.deepEqual(rect, headRect({ x: 100, y: 100, w: 20, h: 60 }), 'the head part, not the whole body');
  assert.ok(plan.get(2)![0]!.w > rect!.w, 'held boxes grow');
});
