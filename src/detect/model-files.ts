import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

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
