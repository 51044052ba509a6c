import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GraphModelFiles } from '../../model-files.ts';
import { CONVERTER_VERSION, type ConvertOptions, convertGraphModel } from './convert-graph-model.ts';

/** The cache key of a conversion: sha256 of the converter version, model.json, weights and options, in hex. */
export function conversionKey(files: GraphModelFiles, options: ConvertOptions): string {
  const hash = createHash('sha256');
  hash.update(`sightline-tfjs-to-onnx ${CONVERTER_VERSION}\n`);
  hash.update(JSON.stringify(files.json));
  hash.update('\n');
  hash.update(new Uint8Array(files.weights));
  const rewrites = { symbolicSize: options.symbolicSize ?? false, keepChannels: options.keepChannels ?? {}, fuseHardSwish: options.fuseHardSwish ?? true };
  hash.update(`\n${JSON.stringify({ outputs: options.outputs, inputShape: options.inputShape ?? null, ...rewrites })}`);
  return hash.digest('hex');
}

/**
 * Returns the path of `<cacheDir>/<name>-<hash16>.onnx`, converting the model and writing the file
 * atomically (temporary file, then rename) unless a file for the same model, options and converter
 * version is already there.
 */
export async function ensureOnnxModel(name: string, files: GraphModelFiles, options: ConvertOptions, cacheDir: string): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new RangeError(`model name ${JSON.stringify(name)} must be letters, digits, dots, dashes or underscores`);
  const file = path.join(cacheDir, `${name}-${conversionKey(files, options).slice(0, 16)}.onnx`);
  if (existsSync(file)) return file;
  const { onnx } = convertGraphModel(files, options);
  await mkdir(cacheDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, onnx);
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    throw cause;
  }
  return file;
}
