/**
 * Never: Sightline infers no ethnicity, gender, age or emotion. This lists every model the server
 * can load (the allow-list of shipped models, and the one backend that loads a user's model) and
 * fails on any such output, weight or class; it proves that its check finds the age, gender and
 * emotion models that @vladmandic/human ships beside the detector, and that no code loads a model
 * around the allow-list or uses the Human library itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { SightlineError } from '../src/core/errors.ts';
import { FORBIDDEN_INFERENCE_WORDS, forbiddenInferenceNames, nameWords } from '../src/core/forbidden-inference.ts';
import { prepareBlazeFaceOnnx } from '../src/detect/blazeface.ts';
import { CENTERNET_ONNX_OUTPUTS } from '../src/detect/centernet-onnx.ts';
import { openCpuSession } from '../src/detect/ort-session.ts';
import { humanModelsDir, modelNames, readGraphModel, readShippedModel, SHIPPED_MODELS, type ShippedModelName, type TfjsModelJson } from '../src/detect/model-files.ts';
import { createYoloOnnx } from '../src/detect/yolo/yolo-onnx.ts';
import { ROOT } from './fixtures/data.ts';

const { onnx } = onnxProto;
const HUMAN = humanModelsDir();
const shipped = Object.keys(SHIPPED_MODELS) as ShippedModelName[];

/** Every TFJS model in the Human package's models folder, by name. */
const humanModels = readdirSync(HUMAN)
  .filter((f) => f.endsWith('.json') && f !== 'models.json')
  .map((f) => f.slice(0, -'.json'.length));

/** Every model name Human knows (its models.json lists the ones it can download too: age, gear, affectnet, ...). */
const humanNames = Object.keys(JSON.parse(readFileSync(path.join(HUMAN, 'models.json'), 'utf8')) as Record<string, number>).filter((n) => n !== 'models');

/** The TypeScript sources of the server and the web app (tests left out). */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}
const SOURCES = [...sources('src'), ...sources(path.join('web', 'src'))];

describe('the words of a forbidden inference', () => {
  const cases: [string, boolean][] = [
    ['age_pred/Softmax:0', true],
    ['gender_pred/Sigmoid:0', true],
    ['emotion', true],
    ['affectnet-mobilenet', true],
    ['gear-e1', true],
    ['genderPrediction', true],
    ['Female', true],
    ['tower_0/images', false],
    ['global_average_pooling2d/Mean', false],
    ['StatefulPartitionedCall/ResizeImage/resize', false],
    ['person', false],
  ];
  for (const [name, forbidden] of cases) {
    test(`${name}: ${forbidden ? 'forbidden' : 'allowed'} (words ${nameWords(name).join(' ')})`, () => {
      assert.deepEqual(forbiddenInferenceNames([name]), forbidden ? [name] : []);
    });
  }
});

describe('every model the server can load', () => {
  test('the allow-list holds only the object detector and the face detector of redaction', () => {
    assert.deepEqual(shipped, ['centernet', 'blazeface']);
  });

  for (const name of shipped) {
    test(`${name}: no forbidden word in its name, outputs, nodes or weights, and it loads through the allow-list`, async () => {
      assert.deepEqual(forbiddenInferenceNames([name]), []);
      const files = await readShippedModel(name);
      const names = modelNames(files.json);
      assert.ok(names.length > 100, `${name}: only ${names.length} names read`);
      assert.deepEqual(forbiddenInferenceNames(names), []);
    });
  }

  test('the CenterNet outputs the ONNX conversion keeps are clean', () => {
    assert.deepEqual(forbiddenInferenceNames(CENTERNET_ONNX_OUTPUTS), []);
  });

  test('the converted BlazeFace answers where faces are and nothing else: four outputs of 1 score and 16 box numbers per anchor', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-never-infer-'));
    try {
      const { session } = await openCpuSession(await prepareBlazeFaceOnnx(dir), 1);
      assert.deepEqual([...session.outputNames].sort(), ['Identity', 'Identity_1', 'Identity_2', 'Identity_3']);
      await session.release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the check finds the age, gender and emotion models Human ships, and the allow-list would refuse them', async () => {
    const flagged = humanModels.filter((name) => {
      const json = JSON.parse(readFileSync(path.join(HUMAN, `${name}.json`), 'utf8')) as TfjsModelJson;
      return forbiddenInferenceNames([name, ...modelNames(json)]).length > 0;
    });
    assert.deepEqual(flagged.sort(), ['emotion', 'faceres'], 'emotion by its name, faceres by its age_pred and gender_pred outputs');
    for (const name of flagged) {
      assert.equal(shipped.includes(name as ShippedModelName), false, `${name} must never be on the allow-list`);
      await assert.rejects(readShippedModel(name as ShippedModelName), (e: unknown) => e instanceof SightlineError && e.code === 'DETECTOR_FAILED');
    }
    const faceres = await readGraphModel(HUMAN, 'faceres');
    assert.deepEqual(forbiddenInferenceNames(modelNames(faceres.json)).slice(0, 2), ['gender_pred/Sigmoid:0', 'age_pred/Softmax:0']);
    const named = forbiddenInferenceNames(humanNames);
    for (const name of ['age', 'gender', 'emotion', 'gear', 'affectnet-mobilenet']) assert.ok(named.includes(name), `${name} is flagged by its name`);
  });
});

describe('no code loads a model around the allow-list', () => {
  const text = (file: string): string => readFileSync(file, 'utf8');
  const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

  test('the Human library itself is never imported (only its models folder is read), so none of its face, age, gender or emotion modules can run', () => {
    const importing = SOURCES.filter((f) => /(from\s+|import\(\s*|require\(\s*)['"]@vladmandic\/human['"]/.test(text(f))).map(rel);
    assert.deepEqual(importing, [], 'if Sightline starts using Human, its config must disable face.emotion, face.description (age, gender) and gear, and this test must check that config');
    const resolving = SOURCES.filter((f) => /['"]@vladmandic\/human[/'"]/.test(text(f))).map(rel);
    assert.deepEqual(resolving, ['src/detect/model-files.ts'], 'only model-files.ts resolves the package, for its models folder');
  });

  test('models of the Human folder are read only through readShippedModel, with a name on the allow-list', () => {
    const direct = SOURCES.filter((f) => /\breadGraphModel\s*\(/.test(text(f))).map(rel);
    assert.deepEqual(direct, ['src/detect/model-files.ts'], 'readGraphModel is called only by readShippedModel');
    for (const file of SOURCES) {
      for (const m of text(file).matchAll(/\breadShippedModel\s*\(\s*([^,)]*)/g)) {
        const arg = m[1]!.trim();
        if (rel(file) === 'src/detect/model-files.ts') continue;
        assert.match(arg, /^'[^']+'$/, `${rel(file)}: readShippedModel takes a literal model name, got ${arg}`);
        assert.ok(shipped.includes(arg.slice(1, -1) as ShippedModelName), `${rel(file)} loads ${arg}, which is not on the allow-list`);
      }
    }
  });

  test('no source of the detectors names a Human model that is not on the allow-list', () => {
    const detectors = SOURCES.filter((f) => rel(f).startsWith('src/detect/') || rel(f).startsWith('src/pipeline/'));
    for (const file of detectors) {
      const literals = [...text(file).matchAll(/['"`]([A-Za-z0-9_-]+)(?:\.json|\.bin)?['"`]/g)].map((m) => m[1]!);
      const unlisted = literals.filter((l) => humanNames.includes(l) && !shipped.includes(l as ShippedModelName));
      assert.deepEqual(unlisted, [], `${rel(file)} names Human models that are not on the allow-list`);
    }
  });

  test('the detector backends are the three this test knows, so a new one has to be added here', () => {
    const kinds = [...text(path.join(ROOT, 'src', 'detect', 'backends.ts')).matchAll(/case '([a-z-]+)':/g)].map((m) => m[1]);
    assert.deepEqual(kinds, ['tfjs-wasm', 'centernet-onnx', 'yolo-onnx'], 'tfjs-wasm and centernet-onnx load the allow-listed CenterNet; yolo-onnx a user model, checked below');
  });
});

describe("a user's YOLO model", () => {
  test('the configuration refuses class names that name an ethnicity, gender, age or emotion', () => {
    for (const classes of [['person', 'male', 'female'], ['happy'], ['Age_0_10']]) {
      const parsed = serverConfigSchema.safeParse({ detect: { backend: 'yolo', yolo: { path: '/models/y.onnx', classes } } });
      assert.equal(parsed.success, false, classes.join(','));
      assert.match(parsed.error!.message, /never infers ethnicity, gender, age or emotion/);
    }
    assert.ok(serverConfigSchema.safeParse({ detect: { backend: 'yolo', yolo: { path: '/models/y.onnx', classes: ['person', 'car'] } } }).success);
    assert.ok(FORBIDDEN_INFERENCE_WORDS.length > 20);
  });

  const dir = mkdtemp(path.join(os.tmpdir(), 'sightline-never-'));
  after(async () => rm(await dir, { recursive: true, force: true }));

  /** A tiny ONNX model: input `images` [1, 3, 32, 32], output `output` [1, 6, 4], zeros. */
  async function tinyModel(file: string, output: string): Promise<string> {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'tiny',
        node: [
          { opType: 'ReduceMean', input: ['images'], output: ['mean'], attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
          { opType: 'Constant', output: ['zeros'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [1, 6, 4], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(96) } }] },
          { opType: 'Constant', output: ['zero'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(4) } }] },
          { opType: 'Mul', input: ['mean', 'zero'], output: ['nothing'] },
          { opType: 'Add', input: ['zeros', 'nothing'], output: [output] },
        ],
        input: [{ name: 'images', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [1, 3, 32, 32].map((d) => ({ dimValue: d })) } } } }],
        output: [{ name: output, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [1, 6, 4].map((d) => ({ dimValue: d })) } } } }],
      },
    });
    const target = path.join(await dir, file);
    await writeFile(target, onnx.ModelProto.encode(model).finish());
    return target;
  }

  const loads: [string, string, string, string[], RegExp | null][] = [
    ['a plain detector', 'detector.onnx', 'output0', ['person', 'car'], null],
    ['an output named for gender', 'detector.onnx', 'gender_pred', ['person', 'car'], /gender_pred/],
    ['a file named for emotion', 'emotion-yolo.onnx', 'output0', ['person', 'car'], /emotion-yolo/],
    ['a class named for age', 'detector.onnx', 'output0', ['person', 'adult'], /adult/],
  ];
  for (const [label, file, output, classNames, refused] of loads) {
    test(`createYoloOnnx with ${label}: ${refused === null ? 'loads' : 'refused with CONFIG_INVALID'}`, async () => {
      const modelPath = await tinyModel(file, output);
      const load = createYoloOnnx({ modelPath, classNames, layout: 'ultralytics' });
      if (refused === null) {
        const d = await load;
        await d.dispose();
        return;
      }
      await assert.rejects(load, (e: unknown) => e instanceof SightlineError && e.code === 'CONFIG_INVALID' && refused.test(e.message) && /never does/.test(e.message));
    });
  }
});
