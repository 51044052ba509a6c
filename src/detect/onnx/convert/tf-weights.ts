import { ModelConvertError } from './convert-error.ts';
import { isRecord } from './tf-graph.ts';

/** A constant tensor decoded from the weights: float32 (dequantised), int32 or bool, in TF (row-major, NHWC) order. */
export type ConstData =
  | { readonly dtype: 'float32'; readonly data: Float32Array }
  | { readonly dtype: 'int32'; readonly data: Int32Array }
  | { readonly dtype: 'bool'; readonly data: Uint8Array };

/** A named constant tensor with its TF shape. */
export type ConstTensor = ConstData & { readonly shape: readonly number[] };

/** How tfjs-converter quantised a weight: float16, or uint8/uint16 with `value = q * scale + min`. */
interface Quantization {
  readonly dtype: 'float16' | 'uint8' | 'uint16';
  readonly min: number;
  readonly scale: number;
}

interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization: Quantization | undefined;
}

function parseQuantization(name: string, raw: unknown): Quantization | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw new ModelConvertError(`weight ${name} has a malformed quantization entry`);
  const dtype = raw['dtype'];
  if (dtype === 'float16') return { dtype, min: 0, scale: 1 };
  if (dtype === 'uint8' || dtype === 'uint16') {
    const { min, scale } = raw;
    if (typeof min !== 'number' || typeof scale !== 'number') {
      throw new ModelConvertError(`weight ${name} is quantised to ${dtype} but has no numeric min and scale`);
    }
    return { dtype, min, scale };
  }
  throw new ModelConvertError(`weight ${name} has unknown quantization dtype ${String(dtype)} (known: float16, uint8, uint16)`);
}

function parseSpec(raw: unknown): WeightSpec {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || typeof raw['dtype'] !== 'string' || !Array.isArray(raw['shape'])) {
    throw new ModelConvertError('a weightsManifest entry lacks name, dtype or shape');
  }
  const shape = raw['shape'].map((d: unknown) => Number(d));
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ModelConvertError(`weight ${raw['name']} has a malformed shape`);
  return { name: raw['name'], shape, dtype: raw['dtype'], quantization: parseQuantization(raw['name'], raw['quantization']) };
}

/** Decodes one IEEE 754 half-precision value (subnormals, infinities and NaN included). */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const STORED_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

function decodeOne(spec: WeightSpec, bytes: Uint8Array): ConstData {
  const count = bytes.byteLength / STORED_BYTES[spec.quantization?.dtype ?? spec.dtype]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = spec.quantization;
  if (q !== undefined) {
    const read = (i: number): number => (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(i * 2, true));
    if (spec.dtype === 'float32') {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = q.dtype === 'float16' ? float16ToFloat32(read(i)) : read(i) * q.scale + q.min;
      return { dtype: 'float32', data: out };
    }
    if (spec.dtype === 'int32' && q.dtype !== 'float16') {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = Math.round(read(i) * q.scale + q.min);
      return { dtype: 'int32', data: out };
    }
    throw new ModelConvertError(`weight ${spec.name}: ${q.dtype} quantisation of ${spec.dtype} is not supported`);
  }
  if (spec.dtype === 'float32') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return { dtype: 'float32', data: out };
  }
  if (spec.dtype === 'int32') {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
    return { dtype: 'int32', data: out };
  }
  return { dtype: 'bool', data: bytes.slice() };
}

/**
 * Decodes every weight of a TFJS weights manifest from the concatenated weight buffer (groups and
 * shards in manifest order, as `readGraphModel` joins them), dequantising to float32 like tfjs does.
 */
export function decodeWeights(manifest: readonly { readonly weights: readonly unknown[] }[], buffer: ArrayBuffer): Map<string, ConstTensor> {
  const out = new Map<string, ConstTensor>();
  let offset = 0;
  for (const raw of manifest.flatMap((g) => g.weights)) {
    const spec = parseSpec(raw);
    const stored = STORED_BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (stored === undefined) throw new ModelConvertError(`weight ${spec.name} has unsupported dtype ${spec.dtype}`);
    const size = spec.shape.reduce((a, b) => a * b, 1) * stored;
    if (offset + size > buffer.byteLength) {
      throw new ModelConvertError(`weight ${spec.name} ends at byte ${offset + size} but the weights hold only ${buffer.byteLength} bytes`);
    }
    out.set(spec.name, { ...decodeOne(spec, new Uint8Array(buffer, offset, size)), shape: spec.shape });
    offset += size;
  }
  if (offset !== buffer.byteLength) {
    throw new ModelConvertError(`the weights manifest describes ${offset} bytes but the weights hold ${buffer.byteLength}`);
  }
  return out;
}
