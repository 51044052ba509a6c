// Each TF op the converter handles, in a tiny in-memory TFJS model, run by tfjs-wasm and by onnxruntime.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadTfjsGraph } from '../../tfjs-graph.ts';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { type GraphModelFiles, tfjsWasmDir } from '../../model-files.ts';
import { ModelConvertError } from './convert-error.ts';
import { convertGraphModel } from './convert-graph-model.ts';
import { transposeData } from './layout.ts';
import { float16ToFloat32 } from './tf-weights.ts';

type Attr = Record<string, unknown>;
const s = (v: string): Attr => ({ s: Buffer.from(v).toString('base64') });
const ints = (v: readonly number[]): Attr => ({ list: { i: v.map(String) } });
const strs = (v: readonly string[]): Attr => ({ list: { s: v.map((x) => Buffer.from(x).toString('base64')) } });
const b = (v: boolean): Attr => ({ b: v });
const f = (v: number): Attr => ({ f: v });

interface Weight {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  /** Values, or the stored integers when quantised. */
  readonly values: readonly number[];
  readonly quantization?: { readonly dtype: 'uint8'; readonly min: number; readonly scale: number } | { readonly dtype: 'float16' };
}

interface TinyNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Attr;
}

/** A deterministic pseudo-random float in [-1, 1) for index i. */
function noise(i: number, seed = 1): number {
  const x = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

function randoms(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => noise(i, seed));
}

/** Builds a TFJS graph model (model.json + weights) from nodes and weights, with input `x` of `inputShape`. */
function tinyModel(inputShape: readonly number[], nodes: readonly TinyNode[], weights: readonly Weight[]): GraphModelFiles {
  const chunks: Uint8Array[] = [];
  for (const w of weights) {
    const q = w.quantization;
    if (q?.dtype === 'uint8') chunks.push(Uint8Array.from(w.values));
    else if (q?.dtype === 'float16') chunks.push(new Uint8Array(Uint16Array.from(w.values).buffer));
    else if (w.dtype === 'int32') chunks.push(new Uint8Array(Int32Array.from(w.values).buffer));
    else chunks.push(new Uint8Array(Float32Array.from(w.values).buffer));
  }
  const all = Buffer.concat(chunks);
  const constNodes = weights.map((w) => ({ name: w.name, op: 'Const', attr: { dtype: { type: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } } }));
  const placeholder = { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: inputShape.map((d) => ({ size: String(d) })) } } } };
  return {
    json: {
      format: 'graph-model',
      modelTopology: { node: [placeholder, ...constNodes, ...nodes], library: {}, versions: {} },
      weightsManifest: [{ paths: ['tiny.bin'], weights: weights.map(({ values: _v, ...spec }) => spec) }],
    },
    weights: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
  };
}

async function runTfjs(files: GraphModelFiles, input: Float32Array, shape: readonly number[], output: string): Promise<Float32Array> {
  const model = await loadTfjsGraph(files);
  const x = tf.tensor(input, [...shape]);
  const y = model.execute(x, output) as tf.Tensor;
  const data = Float32Array.from(await y.data());
  tf.dispose([x, y]);
  model.dispose();
  return data;
}

async function runOnnx(files: GraphModelFiles, input: Float32Array, shape: readonly number[], output: string): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const converted = convertGraphModel(files, { outputs: [output] });
  const session = await ort.InferenceSession.create(converted.onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const out = (await session.run({ x: new ort.Tensor('float32', input, [...shape]) }))[output];
  await session.release();
  assert.ok(out, `onnxruntime returned no ${output}`);
  assert.deepEqual(out.dims, converted.outputs[0]!.shape, 'the description gives the shape onnxruntime returns');
  return { data: out.data as Float32Array, dims: out.dims };
}

/** Converts the tiny model, runs both runtimes on a pseudo-random input and asserts they agree. */
async function agree(inputShape: readonly number[], nodes: readonly TinyNode[], weights: readonly Weight[] = [], tolerance = 1e-5): Promise<void> {
  const files = tinyModel(inputShape, nodes, weights);
  const input = Float32Array.from(randoms(inputShape.reduce((a, c) => a * c, 1), 7));
  const output = nodes[nodes.length - 1]!.name;
  const expected = await runTfjs(files, input, inputShape, output);
  const actual = await runOnnx(files, input, inputShape, output);
  assert.equal(actual.data.length, expected.length, 'element counts');
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `max |onnx - tfjs| = ${worst} > ${tolerance}`);
}

const w = (name: string, shape: readonly number[], seed: number): Weight => ({
  name,
  dtype: 'float32',
  shape,
  values: randoms(shape.reduce((a, c) => a * c, 1), seed),
});
const i32 = (name: string, values: readonly number[], shape: readonly number[] = [values.length]): Weight => ({ name, dtype: 'int32', shape, values });

before(async () => {
  setWasmPaths(tfjsWasmDir());
  assert.ok(await tf.setBackend('wasm'));
  await tf.ready();
});

describe('converter helpers', () => {
  test('float16 decoding covers normals, subnormals and infinity', () => {
    assert.equal(float16ToFloat32(0x3c00), 1);
    assert.equal(float16ToFloat32(0xc000), -2);
    assert.equal(float16ToFloat32(0x7bff), 65504);
    assert.equal(float16ToFloat32(0x0001), 2 ** -24);
    assert.equal(float16ToFloat32(0x7c00), Infinity);
  });
  test('transposeData moves NHWC to NCHW', () => {
    const data = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual([...transposeData(data, [1, 2, 2, 3], [0, 3, 1, 2])], [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
  });
});

describe('ops agree with tfjs-wasm', () => {
  const conv = (name: string, op: string, input: string, filter: string, attr: Attr, extra: readonly string[] = []): TinyNode => ({
    name,
    op,
    input: [input, filter, ...extra],
    attr: { data_format: s('NHWC'), dilations: ints([1, 1, 1, 1]), ...attr },
  });
  test('_FusedConv2D, stride 2 SAME on an odd size, BiasAdd + Relu6, uint8-quantised filter', () =>
    agree([1, 7, 7, 3], [conv('y', '_FusedConv2D', 'x', 'k', { strides: ints([1, 2, 2, 1]), padding: s('SAME'), fused_ops: strs(['BiasAdd', 'Relu6']), num_args: { i: '1' } }, ['bias'])], [
      { name: 'k', dtype: 'float32', shape: [3, 3, 3, 4], values: Array.from({ length: 108 }, (_, i) => (i * 37) % 256), quantization: { dtype: 'uint8', min: -0.5, scale: 1 / 255 } },
      { name: 'bias', dtype: 'float32', shape: [4], values: [0x3c00, 0xc000, 0x3800, 0x0001], quantization: { dtype: 'float16' } },
    ]));
  test('Conv2D VALID with dilation 2', () =>
    agree([1, 9, 8, 2], [conv('y', 'Conv2D', 'x', 'k', { strides: ints([1, 1, 1, 1]), padding: s('VALID'), dilations: ints([1, 2, 2, 1]) })], [w('k', [3, 3, 2, 5], 2)]));
  test('DepthwiseConv2dNative with multiplier 2, stride 2 SAME on an even size', () =>
    agree([1, 6, 6, 3], [conv('y', 'DepthwiseConv2dNative', 'x', 'k', { strides: ints([1, 2, 2, 1]), padding: s('SAME') })], [w('k', [3, 3, 3, 2], 3)]));
  test('FusedDepthwiseConv2dNative with BiasAdd + Relu', () =>
    agree([1, 5, 5, 4], [conv('y', 'FusedDepthwiseConv2dNative', 'x', 'k', { strides: ints([1, 1, 1, 1]), padding: s('SAME'), fused_ops: strs(['BiasAdd', 'Relu']), num_args: { i: '1' } }, ['bias'])], [
      w('k', [3, 3, 4, 1], 4),
      w('bias', [4], 5),
    ]));
  const pool = (op: string, k: number, stride: number, padding: string): TinyNode => ({
    name: 'y',
    op,
    input: ['x'],
    attr: { ksize: ints([1, k, k, 1]), strides: ints([1, stride, stride, 1]), padding: s(padding), data_format: s('NHWC') },
  });
  test('MaxPool 3x3 stride 2 SAME on an odd size', () => agree([1, 7, 7, 2], [pool('MaxPool', 3, 2, 'SAME')]));
  test('MaxPool 2x2 stride 2 VALID', () => agree([1, 6, 6, 2], [pool('MaxPool', 2, 2, 'VALID')]));
  test('AvgPool 3x3 stride 2 SAME excludes the padding', () => agree([1, 6, 6, 2], [pool('AvgPool', 3, 2, 'SAME')]));
  for (const [align, half] of [[false, false], [true, false], [false, true]] as const) {
    for (const op of ['ResizeBilinear', 'ResizeNearestNeighbor']) {
      test(`${op} align_corners=${align} half_pixel_centers=${half}, up and down`, () =>
        agree([1, 5, 7, 2], [{ name: 'y', op, input: ['x', 'size'], attr: { align_corners: b(align), half_pixel_centers: b(half) } }], [i32('size', [9, 4])]));
    }
  }
  test('Pad with paddings on every spatial and channel axis', () =>
    agree([1, 3, 4, 2], [{ name: 'y', op: 'Pad', input: ['r', 'p'] }, { name: 'r', op: 'Relu', input: ['x'] }].reverse(), [i32('p', [0, 0, 1, 2, 0, 1, 0, 3], [4, 2])]));
  test('Mean over H,W without keep_dims, then Softmax', () =>
    agree([1, 4, 5, 6], [{ name: 'r', op: 'Relu', input: ['x'] }, { name: 'm', op: 'Mean', input: ['r', 'axes'], attr: { keep_dims: b(false) } }, { name: 'y', op: 'Softmax', input: ['m'] }], [i32('axes', [1, 2])]));
  test('Mean over H,W with keep_dims, broadcast back by Mul', () =>
    agree([1, 4, 5, 6], [{ name: 'r', op: 'Relu', input: ['x'] }, { name: 'm', op: 'Mean', input: ['r', 'axes'], attr: { keep_dims: b(true) } }, { name: 'y', op: 'Mul', input: ['r', 'm'] }], [i32('axes', [-3, -2])]));
  test('ConcatV2 on the channel axis, then Reshape to [1, -1]', () =>
    agree([1, 3, 3, 2], [
      { name: 'r', op: 'Relu6', input: ['x'] },
      { name: 'c', op: 'ConcatV2', input: ['r', 'x', 'axis'], attr: { N: { i: '2' } } },
      { name: 'y', op: 'Reshape', input: ['c', 'shape'] },
    ], [i32('axis', [-1], []), i32('shape', [1, -1])]));
  test('broadcasting constants of rank 0, 1 and 3 against NCHW tensors', () =>
    agree([1, 3, 4, 2], [
      { name: 'r', op: 'Relu', input: ['x'] },
      { name: 'a', op: 'Mul', input: ['chan', 'r'] },
      { name: 'c', op: 'AddV2', input: ['a', 'hwc'] },
      { name: 'd', op: 'Sub', input: ['c', 'half'] },
      { name: 'e', op: 'Maximum', input: ['d', 'zero'] },
      { name: 'y', op: 'Minimum', input: ['e', 'row'] },
    ], [w('chan', [2], 8), w('hwc', [3, 4, 2], 9), { name: 'half', dtype: 'float32', shape: [], values: [0.5] }, { name: 'zero', dtype: 'float32', shape: [], values: [0] }, w('row', [1, 4, 1], 10)]));
  test('LeakyRelu with its alpha, then Elu and Tanh', () =>
    agree([1, 3, 3, 2], [
      { name: 'l', op: 'LeakyRelu', input: ['x'], attr: { alpha: f(0.3) } },
      { name: 'e', op: 'Elu', input: ['l'] },
      { name: 'y', op: 'Tanh', input: ['e'] },
    ]));
  test('_FusedMatMul with transpose_b, BiasAdd and Relu after a Reshape', () =>
    agree([1, 2, 2, 3], [
      { name: 'f', op: 'Reshape', input: ['x', 'shape'] },
      { name: 'y', op: '_FusedMatMul', input: ['f', 'k', 'bias'], attr: { transpose_a: b(false), transpose_b: b(true), fused_ops: strs(['BiasAdd', 'Relu']), num_args: { i: '1' } } },
    ], [i32('shape', [1, 12]), w('k', [5, 12], 11), w('bias', [5], 12)]));
});

/** The ONNX op types of a converted model, one per node. */
function opTypes(onnx: Uint8Array): string[] {
  return (onnxProto.onnx.ModelProto.decode(onnx).graph?.node ?? []).map((n) => n.opType ?? '');
}

/** Runs a converted model on onnxruntime at `shape`, returning its first output. */
async function runConverted(onnx: Uint8Array, input: Float32Array, shape: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const out = (await session.run({ x: new ort.Tensor('float32', input, [...shape]) }))[session.outputNames[0]!]!;
  await session.release();
  return { data: out.data as Float32Array, dims: out.dims };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'element counts');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('graph rewrites', () => {
  const conv = (name: string, op: string, input: string, filter: string, attr: Attr = {}, extra: readonly string[] = []): TinyNode => ({
    name,
    op,
    input: [input, filter, ...extra],
    attr: { data_format: s('NHWC'), dilations: ints([1, 1, 1, 1]), strides: ints([1, 1, 1, 1]), padding: s('SAME'), ...attr },
  });
  // tfjs-converter stores TF's 1/6 as float16: 0x3155 is 0.1666259765625.
  const sixth: Weight = { name: 'sixth', dtype: 'float32', shape: [], values: [0x3155], quantization: { dtype: 'float16' } };
  const three: Weight = { name: 'three', dtype: 'float32', shape: [], values: [3] };
  const six: Weight = { name: 'six', dtype: 'float32', shape: [], values: [6] };
  /** TF's hard-swish of `x` as the shipped CenterNet spells it: (x * 1/6) * relu6(x + 3). */
  const hardSwishNodes = (name: string, x: string): TinyNode[] => [
    { name: `${name}/mul`, op: 'Mul', input: ['sixth', x] },
    { name: `${name}/add`, op: 'AddV2', input: [x, 'three'] },
    { name: `${name}/relu6`, op: 'Relu6', input: [`${name}/add`] },
    { name, op: 'Mul', input: [`${name}/mul`, `${name}/relu6`] },
  ];

  test('hard-swish feeding a convolution becomes HardSwish, its float16 factor folded into the weights', async () => {
    const nodes = [conv('c', 'Conv2D', 'x', 'k1'), ...hardSwishNodes('hs', 'c'), conv('y', 'FusedDepthwiseConv2dNative', 'hs', 'k2', { fused_ops: strs(['BiasAdd']), num_args: { i: '1' } }, ['bias'])];
    const files = tinyModel([1, 6, 6, 3], nodes, [w('k1', [3, 3, 3, 4], 21), w('k2', [3, 3, 4, 1], 22), w('bias', [4], 23), sixth, three]);
    const input = Float32Array.from(randoms(6 * 6 * 3, 24).map((v) => v * 4));
    const fused = convertGraphModel(files, { outputs: ['y'] });
    assert.deepEqual(opTypes(fused.onnx).filter((t) => t !== 'Transpose'), ['Conv', 'HardSwish', 'Conv'], 'no Add, Clip or Mul left');
    const expected = await runTfjs(files, input, [1, 6, 6, 3], 'y');
    assert.ok(maxDiff((await runConverted(fused.onnx, input, [1, 6, 6, 3])).data, expected) <= 1e-5);
    const plain = convertGraphModel(files, { outputs: ['y'], fuseHardSwish: false });
    assert.deepEqual(opTypes(plain.onnx).filter((t) => t !== 'Transpose'), ['Conv', 'Mul', 'Add', 'Clip', 'Mul', 'Conv'], 'fuseHardSwish: false keeps the four ops');
  });

  test('hard-swish read by a residual Add keeps its factor as a Mul; x * relu6(x + 3) / 6 is recognised too', async () => {
    const nodes = [
      conv('c', 'Conv2D', 'x', 'k1'),
      ...hardSwishNodes('hs', 'c'),
      conv('d', 'DepthwiseConv2dNative', 'hs', 'k2'),
      { name: 'sum', op: 'AddV2', input: ['d', 'hs'] },
      { name: 'a', op: 'AddV2', input: ['three', 'sum'] },
      { name: 'r', op: 'Relu6', input: ['a'] },
      { name: 'm', op: 'Mul', input: ['sum', 'r'] },
      { name: 'y', op: 'RealDiv', input: ['m', 'six'] },
    ];
    const files = tinyModel([1, 5, 5, 2], nodes, [w('k1', [3, 3, 2, 3], 31), w('k2', [3, 3, 3, 1], 32), sixth, three, six]);
    const input = Float32Array.from(randoms(5 * 5 * 2, 33).map((v) => v * 4));
    const converted = convertGraphModel(files, { outputs: ['y'] });
    assert.deepEqual(opTypes(converted.onnx).filter((t) => t !== 'Transpose'), ['Conv', 'HardSwish', 'Mul', 'Conv', 'Add', 'HardSwish']);
    assert.ok(maxDiff((await runConverted(converted.onnx, input, [1, 5, 5, 2])).data, await runTfjs(files, input, [1, 5, 5, 2], 'y')) <= 1e-5);
  });

  test('keepChannels: the last convolution computes only the kept channels, in their order', async () => {
    const nodes = [
      conv('c', '_FusedConv2D', 'x', 'k', { fused_ops: strs(['BiasAdd']), num_args: { i: '1' } }, ['bias']),
      { name: 's', op: 'Sigmoid', input: ['c'] },
      { name: 'm', op: 'Mul', input: ['s', 'three'] },
      { name: 'y', op: 'Identity', input: ['m'] },
    ];
    const files = tinyModel([1, 4, 5, 3], nodes, [w('k', [3, 3, 3, 5], 41), w('bias', [5], 42), three]);
    const input = Float32Array.from(randoms(4 * 5 * 3, 43));
    const keep = [3, 0, 4];
    const converted = convertGraphModel(files, { outputs: ['y'], keepChannels: { y: keep } });
    assert.deepEqual(converted.outputs[0]!.shape, [1, 4, 5, 3]);
    const actual = await runConverted(converted.onnx, input, [1, 4, 5, 3]);
    assert.deepEqual(actual.dims, [1, 4, 5, 3]);
    const full = await runTfjs(files, input, [1, 4, 5, 3], 'y');
    const expected = Array.from({ length: 4 * 5 }, (_, p) => keep.map((c) => full[p * 5 + c]!)).flat();
    assert.ok(maxDiff(actual.data, expected) <= 1e-5);
  });

  test('keepChannels refuses a convolution something else reads, or a path through a non-channelwise op', () => {
    const readTwice = tinyModel([1, 4, 4, 3], [conv('c', 'Conv2D', 'x', 'k'), { name: 'y', op: 'Sigmoid', input: ['c'] }, { name: 'z', op: 'Relu', input: ['c'] }], [w('k', [1, 1, 3, 4], 51)]);
    assert.throws(() => convertGraphModel(readTwice, { outputs: ['y', 'z'], keepChannels: { y: [0] } }), (err: unknown) => err instanceof ModelConvertError && /c is also read by another node or output/.test(err.message));
    const softmax = tinyModel([1, 4, 4, 3], [conv('c', 'Conv2D', 'x', 'k'), { name: 'y', op: 'Softmax', input: ['c'] }], [w('k', [1, 1, 3, 4], 52)]);
    assert.throws(() => convertGraphModel(softmax, { outputs: ['y'], keepChannels: { y: [0] } }), /Softmax node y is not a channelwise op/);
    const plain = tinyModel([1, 4, 4, 3], [conv('y', 'Conv2D', 'x', 'k')], [w('k', [1, 1, 3, 4], 53)]);
    assert.throws(() => convertGraphModel(plain, { outputs: ['y'], keepChannels: { y: [4] } }), /keepChannels \[4\] must be channels 0\.\.3/);
    assert.throws(() => convertGraphModel(plain, { outputs: ['y'], keepChannels: { nope: [0] } }), /not among the outputs/);
  });

  describe('symbolicSize', () => {
    /** Stride 2 SAME conv, stride 2 SAME max-pool, 2x bilinear upsampling (a constant size, as frozen graphs spell it), concat, squeeze-excite style mean. */
    const model = (height: number, width: number): GraphModelFiles =>
      tinyModel([1, height, width, 2], [
        conv('a', '_FusedConv2D', 'x', 'k', { strides: ints([1, 2, 2, 1]), fused_ops: strs(['BiasAdd', 'Relu']), num_args: { i: '1' } }, ['bias']),
        { name: 'b', op: 'MaxPool', input: ['a'], attr: { ksize: ints([1, 3, 3, 1]), strides: ints([1, 2, 2, 1]), padding: s('SAME'), data_format: s('NHWC') } },
        { name: 'r', op: 'ResizeBilinear', input: ['b', 'size'], attr: { align_corners: b(false), half_pixel_centers: b(false) } },
        { name: 'c', op: 'ConcatV2', input: ['a', 'r', 'axis'], attr: { N: { i: '2' } } },
        { name: 'm', op: 'Mean', input: ['c', 'axes'], attr: { keep_dims: b(true) } },
        { name: 'y', op: 'Mul', input: ['c', 'm'] },
      ], [w('k', [3, 3, 2, 3], 61), w('bias', [3], 62), i32('size', [height / 2, width / 2]), i32('axis', [-1], []), i32('axes', [1, 2])]);

    test('declares height and width, and agrees with tfjs at sizes other than the reference one', async () => {
      const converted = convertGraphModel(model(8, 8), { outputs: ['y'], symbolicSize: true });
      assert.deepEqual(converted.inputs[0]!.shape, [1, 'height', 'width', 2]);
      assert.deepEqual(converted.outputs[0]!.shape, [1, 'height/2', 'width/2', 6]);
      const types = opTypes(converted.onnx);
      assert.ok(types.includes('Resize'));
      for (const [h, w] of [[8, 8], [16, 12], [4, 20]] as const) {
        const input = Float32Array.from(randoms(h * w * 2, 63));
        const actual = await runConverted(converted.onnx, input, [1, h, w, 2]);
        assert.deepEqual(actual.dims, [1, h / 2, w / 2, 6], `${h}x${w}`);
        assert.ok(maxDiff(actual.data, await runTfjs(model(h, w), input, [1, h, w, 2], 'y')) <= 1e-5, `${h}x${w}`);
      }
    });

    test('SAME padding holds at sizes whose parity differs from the reference one', async () => {
      const strided = (height: number, width: number): GraphModelFiles =>
        tinyModel([1, height, width, 2], [
          conv('a', 'Conv2D', 'x', 'k', { strides: ints([1, 2, 2, 1]) }),
          { name: 'y', op: 'AvgPool', input: ['a'], attr: { ksize: ints([1, 3, 3, 1]), strides: ints([1, 2, 2, 1]), padding: s('SAME'), data_format: s('NHWC') } },
        ], [w('k', [3, 3, 2, 3], 64)]);
      const converted = convertGraphModel(strided(8, 8), { outputs: ['y'], symbolicSize: true });
      assert.deepEqual(converted.outputs[0]!.shape, [1, 'height/4', 'width/4', 3]);
      const input = Float32Array.from(randoms(7 * 9 * 2, 65));
      const actual = await runConverted(converted.onnx, input, [1, 7, 9, 2]);
      assert.deepEqual(actual.dims, [1, 2, 3, 3]);
      assert.ok(maxDiff(actual.data, await runTfjs(strided(7, 9), input, [1, 7, 9, 2], 'y')) <= 1e-5);
    });

    test('a fixed-shape reshape of a tensor that follows the input size is refused', () => {
      const files = tinyModel([1, 4, 4, 2], [{ name: 'r', op: 'Relu', input: ['x'] }, { name: 'y', op: 'Reshape', input: ['r', 'shape'] }], [i32('shape', [1, -1])]);
      assert.throws(() => convertGraphModel(files, { outputs: ['y'], symbolicSize: true }), (err: unknown) => err instanceof ModelConvertError && err.node === 'y' && /symbolic input size/.test(err.message));
      assert.deepEqual(convertGraphModel(files, { outputs: ['y'] }).outputs[0]!.shape, [1, 32], 'without symbolicSize it converts');
    });
  });
});
