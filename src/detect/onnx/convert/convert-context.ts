import { ModelConvertError } from './convert-error.ts';
import { type Layout, NCHW_TO_NHWC, NHWC_TO_NCHW, onnxShape, padShape, permute, transposeData } from './layout.ts';
import type { OnnxGraphBuilder } from './onnx-builder.ts';
import type { TfNode } from './tf-graph.ts';
import type { ConstTensor } from './tf-weights.ts';

/** A TF tensor known at conversion time (a Const node's value), in TF order. */
export type ConstValue = ConstTensor & { readonly kind: 'const'; readonly name: string };

/**
 * Per TF dimension of a tensor, the symbolic input dimension (`height`, `width`) its size follows,
 * or undefined where the size is fixed. Shapes are traced at the reference input size; a dimension
 * with a symbol holds its size at that reference and scales with the input.
 */
export type Symbols = readonly (string | undefined)[];

/** A TF tensor computed by the ONNX graph: its ONNX name, its TF shape, and the layout ONNX holds it in. */
export interface TensorValue {
  readonly kind: 'tensor';
  readonly name: string;
  /** TF shape; under a symbolic input, at the reference input size. */
  readonly shape: readonly number[];
  readonly layout: Layout;
  readonly dtype: 'float32' | 'int32' | 'bool';
  /** Which dimensions follow the symbolic input size (all undefined for a fixed-size model). */
  readonly symbols: Symbols;
}

/** What a TF node's output 0 becomes during conversion. */
export type Value = ConstValue | TensorValue;

/**
 * Builds a {@link TensorValue}; `layout` `nchw` needs a rank-4 TF shape. `symbols` says which
 * dimensions follow the symbolic input size (none when omitted or empty).
 */
export function tensorValue(name: string, shape: readonly number[], layout: Layout, dtype: TensorValue['dtype'], symbols: Symbols): TensorValue {
  if (layout === 'nchw' && shape.length !== 4) throw new RangeError(`an NCHW tensor needs rank 4, ${name} has [${shape.join(',')}]`);
  const full = symbols.length === 0 ? new Array<undefined>(shape.length).fill(undefined) : symbols;
  if (full.length !== shape.length) throw new RangeError(`${name} has rank ${shape.length} but ${full.length} symbols`);
  return { kind: 'tensor', name, shape, layout, dtype, symbols: full };
}

/** The symbols of `v`: a constant's dimensions are all fixed. */
export function symbolsOf(v: Value): Symbols {
  return v.kind === 'tensor' ? v.symbols : new Array<undefined>(v.shape.length).fill(undefined);
}

/** Whether some dimension of `v` follows the symbolic input size. */
export function isSymbolic(v: Value): boolean {
  return v.kind === 'tensor' && v.symbols.some((s) => s !== undefined);
}

/** Input `index` of `node`, which must be a constant (shapes, axes, sizes, paddings, weights). */
export function constInput(node: TfNode, inputs: readonly Value[], index: number, what: string): ConstValue {
  const v = inputs[index];
  if (v === undefined) throw new ModelConvertError(`${node.op} node ${node.name} lacks input ${index} (${what})`, { op: node.op, node: node.name });
  if (v.kind !== 'const') {
    throw new ModelConvertError(`${node.op} node ${node.name}: input ${index} (${what}) must be a constant, not a computed tensor`, { op: node.op, node: node.name });
  }
  return v;
}

/** Input `index` of `node`, which must exist. */
export function anyInput(node: TfNode, inputs: readonly Value[], index: number): Value {
  const v = inputs[index];
  if (v === undefined) throw new ModelConvertError(`${node.op} node ${node.name} lacks input ${index}`, { op: node.op, node: node.name });
  return v;
}

/** The values of a constant as plain numbers (axes, shapes, sizes). */
export function constNumbers(c: ConstValue): number[] {
  return Array.from(c.data, Number);
}

/** What the op converters need to know of the conversion's options. */
export interface ConvertSettings {
  /** TF node name of a convolution -> the output channels it keeps, in that order. */
  readonly keepChannels: ReadonlyMap<string, readonly number[]>;
}

/**
 * The state of one conversion: the ONNX graph being built, plus the re-laid copies of tensors and
 * constants (each made once, however many nodes use it).
 */
export class ConvertContext {
  readonly g: OnnxGraphBuilder;
  readonly settings: ConvertSettings;
  private readonly views = new Map<string, string>();

  /** Starts a conversion writing into `g`. */
  constructor(g: OnnxGraphBuilder, settings: ConvertSettings = { keepChannels: new Map() }) {
    this.g = g;
    this.settings = settings;
  }

  private cached(key: string, make: () => string): string {
    const hit = this.views.get(key);
    if (hit !== undefined) return hit;
    const made = make();
    this.views.set(key, made);
    return made;
  }

  private constant(c: ConstValue, shape: readonly number[], layout: Layout, key: string): string {
    return this.cached(`const:${c.name}:${key}`, () => {
      const data = layout === 'nchw' ? transposeData(c.data, shape, NHWC_TO_NCHW) : c.data;
      const dims = onnxShape(shape, layout);
      if (c.dtype === 'float32') return this.g.initializer(c.name, 'float32', dims, data as Float32Array);
      if (c.dtype === 'int32') return this.g.initializer(c.name, 'int32', dims, data as Int32Array);
      return this.g.initializer(c.name, 'bool', dims, data as Uint8Array);
    });
  }

  /** The ONNX name of `v` held in `layout` (same rank), adding a Transpose or an initializer when needed. */
  input(v: Value, layout: Layout): string {
    if (layout === 'nchw' && v.shape.length !== 4) throw new RangeError(`${v.name} has rank ${v.shape.length}, not 4: it cannot be NCHW`);
    if (v.kind === 'const') return this.constant(v, v.shape, layout, layout);
    if (v.layout === layout) return v.name;
    return this.cached(`tensor:${v.name}:${layout}`, () =>
      this.g.node('Transpose', [v.name], { perm: layout === 'nchw' ? NHWC_TO_NCHW : NCHW_TO_NHWC }, `${v.name}/${layout}`),
    );
  }

  /**
   * The ONNX name of `v` as an operand of a broadcasting op whose result has rank `rank` in `layout`:
   * in NCHW, a lower-rank operand (a per-channel vector [C]) is padded to rank 4 and re-laid ([C,1,1]).
   */
  operand(v: Value, rank: number, layout: Layout): string {
    const r = v.shape.length;
    if (r === rank) return this.input(v, layout);
    if (layout === 'tf' || r === 0) return this.input(v, 'tf');
    const padded = padShape(v.shape, 4);
    if (v.kind === 'const') return this.constant(v, padded, 'nchw', 'broadcast-nchw');
    if (isSymbolic(v)) throw new RangeError(`${v.name} has a size that follows the symbolic input size and rank ${r}: it cannot be broadcast against an NCHW tensor`);
    return this.cached(`tensor:${v.name}:broadcast-nchw`, () => {
      const flat = this.input(v, 'tf');
      const reshaped = this.g.node('Reshape', [flat, this.g.int64s(`${v.name}/shape4`, padded)], {}, `${v.name}/rank4`);
      return this.g.node('Transpose', [reshaped], { perm: NHWC_TO_NCHW }, `${v.name}/nchw`);
    });
  }

  /** The TF shape `shape` permuted to the dims ONNX holds it in under `layout`. */
  dims(shape: readonly number[], layout: Layout): number[] {
    return layout === 'nchw' ? permute(shape, NHWC_TO_NCHW) : [...shape];
  }
}

/** Converts one TF node, given the values of its inputs, into ONNX nodes; returns the value of its output 0. */
export type OpConverter = (node: TfNode, inputs: readonly Value[], ctx: ConvertContext) => Value;
