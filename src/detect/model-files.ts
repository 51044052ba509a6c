/**
 * The model files Sightline loads: the allow-list of shipped models ({@link SHIPPED_MODELS}), which
 * is the only way the server reads a model of `@vladmandic/human` (its folder also ships age, gender
 * and emotion models, which Sightline never loads), and the reading of TFJS graph models.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SightlineError } from '../core/errors.ts';
import { forbiddenInferenceNames } from '../core/forbidden-inference.ts';

const require = createRequire(import.meta.url);

/** The folder of models shipped inside the `@vladmandic/human` npm package. */
export function humanModelsDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** The folder holding the tfjs WebAssembly binaries, with a trailing separator as tfjs wants. */
export function tfjsWasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** A TFJS graph model read from disk: its topology JSON and its weights as one buffer. */
export interface GraphModelFiles {
  readonly json: TfjsModelJson;
  readonly weights: ArrayBuffer;
}

/** The parts of a TFJS `model.json` we read. */
export interface TfjsModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: unknown;
  readonly signature?: unknown;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly unknown[] }[];
}

/** Reads a TFJS graph model (`name.json` and its weight shards) from a folder. */
export async function readGraphModel(dir: string, name: string): Promise<GraphModelFiles> {
  const json = JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as TfjsModelJson;
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(path.join(dir, p)))));
  const all = Buffer.concat(shards);
  const weights = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { json, weights };
}

/**
 * Every shipped model the server can load, by its file name in the `@vladmandic/human` models
 * folder: the allow-list. None may infer ethnicity, gender, age or emotion (test/never-infer.test.ts
 * checks each one's name, outputs and weights; {@link readShippedModel} checks again at load).
 */
export const SHIPPED_MODELS = {
  centernet: 'Object detection (COCO): boxes, scores and classes (person, bicycle, car, motorcycle, bus, truck); nothing about who a person is.',
  blazeface: 'Face detection, for redaction: where faces are (boxes and scores); the landmarks it also answers are not kept; nothing about who a person is.',
} as const satisfies Record<string, string>;

/** The name of a model on the allow-list. */
export type ShippedModelName = keyof typeof SHIPPED_MODELS;

/** The names in a TFJS model that say what it infers: its signature's outputs, its nodes and its weights. */
export function modelNames(json: TfjsModelJson): string[] {
  const signature = json.signature as { readonly outputs?: Readonly<Record<string, { readonly name?: string }>> } | undefined;
  const outputs = Object.entries(signature?.outputs ?? {}).flatMap(([key, o]) => [key, ...(o.name === undefined ? [] : [o.name])]);
  const topology = json.modelTopology as { readonly node?: readonly { readonly name?: string }[] } | undefined;
  const nodes = (topology?.node ?? []).flatMap((n) => (n.name === undefined ? [] : [n.name]));
  const weights = json.weightsManifest.flatMap((g) => g.weights.flatMap((w) => (typeof (w as { name?: unknown }).name === 'string' ? [(w as { name: string }).name] : [])));
  return [...outputs, ...nodes, ...weights];
}

/**
 * Reads a model of the allow-list from the `@vladmandic/human` folder (or `dir`). DETECTOR_FAILED for a
 * name not on the list, or a model any of whose names (outputs, nodes, weights) is an inference of
 * ethnicity, gender, age or emotion.
 */
export async function readShippedModel(name: ShippedModelName, dir: string = humanModelsDir()): Promise<GraphModelFiles> {
  if (!Object.hasOwn(SHIPPED_MODELS, name)) throw new SightlineError('DETECTOR_FAILED', `the model ${String(name)} is not one Sightline ships (${Object.keys(SHIPPED_MODELS).join(', ')})`);
  const files = await readGraphModel(dir, name);
  const forbidden = forbiddenInferenceNames([name, ...modelNames(files.json)]);
  if (forbidden.length > 0) {
    throw new SightlineError('DETECTOR_FAILED', `the model ${name} infers what Sightline never does (ethnicity, gender, age or emotion): ${forbidden.slice(0, 5).join(', ')}`);
  }
  return files;
}
