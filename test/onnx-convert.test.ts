// The TFJS -> ONNX converter on the shipped models: onnxruntime must agree with tfjs-wasm on real and synthetic images.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadTfjsGraph } from '../src/detect/tfjs-graph.ts';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { CENTERNET_CONVERT_OPTIONS } from '../src/detect/centernet-onnx-model.ts';
import { type GraphModelFiles, humanModelsDir, readGraphModel, tfjsWasmDir } from '../src/detect/model-files.ts';
import { type ConvertedModel, ModelConvertError, convertGraphModel, ensureOnnxModel } from '../src/detect/onnx/convert/index.ts';
import { decodeFrame, NO_SHARED_DATA, PETS, SHARED_DATA } from './fixtures/data.ts';

/** Largest |onnx - tfjs| allowed, relative to max(1, largest |tfjs value|) of the output. */
const TOLERANCE = 1e-4;
const FACES = path.join(SHARED_DATA, 'faces');
const NO_FACES: string | false = existsSync(FACES) ? false : `face crops not found at ${FACES}`;

/** Two face crops (the first female and the first male, by name), for the face models. */
function faceFiles(): string[] {
  return ['females', 'males'].map((group) => {
    const dir = path.join(FACES, group);
    const sub = readdirSync(dir).sort()[0]!;
    return path.join(dir, sub, readdirSync(path.join(dir, sub)).sort()[0]!);
  });
}

/** Decodes a JPEG with ffmpeg to raw RGB at width x height. */
function decodeImage(file: string, width: number, height: number): Uint8Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `scale=${width}:${height}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: width * height * 3 + 1024,
  });
  if (r.status !== 0 || r.stdout.length !== width * height * 3) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

/** A deterministic synthetic RGB image: gradients, a few blocks and noise. */
function syntheticImage(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const noise = Math.floor((Math.sin(x * 12.9898 + y * 78.233) * 43758.5453) % 1 * 40);
      const block = ((x >> 5) + (y >> 5)) % 3 === 0 ? 90 : 0;
      const o = (y * width + x) * 3;
      out[o] = (x * 255) / width + noise;
      out[o + 1] = (y * 255) / height + block;
      out[o + 2] = 128 + noise - block / 2;
    }
  }
  return out;
}

/** One shipped model, converted, next to its tfjs original. */
interface Pair {
  readonly converted: ConvertedModel;
  readonly session: ort.InferenceSession;
  readonly model: tf.GraphModel;
  readonly outputs: readonly string[];
  readonly size: number;
  readonly normalise: (v: number) => number;
}

async function pair(name: string, outputs: readonly string[], size: number, normalise: (v: number) => number): Promise<Pair> {
  const files = await readGraphModel(humanModelsDir(), name);
  const converted = convertGraphModel(files, { outputs });
  const session = await ort.InferenceSession.create(converted.onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  return { converted, session, model: await loadTfjsGraph(files), outputs, size, normalise };
}

function toInput(p: Pair, rgb: Uint8Array): Float32Array {
  return Float32Array.from(rgb, p.normalise);
}

async function runOnnx(p: Pair, input: Float32Array): Promise<Float32Array[]> {
  const feeds = { [p.converted.inputs[0]!.name]: new ort.Tensor('float32', input, [1, p.size, p.size, 3]) };
  const out = await p.session.run(feeds);
  return p.outputs.map((o) => out[o]!.data as Float32Array);
}

async function runTfjs(p: Pair, input: Float32Array): Promise<Float32Array[]> {
  const x = tf.tensor4d(input, [1, p.size, p.size, 3]);
  const result = p.model.execute(x, [...p.outputs]);
  const y = Array.isArray(result) ? result : [result];
  const data = await Promise.all(y.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([x, ...y]);
  return data;
}

/** Runs both runtimes on one image, reports each output's max difference and asserts it is within tolerance. */
async function compare(t: TestContext, p: Pair, label: string, rgb: Uint8Array): Promise<void> {
  const input = toInput(p, rgb);
  const [actual, expected] = [await runOnnx(p, input), await runTfjs(p, input)];
  p.outputs.forEach((name, k) => {
    const a = actual[k]!;
    const e = expected[k]!;
    assert.equal(a.length, e.length, `${name}: element counts`);
    let diff = 0;
    let peak = 0;
    for (let i = 0; i < e.length; i++) {
      diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
      peak = Math.max(peak, Math.abs(e[i]!));
    }
    t.diagnostic(`${label} ${name}: max |onnx - tfjs| = ${diff.toExponential(2)} (max |value| ${peak.toPrecision(4)})`);
    assert.ok(diff <= TOLERANCE * Math.max(1, peak), `${label} ${name}: max difference ${diff} exceeds ${TOLERANCE} x max(1, ${peak})`);
  });
}

async function msPerRun(run: () => Promise<unknown>, warmup: number, runs: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await run();
  return (performance.now() - start) / runs;
}

before(async () => {
  setWasmPaths(tfjsWasmDir());
  assert.ok(await tf.setBackend('wasm'), 'tfjs wasm backend');
  await tf.ready();
});

describe('CenterNet converted to ONNX', () => {
  let p: Pair;
  before(async () => {
    p = await pair('centernet', ['tower_0/keypoints', 'tower_0/wh'], 512, (v) => v);
  });
  after(() => p.session.release());

  test('describes an NHWC input and NHWC outputs', () => {
    assert.deepEqual(p.converted.inputs, [{ name: 'tower_0/images', shape: [1, 512, 512, 3], layout: 'NHWC', dtype: 'float32' }]);
    assert.deepEqual(p.converted.outputs.map((o) => [o.name, o.shape, o.layout]), [
      ['tower_0/keypoints', [1, 128, 128, 80], 'NHWC'],
      ['tower_0/wh', [1, 128, 128, 4], 'NHWC'],
    ]);
  });
  test('agrees with tfjs-wasm on a synthetic image', (t) => compare(t, p, 'synthetic', syntheticImage(512, 512)));
  test('agrees with tfjs-wasm on two PETS frames', { skip: NO_SHARED_DATA }, async (t) => {
    for (const frame of [0, 400]) await compare(t, p, `PETS frame ${frame}`, decodeFrame(path.join(PETS, 'vtest.avi'), frame, 512, 512));
  });
  test('ms per frame: onnxruntime (1 intra-op thread) vs tfjs-wasm, after warm-up', async (t) => {
    const rgb = NO_SHARED_DATA ? syntheticImage(512, 512) : decodeFrame(path.join(PETS, 'vtest.avi'), 0, 512, 512);
    const input = toInput(p, rgb);
    const onnxMs = await msPerRun(() => runOnnx(p, input), 3, 10);
    const tfjsMs = await msPerRun(() => runTfjs(p, input), 2, 5);
    t.diagnostic(`CenterNet 512x512: onnxruntime ${onnxMs.toFixed(1)} ms/frame, tfjs-wasm ${tfjsMs.toFixed(1)} ms/frame (${(tfjsMs / onnxMs).toFixed(1)}x)`);
    assert.ok(onnxMs > 0 && tfjsMs > 0);
  });
});

describe('CenterNet as Sightline converts it: symbolic size, 6 classes, HardSwish', () => {
  const KEPT = [0, 1, 2, 3, 5, 7];
  let files: GraphModelFiles;
  let converted: ConvertedModel;
  let session: ort.InferenceSession;
  let model: tf.GraphModel;
  before(async () => {
    files = await readGraphModel(humanModelsDir(), 'centernet');
    converted = convertGraphModel(files, CENTERNET_CONVERT_OPTIONS);
    session = await ort.InferenceSession.create(converted.onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
    model = await loadTfjsGraph(files);
  });
  after(() => session.release());

  const run = async (rgb: Uint8Array, width: number, height: number): Promise<ort.InferenceSession.OnnxValueMapType> =>
    session.run({ 'tower_0/images': new ort.Tensor('float32', Float32Array.from(rgb), [1, height, width, 3]) });

  test('declares a symbolic input size and a heat map of the 6 classes Sightline uses', () => {
    assert.deepEqual(CENTERNET_CONVERT_OPTIONS.keepChannels, { 'tower_0/keypoints': KEPT });
    assert.deepEqual(converted.inputs, [{ name: 'tower_0/images', shape: [1, 'height', 'width', 3], layout: 'NHWC', dtype: 'float32' }]);
    assert.deepEqual(converted.outputs.map((o) => [o.name, o.shape]), [
      ['tower_0/keypoints', [1, 'height/4', 'width/4', 6]],
      ['tower_0/wh', [1, 'height/4', 'width/4', 4]],
    ]);
  });
  test('every hard-swish of the graph is one HardSwish node; every Resize scales', () => {
    const graph = onnxProto.onnx.ModelProto.decode(converted.onnx).graph!;
    const tfHardSwishes = (files.json.modelTopology as { node: { name: string }[] }).node.filter((n) => n.name.endsWith('/hard_swish/mul_1')).length;
    const nodes = graph.node ?? [];
    assert.ok(tfHardSwishes >= 20, `${tfHardSwishes} hard-swishes in the TF graph`);
    assert.equal(nodes.filter((n) => n.opType === 'HardSwish').length, tfHardSwishes);
    const resizes = nodes.filter((n) => n.opType === 'Resize');
    assert.equal(resizes.length, 3);
    for (const r of resizes) assert.deepEqual([r.input?.[3] ?? '', r.input?.[2] !== ''], ['', true], `${r.name} resizes by scales, not to fixed sizes`);
  });
  test('agrees with tfjs-wasm at 512x512: the kept heat-map channels and the boxes', { skip: NO_SHARED_DATA }, async (t) => {
    for (const frame of [0, 400]) {
      const rgb = decodeFrame(path.join(PETS, 'vtest.avi'), frame, 512, 512);
      const out = await run(rgb, 512, 512);
      const x = tf.tensor4d(Float32Array.from(rgb), [1, 512, 512, 3]);
      const [kp, wh] = model.execute(x, ['tower_0/keypoints', 'tower_0/wh']) as tf.Tensor[];
      const [kpRef, whRef] = [await kp!.data(), await wh!.data()];
      tf.dispose([x, kp!, wh!]);
      const kpOnnx = out['tower_0/keypoints']!;
      assert.deepEqual(kpOnnx.dims, [1, 128, 128, 6]);
      const kpData = kpOnnx.data as Float32Array;
      let kpDiff = 0;
      for (let p = 0; p < 128 * 128; p++) KEPT.forEach((c, i) => (kpDiff = Math.max(kpDiff, Math.abs(kpData[p * 6 + i]! - kpRef[p * 80 + c]!))));
      const whData = out['tower_0/wh']!.data as Float32Array;
      let whDiff = 0;
      let whPeak = 0;
      for (let i = 0; i < whRef.length; i++) {
        whDiff = Math.max(whDiff, Math.abs(whData[i]! - whRef[i]!));
        whPeak = Math.max(whPeak, Math.abs(whRef[i]!));
      }
      t.diagnostic(`PETS frame ${frame}: max |onnx - tfjs| keypoints ${kpDiff.toExponential(2)}, wh ${whDiff.toExponential(2)} (max ${whPeak.toPrecision(4)})`);
      assert.ok(kpDiff <= TOLERANCE, `keypoints differ by ${kpDiff}`);
      assert.ok(whDiff <= TOLERANCE * Math.max(1, whPeak), `wh differs by ${whDiff}`);
    }
  });
  test('runs at other multiples of 32, with maps a quarter of the input size', async () => {
    for (const [width, height] of [[512, 384], [640, 480], [320, 192]] as const) {
      const out = await run(syntheticImage(width, height), width, height);
      assert.deepEqual(out['tower_0/keypoints']!.dims, [1, height / 4, width / 4, 6], `${width}x${height}`);
      assert.deepEqual(out['tower_0/wh']!.dims, [1, height / 4, width / 4, 4], `${width}x${height}`);
      const kp = out['tower_0/keypoints']!.data as Float32Array;
      assert.ok(kp.every((v) => v >= 0 && v <= 1), 'heat maps are sigmoids');
    }
  });
});

describe('BlazeFace converted to ONNX', () => {
  let p: Pair;
  before(async () => {
    p = await pair('blazeface', ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'], 256, (v) => v / 127.5 - 1);
  });
  after(() => p.session.release());

  test('reads its input size from the Placeholder', () => {
    assert.deepEqual(p.converted.inputs[0]!.shape, [1, 256, 256, 3]);
    assert.deepEqual(p.converted.outputs.map((o) => o.shape), [[1, 512, 1], [1, 384, 1], [1, 512, 16], [1, 384, 16]]);
  });
  test('agrees with tfjs-wasm on a synthetic image', (t) => compare(t, p, 'synthetic', syntheticImage(256, 256)));
  test('agrees with tfjs-wasm on two face crops', { skip: NO_FACES }, async (t) => {
    for (const file of faceFiles()) await compare(t, p, path.basename(file), decodeImage(file, 256, 256));
  });
});

describe('FaceRes converted to ONNX (embedding only)', () => {
  let p: Pair;
  before(async () => {
    p = await pair('faceres', ['global_pooling/Mean'], 224, (v) => v);
  });
  after(() => p.session.release());

  test('contains no gender or age head', () => {
    const model = onnxProto.onnx.ModelProto.decode(p.converted.onnx);
    const nodes = model.graph?.node ?? [];
    assert.deepEqual((model.graph?.output ?? []).map((o) => o.name), ['global_pooling/Mean']);
    const names = [...nodes.flatMap((n) => [n.name ?? '', ...(n.input ?? []), ...(n.output ?? [])]), ...(model.graph?.initializer ?? []).map((i) => i.name ?? '')];
    assert.deepEqual(names.filter((n) => /gender|age_pred|feats/.test(n)), []);
    assert.deepEqual(nodes.filter((n) => ['Gemm', 'MatMul', 'Softmax', 'Sigmoid'].includes(n.opType ?? '')).map((n) => n.name), []);
    assert.deepEqual(p.converted.inputs[0]!.shape, [1, 224, 224, 3], 'the dynamic batch of the Placeholder defaults to 1');
    assert.deepEqual(p.converted.outputs[0]!.shape, [1, 1024]);
  });
  test('agrees with tfjs-wasm on a synthetic image', (t) => compare(t, p, 'synthetic', syntheticImage(224, 224)));
  test('agrees with tfjs-wasm on two face crops', { skip: NO_FACES }, async (t) => {
    for (const file of faceFiles()) await compare(t, p, path.basename(file), decodeImage(file, 224, 224));
  });
});

/** A tiny TFJS graph model: input x (by default [1,2,2,1]), then the given nodes (no weights). */
function tinyModel(nodes: readonly { name: string; op: string; input: string[] }[], inputShape: readonly number[] = [1, 2, 2, 1]): GraphModelFiles {
  const x = { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: inputShape.map((d) => ({ size: String(d) })) } } } };
  return { json: { format: 'graph-model', modelTopology: { node: [x, ...nodes], library: {}, versions: {} }, weightsManifest: [] }, weights: new ArrayBuffer(0) };
}

describe('converter errors and cache', () => {
  const files = tinyModel([
    { name: 'y', op: 'Relu', input: ['x'] },
    { name: 'e', op: 'Erf', input: ['x'] },
    { name: 'z', op: 'Sigmoid', input: ['e'] },
  ]);

  test('an unsupported op on the path to an output is rejected, naming the op and node', () => {
    assert.throws(
      () => convertGraphModel(files, { outputs: ['z'] }),
      (err: unknown) => err instanceof ModelConvertError && err.code === 'MODEL_CONVERT_FAILED' && err.op === 'Erf' && err.node === 'e' && /unsupported TF op: Erf \(node e\)/.test(err.message),
    );
  });
  test('an unsupported op off the path to the outputs is pruned away', () => {
    const converted = convertGraphModel(files, { outputs: ['y'] });
    assert.deepEqual(converted.outputs.map((o) => o.name), ['y']);
  });
  test('an unknown output name is rejected', () => {
    assert.throws(() => convertGraphModel(files, { outputs: ['nope'] }), /no node named nope/);
  });
  test('a dynamic batch defaults to 1; other dynamic dims need inputShape, which must fit the Placeholder', () => {
    const dynamic = tinyModel([{ name: 'y', op: 'Relu', input: ['x'] }], [-1, -1, 2, 1]);
    assert.throws(() => convertGraphModel(dynamic, { outputs: ['y'] }), /input x has dynamic shape \[-1,-1,2,1\]: pass inputShape/);
    assert.deepEqual(convertGraphModel(dynamic, { outputs: ['y'], inputShape: [3, 5, 2, 1] }).outputs[0]!.shape, [3, 5, 2, 1]);
    assert.throws(() => convertGraphModel(dynamic, { outputs: ['y'], inputShape: [3, 5, 4, 1] }), /does not fit input x/);
    const batch = tinyModel([{ name: 'y', op: 'Relu', input: ['x'] }], [-1, 2, 2, 1]);
    assert.deepEqual(convertGraphModel(batch, { outputs: ['y'] }).inputs[0]!.shape, [1, 2, 2, 1]);
  });
  test('ensureOnnxModel writes once, atomically, and reuses the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-onnx-'));
    try {
      const first = await ensureOnnxModel('tiny', files, { outputs: ['y'] }, dir);
      assert.match(path.basename(first), /^tiny-[0-9a-f]{16}\.onnx$/);
      const session = await ort.InferenceSession.create(first);
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4]), [1, 2, 2, 1]) });
      assert.deepEqual([...(out['y']!.data as Float32Array)], [0, 2, 0, 4]);
      await session.release();
      await writeFile(first, 'marker');
      assert.equal(await ensureOnnxModel('tiny', files, { outputs: ['y'] }, dir), first);
      assert.equal(await readFile(first, 'utf8'), 'marker', 'the cached file is reused, not rewritten');
      const other = await ensureOnnxModel('tiny', files, { outputs: ['y'], inputShape: [1, 2, 2, 1] }, dir);
      assert.notEqual(other, first, 'other options give another file');
      const symbolic = await ensureOnnxModel('tiny', files, { outputs: ['y'], symbolicSize: true }, dir);
      const unfused = await ensureOnnxModel('tiny', files, { outputs: ['y'], fuseHardSwish: false }, dir);
      assert.equal(new Set([first, other, symbolic, unfused]).size, 4, 'symbolicSize and fuseHardSwish are part of the key');
      assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
