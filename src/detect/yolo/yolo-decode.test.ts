import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ObjectClass } from '../../core/detection.ts';
import { SightlineError } from '../../core/errors.ts';
import type { DetectOptions, RawDetection } from '../detector.ts';
import {
  boxToFrame,
  decodeYolo,
  letterboxGeometry,
  letterboxImage,
  mapClassNames,
  resolveLayout,
  toNchw,
  type ResolvedLayout,
  type YoloLayout,
  type YoloLayoutOption,
} from './yolo-decode.ts';

/** A toy model's class names: index 2 is no Sightline class. */
const NAMES = ['person', 'car', 'dog', 'Motorbike'];
const CLASS_MAP = mapClassNames(NAMES);
const INPUT = { width: 64, height: 64 };
const OPTIONS: DetectOptions = { minScore: 0.3, classes: ['person', 'car', 'motorcycle'], nmsIou: 0.5, maxDetections: 10 };

/** One candidate: centre-size box, objectness (YOLOv5 only) and one score per class. */
interface Row {
  readonly box: readonly [cx: number, cy: number, w: number, h: number];
  readonly obj?: number;
  readonly scores: readonly number[];
}

/** Lays rows out as a model would: values per box after the box (and objectness), transposed or not. */
function tensor(rows: readonly Row[], layout: YoloLayout, channelsFirst: boolean): { data: Float32Array; layout: ResolvedLayout } {
  const values = rows.map((r) => (layout === 'ultralytics' ? [...r.box, ...r.scores] : [...r.box, r.obj ?? 1, ...r.scores]));
  const stride = values[0]!.length;
  const n = rows.length;
  const data = new Float32Array(n * stride);
  values.forEach((v, i) => v.forEach((x, k) => (data[channelsFirst ? k * n + i : i * stride + k] = x)));
  return { data, layout: { layout, boxes: n, classes: NAMES.length, stride, channelsFirst } };
}

const box = (x: number, y: number, w: number, h: number): RawDetection['box'] => ({ x, y, w, h });
const det = (cls: ObjectClass, score: number, b: RawDetection['box']): RawDetection => ({ box: b, score, class: cls });

describe('mapClassNames', () => {
  test('maps Sightline names and synonyms, case and separators aside, and drops the rest', () => {
    assert.deepEqual(mapClassNames(['person', 'Car', 'dog', 'motorbike', 'motor_bike', ' Pedestrian ', 'lorry', 'traffic light', 'bus', 'truck']), [
      'person', 'car', undefined, 'motorcycle', 'motorcycle', 'person', 'truck', undefined, 'bus', 'truck',
    ]);
  });
});

describe('resolveLayout', () => {
  const ok: [readonly number[], number, YoloLayoutOption, Omit<ResolvedLayout, 'classes'>][] = [
    [[1, 84, 8400], 80, 'auto', { layout: 'ultralytics', boxes: 8400, stride: 84, channelsFirst: true }],
    [[1, 8400, 84], 80, 'auto', { layout: 'ultralytics', boxes: 8400, stride: 84, channelsFirst: false }],
    [[1, 25200, 85], 80, 'auto', { layout: 'yolov5', boxes: 25200, stride: 85, channelsFirst: false }],
    [[1, 8400, 85], 80, 'yolox', { layout: 'yolox', boxes: 8400, stride: 85, channelsFirst: false }],
    [[1, 84, 8400], 80, 'ultralytics', { layout: 'ultralytics', boxes: 8400, stride: 84, channelsFirst: true }],
    [[1, 8400, 84], 80, 'ultralytics', { layout: 'ultralytics', boxes: 8400, stride: 84, channelsFirst: false }],
    [[1, 9, 8400], 5, 'auto', { layout: 'ultralytics', boxes: 8400, stride: 9, channelsFirst: true }],
  ];
  for (const [dims, nc, layout, want] of ok) {
    test(`[${dims.join(', ')}] with ${nc} classes as ${layout} is ${want.layout}${want.channelsFirst ? '' : ', rows'}`, () => {
      assert.deepEqual(resolveLayout(dims, nc, layout), { ok: true, value: { ...want, classes: nc } });
    });
  }

  const bad: [readonly number[], number, YoloLayoutOption, string, RegExp][] = [
    [[1, 9, 8400], 80, 'auto', 'CONFIG_INVALID', /lists 80 names.*scores 5 \(as ultralytics/],
    [[1, 25200, 85], 10, 'auto', 'CONFIG_INVALID', /scores 81 \(as ultralytics \[1, N, 4\+nc\]\) or 80 \(as yolov5/],
    [[1, 25200, 85], 80, 'ultralytics', 'CONFIG_INVALID', /scores 81 \(as ultralytics/],
    [[1, 84, 8400], 80, 'yolov5', 'DETECTOR_FAILED', /fits no YOLO layout: not a yolov5 output/],
    [[8400, 84], 80, 'auto', 'DETECTOR_FAILED', /fits no YOLO layout/],
    [[2, 84, 8400], 80, 'auto', 'DETECTOR_FAILED', /fits no YOLO layout/],
    [[1, 3, 100], 80, 'auto', 'DETECTOR_FAILED', /too few values per box/],
    [[1, 0, 84], 80, 'auto', 'DETECTOR_FAILED', /not a positive integer/],
  ];
  for (const [dims, nc, layout, code, message] of bad) {
    test(`[${dims.join(', ')}] with ${nc} classes as ${layout} fails with ${code}`, () => {
      const r = resolveLayout(dims, nc, layout);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.ok(r.error instanceof SightlineError);
      assert.equal(r.error.code, code);
      assert.match(r.error.message, message);
    });
  }
});

describe('decodeYolo', () => {
  // Scores are dyadic fractions, so float32 holds them (and their products) exactly.
  const rows: Row[] = [
    { box: [20, 30, 10, 20], scores: [0.875, 0, 0, 0] }, // person
    { box: [21, 30, 10, 20], scores: [0.75, 0, 0, 0] }, // same person, weaker: NMS drops it
    { box: [20, 30, 10, 20], scores: [0, 0.5, 0, 0] }, // a car on the person: another class, kept
    { box: [40, 10, 8, 8], scores: [0.25, 0, 0, 0] }, // below minScore
    { box: [40, 40, 8, 8], scores: [0.5, 0, 0.875, 0] }, // best class is dog: dropped, not demoted to person
    { box: [60, 60, 20, 20], scores: [0, 0, 0, 0.625] }, // motorbike reaching out of the input: clipped
    { box: [80, 80, 10, 10], scores: [0.875, 0, 0, 0] }, // wholly outside: dropped
  ];
  const expected = [det('person', 0.875, box(15, 20, 10, 20)), det('motorcycle', 0.625, box(50, 50, 14, 14)), det('car', 0.5, box(15, 20, 10, 20))];

  for (const channelsFirst of [true, false]) {
    test(`ultralytics ${channelsFirst ? '[1, 4+nc, N]' : '[1, N, 4+nc]'}: threshold, best class, clip, per-class NMS, best first`, () => {
      const t = tensor(rows, 'ultralytics', channelsFirst);
      assert.deepEqual(decodeYolo(t.data, t.layout, CLASS_MAP, INPUT, OPTIONS), expected);
    });
  }

  for (const layout of ['yolov5', 'yolox'] as const) {
    test(`${layout}: score is objectness times class score, and both must clear the threshold`, () => {
      const t = tensor(
        [
          { box: [20, 30, 10, 20], obj: 1, scores: [0.875, 0, 0, 0] },
          { box: [40, 10, 8, 8], obj: 0.5, scores: [0, 0.75, 0, 0] }, // 0.375
          { box: [10, 50, 8, 8], obj: 0.25, scores: [1, 0, 0, 0] }, // 0.25: dropped
          { box: [50, 20, 8, 8], obj: 0.75, scores: [0.5, 0, 0, 0] }, // 0.375
        ],
        layout,
        false,
      );
      assert.deepEqual(decodeYolo(t.data, t.layout, CLASS_MAP, INPUT, OPTIONS), [
        det('person', 0.875, box(15, 20, 10, 20)),
        det('car', 0.375, box(36, 6, 8, 8)),
        det('person', 0.375, box(46, 16, 8, 8)),
      ]);
    });
  }

  test('honours the class filter and maxDetections', () => {
    const t = tensor(rows, 'ultralytics', true);
    assert.deepEqual(decodeYolo(t.data, t.layout, CLASS_MAP, INPUT, { ...OPTIONS, classes: ['car', 'person'] }), [expected[0], expected[2]]);
    assert.deepEqual(decodeYolo(t.data, t.layout, CLASS_MAP, INPUT, { ...OPTIONS, maxDetections: 1 }), [expected[0]]);
  });

  test('rejects an output smaller than its layout', () => {
    const t = tensor(rows, 'ultralytics', true);
    assert.throws(() => decodeYolo(t.data.subarray(1), t.layout, CLASS_MAP, INPUT, OPTIONS), RangeError);
  });
});

describe('letterbox', () => {
  const cases: [frame: [number, number], input: [number, number], align: 'center' | 'top-left', content: [number, number], pad: [number, number]][] = [
    [[1920, 1080], [640, 640], 'center', [640, 360], [0, 140]],
    [[1920, 1080], [640, 640], 'top-left', [640, 360], [0, 0]],
    [[1080, 1920], [640, 640], 'center', [360, 640], [140, 0]],
    [[300, 200], [64, 64], 'center', [64, 43], [0, 10]], // odd padding: the extra row goes to the bottom, as Ultralytics does
    [[300, 200], [64, 64], 'top-left', [64, 42], [0, 0]], // YOLOX truncates
    [[64, 64], [64, 64], 'center', [64, 64], [0, 0]],
    [[32, 16], [640, 384], 'center', [640, 320], [0, 32]], // scales up, rectangular input
  ];
  for (const [[fw, fh], [iw, ih], align, [cw, ch], [px, py]] of cases) {
    test(`${fw}x${fh} into ${iw}x${ih} (${align}) fills ${cw}x${ch} at ${px},${py}`, () => {
      const g = letterboxGeometry({ width: fw, height: fh }, { width: iw, height: ih }, align);
      assert.deepEqual([g.content.width, g.content.height, g.padX, g.padY], [cw, ch, px, py]);
    });
  }

  test('a uniform frame becomes its colour inside the content and 114 grey (or the given value) around it', () => {
    const frame = { width: 8, height: 4, data: new Uint8Array(8 * 4 * 3).fill(200) };
    const { image, geometry } = letterboxImage(frame, { width: 8, height: 8 });
    assert.deepEqual([geometry.padY, geometry.content.height], [2, 4]);
    const rowValues = (img: { data: Uint8Array }, y: number): number[] => [...new Set(img.data.subarray(y * 24, y * 24 + 24))];
    assert.deepEqual([0, 1, 2, 5, 6, 7].map((y) => rowValues(image, y)), [[114], [114], [200], [200], [114], [114]]);
    const black = letterboxImage(frame, { width: 8, height: 8 }, { align: 'top-left', padValue: 0 }).image;
    assert.deepEqual([0, 3, 4, 7].map((y) => rowValues(black, y)), [[200], [200], [0], [0]]);
  });

  test('scales bilinearly with half-pixel centres, like OpenCV INTER_LINEAR', () => {
    // Two pixels, 0 and 100 in every channel, doubled to four: 0, 25, 75, 100.
    const frame = { width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 100, 100, 100]) };
    const { image } = letterboxImage(frame, { width: 4, height: 2 });
    assert.deepEqual([...image.data.subarray(0, 12)], [0, 0, 0, 25, 25, 25, 75, 75, 75, 100, 100, 100]);
    const same = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };
    assert.deepEqual(letterboxImage(same, { width: 3, height: 2 }).image.data, same.data);
  });

  test('maps boxes back to frame pixels, clipping to the frame and dropping boxes in the padding', () => {
    const g = letterboxGeometry({ width: 1920, height: 1080 }, { width: 640, height: 640 });
    assert.deepEqual(boxToFrame(box(100, 140 + 50, 30, 60), g), box(300, 150, 90, 180));
    assert.deepEqual(boxToFrame(box(600, 100, 100, 100), g), box(1800, 0, 120, 180));
    assert.equal(boxToFrame(box(10, 10, 50, 100), g), undefined);
  });

  test('rejects a frame whose data is not width*height*3 bytes', () => {
    assert.throws(() => letterboxImage({ width: 2, height: 2, data: new Uint8Array(11) }, INPUT), RangeError);
  });
});

describe('toNchw', () => {
  const image = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) };
  const cases: ['0-1' | '0-255', 'rgb' | 'bgr', number[]][] = [
    ['0-255', 'rgb', [10, 40, 20, 50, 30, 60]],
    ['0-255', 'bgr', [30, 60, 20, 50, 10, 40]],
    ['0-1', 'rgb', [10, 40, 20, 50, 30, 60].map((v) => v / 255)],
  ];
  for (const [normalize, channelOrder, want] of cases) {
    test(`${normalize} ${channelOrder}`, () => {
      assert.deepEqual(toNchw(image, { normalize, channelOrder }), Float32Array.from(want));
    });
  }

  test('writes into a given buffer and rejects mismatched sizes', () => {
    const out = new Float32Array(6);
    assert.equal(toNchw(image, { normalize: '0-255', channelOrder: 'rgb' }, out), out);
    assert.throws(() => toNchw(image, { normalize: '0-1', channelOrder: 'rgb' }, new Float32Array(5)), RangeError);
    assert.throws(() => toNchw({ ...image, width: 3 }, { normalize: '0-1', channelOrder: 'rgb' }), RangeError);
  });
});
