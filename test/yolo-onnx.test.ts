import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { COCO_CLASS_NAMES } from '../src/core/coco.ts';
import type { ObjectClass } from '../src/core/detection.ts';
import { SightlineError, type ErrorCode } from '../src/core/errors.ts';
import type { DetectOptions, Detector, RawDetection } from '../src/detect/detector.ts';
import type { YoloLayoutOption } from '../src/detect/yolo/yolo-decode.ts';
import { createYoloOnnx, detectInFrame, type YoloOnnxOptions } from '../src/detect/yolo/yolo-onnx.ts';

// onnx-proto is CommonJS; Node exposes its namespace on the default export only.
const { onnx } = onnxProto;

const COCO: readonly string[] = COCO_CLASS_NAMES;
const DOG = COCO.indexOf('dog');
const OPTIONS: DetectOptions = { minScore: 0.3, classes: ['person', 'car', 'bus'], nmsIou: 0.5, maxDetections: 100 };

/** One candidate the fake model emits: centre-size box in input pixels, objectness (row layouts only) and class scores by index. */
interface Candidate {
  readonly box: readonly [cx: number, cy: number, w: number, h: number];
  readonly obj?: number;
  readonly scores: Readonly<Record<number, number>>;
}

// Dyadic scores survive float32 exactly. Boxes are in the 64x64 input.
const CANDIDATES: Candidate[] = [
  { box: [20, 30, 10, 20], scores: { 0: 0.875 } }, // person
  { box: [21, 30, 10, 20], scores: { 0: 0.75 } }, // same person, weaker: NMS drops it
  { box: [20, 30, 10, 20], scores: { 2: 0.5 } }, // car on the person: other class, kept
  { box: [40, 10, 8, 8], scores: { 0: 0.25 } }, // under the threshold
  { box: [40, 40, 8, 8], scores: { 0: 0.5, [DOG]: 0.875 } }, // a dog: dropped
  { box: [60, 60, 20, 20], obj: 1, scores: { 5: 0.625 } }, // bus reaching out of the input: clipped
  // Real models emit thousands of candidates; pad to more candidates than values per candidate, as they do.
  ...Array.from({ length: 94 }, (): Candidate => ({ box: [0, 0, 0, 0], scores: {} })),
];
const EXPECTED: RawDetection[] = [
  { box: { x: 15, y: 20, w: 10, h: 20 }, score: 0.875, class: 'person' },
  { box: { x: 50, y: 50, w: 14, h: 14 }, score: 0.625, class: 'bus' },
  { box: { x: 15, y: 20, w: 10, h: 20 }, score: 0.5, class: 'car' },
];

type Form = 'ultralytics' | 'ultralytics-rows' | 'yolov5';

/** The output tensor a YOLO model of the given form would produce for these candidates. */
function yoloOutput(candidates: readonly Candidate[], form: Form, classes = COCO.length): { dims: number[]; data: Float32Array } {
  const rows = candidates.map((c) => {
    const scores = Array.from({ length: classes }, (_, k) => c.scores[k] ?? 0);
    return form === 'yolov5' ? [...c.box, c.obj ?? 1, ...scores] : [...c.box, ...scores];
  });
  const stride = rows[0]!.length;
  const n = rows.length;
  const data = new Float32Array(n * stride);
  rows.forEach((r, i) => r.forEach((v, k) => (data[form === 'ultralytics' ? k * n + i : i * stride + k] = v)));
  return { dims: form === 'ultralytics' ? [1, stride, n] : [1, n, stride], data };
}

/**
 * A tiny ONNX model: input `images` [1, 3, 64, 64] (or symbolic), output `output0` = a constant YOLO
 * tensor + 0 * mean(images), so the output depends on the input and onnxruntime cannot drop it.
 */
function fakeYoloModel(output: { dims: number[]; data: Float32Array }, inputDims: readonly (number | string)[] = [1, 3, 64, 64]): Uint8Array {
  const floatType = (dims: readonly (number | string)[]): OnnxTypes.ITypeProto => ({
    tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
  });
  const constant = (name: string, dims: number[], data: Float32Array): OnnxTypes.INodeProto => ({
    opType: 'Constant',
    output: [name],
    attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) } }],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'sightline-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'fake-yolo',
      node: [
        constant('raw', output.dims, output.data),
        constant('zero', [], Float32Array.of(0)),
        { opType: 'ReduceMean', input: ['images'], output: ['mean'], attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { opType: 'Mul', input: ['mean', 'zero'], output: ['nothing'] },
        { opType: 'Add', input: ['raw', 'nothing'], output: ['output0'] },
      ],
      input: [{ name: 'images', type: floatType(inputDims) }],
      output: [{ name: 'output0', type: floatType(output.dims) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sightline-yolo-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function modelFile(bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, `model-${++files}.onnx`);
  await writeFile(file, bytes);
  return file;
}

const grey = (d: Detector, value = 128): { width: number; height: number; data: Uint8Array } => ({
  width: d.traits.inputWidth,
  height: d.traits.inputHeight,
  data: new Uint8Array(d.traits.inputWidth * d.traits.inputHeight * 3).fill(value),
});

/** Loads a detector, runs `check` on it, and always frees it. */
async function withDetector(options: YoloOnnxOptions, check: (d: Detector) => Promise<void>): Promise<void> {
  const d = await createYoloOnnx(options);
  try {
    await check(d);
  } finally {
    await d.dispose();
  }
}

describe('createYoloOnnx: end to end on a fake model', () => {
  const forms: [Form, YoloLayoutOption, string][] = [
    ['ultralytics', 'auto', 'yolo-onnx-ultralytics'],
    ['ultralytics-rows', 'auto', 'yolo-onnx-ultralytics'],
    ['yolov5', 'auto', 'yolo-onnx-yolov5'],
    ['yolov5', 'yolox', 'yolo-onnx-yolox'],
  ];
  for (const [form, layout, name] of forms) {
    test(`${form} output as ${layout}: exactly the expected boxes after threshold, best class, clip and NMS`, async () => {
      const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, form)));
      await withDetector({ modelPath, classNames: COCO, layout }, async (d) => {
        assert.ok(d.traits.name.startsWith(`${name}:`), d.traits.name);
        assert.deepEqual(await d.detect(grey(d), OPTIONS), EXPECTED);
      });
    });
  }

  test('objectness multiplies the class score in the yolov5 layout', async () => {
    const candidates: Candidate[] = [
      { box: [20, 30, 10, 20], obj: 0.5, scores: { 0: 0.75 } },
      { box: [40, 40, 8, 8], obj: 0.25, scores: { 2: 1 } },
    ];
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(candidates, 'yolov5')));
    await withDetector({ modelPath, classNames: COCO }, async (d) => {
      assert.deepEqual(await d.detect(grey(d), OPTIONS), [{ box: { x: 15, y: 20, w: 10, h: 20 }, score: 0.375, class: 'person' }]);
    });
  });

  test('obeys the generic Detector contract: traits, filters, order, bounds, determinism', async () => {
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, 'ultralytics')));
    await withDetector({ modelPath, classNames: COCO, normalize: '0-255', channelOrder: 'bgr', intraOpNumThreads: 2 }, async (d) => {
      const t = d.traits;
      assert.deepEqual([t.inputWidth, t.inputHeight], [64, 64]);
      assert.deepEqual(t.classes, ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] satisfies ObjectClass[]);
      const image = grey(d);
      const found = await d.detect(image, OPTIONS);
      for (const x of found) {
        assert.ok(x.score >= OPTIONS.minScore && x.score <= 1 && OPTIONS.classes.includes(x.class));
        assert.ok(x.box.x >= 0 && x.box.y >= 0 && x.box.w > 0 && x.box.h > 0 && x.box.x + x.box.w <= 64 && x.box.y + x.box.h <= 64);
      }
      for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.score >= found[i]!.score, 'not sorted best first');
      assert.deepEqual(await d.detect(image, OPTIONS), found, 'same input, different output');
      assert.deepEqual(await d.detect(image, { ...OPTIONS, maxDetections: 2 }), found.slice(0, 2));
      assert.deepEqual(await d.detect(image, { ...OPTIONS, minScore: 0.6 }), found.filter((x) => x.score >= 0.6));
      assert.deepEqual(await d.detect(image, { ...OPTIONS, classes: ['car'] }), found.filter((x) => x.class === 'car'));
    });
  });

  test('rejects an image of the wrong size', async () => {
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, 'ultralytics')));
    await withDetector({ modelPath, classNames: COCO }, async (d) => {
      await assert.rejects(d.detect({ width: 65, height: 64, data: new Uint8Array(65 * 64 * 3) }, OPTIONS), RangeError);
    });
  });

  test('finds nothing confident in a flat grey image when the model scores everything low', async () => {
    const low: Candidate[] = [{ box: [32, 32, 16, 16], scores: { 0: 0.125, 2: 0.25 } }, { box: [10, 10, 8, 8], scores: { 5: 0.0625 } }];
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(low, 'ultralytics')));
    await withDetector({ modelPath, classNames: COCO }, async (d) => {
      const found = await d.detect(grey(d), OPTIONS);
      assert.equal(found.filter((x) => x.score >= 0.5).length, 0);
      assert.deepEqual(found, []);
    });
  });

  test('a model with a symbolic input size takes the configured size, height following width', async () => {
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, 'ultralytics'), ['batch', 3, 'height', 'width']));
    await withDetector({ modelPath, classNames: COCO, inputWidth: 64 }, async (d) => {
      assert.deepEqual([d.traits.inputWidth, d.traits.inputHeight], [64, 64]);
      assert.deepEqual(await d.detect(grey(d), OPTIONS), EXPECTED);
    });
    await withDetector({ modelPath, classNames: COCO }, async (d) => {
      assert.deepEqual([d.traits.inputWidth, d.traits.inputHeight], [640, 640]);
    });
  });

  test('detectInFrame letterboxes a frame of another size and maps boxes back to it', async () => {
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, 'ultralytics')));
    await withDetector({ modelPath, classNames: COCO }, async (d) => {
      // 128x64 fills 64x32 of the input, 16 rows of padding above: input (x, y) is frame (2x, 2(y - 16)).
      const frame = { width: 128, height: 64, data: new Uint8Array(128 * 64 * 3).fill(90) };
      assert.deepEqual(await detectInFrame(d, frame, OPTIONS), [
        { box: { x: 30, y: 8, w: 20, h: 40 }, score: 0.875, class: 'person' },
        { box: { x: 30, y: 8, w: 20, h: 40 }, score: 0.5, class: 'car' },
      ]);
    });
  });
});

describe('createYoloOnnx: clear errors', () => {
  async function rejectsWith(options: YoloOnnxOptions, code: ErrorCode, message: RegExp): Promise<void> {
    await assert.rejects(createYoloOnnx(options), (e: unknown) => {
      assert.ok(e instanceof SightlineError, String(e));
      assert.equal(e.code, code);
      assert.match(e.message, message);
      return true;
    });
  }

  test('a missing model file', async () => {
    await rejectsWith({ modelPath: path.join(dir, 'nope.onnx'), classNames: COCO }, 'CONFIG_INVALID', /nope\.onnx does not exist/);
  });

  test('a file that is not an ONNX model', async () => {
    const modelPath = await modelFile('this is not a model\n');
    await rejectsWith({ modelPath, classNames: COCO }, 'DETECTOR_FAILED', /is not an ONNX model/);
  });

  test('class names that do not match the model\'s class count', async () => {
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, 'ultralytics')));
    await rejectsWith({ modelPath, classNames: COCO.slice(0, 79) }, 'CONFIG_INVALID', /classNames lists 79 names.*\[1, 84, 100\] scores 80 /);
  });

  test('an output shape that fits no layout', async () => {
    const modelPath = await modelFile(fakeYoloModel({ dims: [1, 3, 4], data: new Float32Array(12) }));
    await rejectsWith({ modelPath, classNames: COCO }, 'DETECTOR_FAILED', /output \[1, 3, 4\] fits no YOLO layout/);
  });

  test('an input size that contradicts the model\'s fixed one', async () => {
    const modelPath = await modelFile(fakeYoloModel(yoloOutput(CANDIDATES, 'ultralytics')));
    await rejectsWith({ modelPath, classNames: COCO, inputWidth: 32 }, 'CONFIG_INVALID', /inputWidth is 32.*fixed input width of 64/);
  });

  const configs: [string, Partial<YoloOnnxOptions>, RegExp][] = [
    ['no class names', { classNames: [] }, /classNames is empty/],
    ['no Sightline class among the names', { classNames: ['cat', 'dog'] }, /none of the model's 2 class names/],
    ['a fractional thread count', { intraOpNumThreads: 1.5 }, /intraOpNumThreads must be a positive integer/],
  ];
  for (const [what, options, message] of configs) {
    test(what, async () => {
      await rejectsWith({ modelPath: path.join(dir, 'unused.onnx'), classNames: COCO, ...options }, 'CONFIG_INVALID', message);
    });
  }
});
