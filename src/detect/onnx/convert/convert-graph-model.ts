import type { GraphModelFiles } from '../../model-files.ts';
import { ConvertContext, type Symbols, tensorValue, type Value } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import { FUSED_OPS, HARD_SWISH_OP, fuseHardSwish } from './fusions.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout.ts';
import { OnnxGraphBuilder, type OnnxElemType } from './onnx-builder.ts';
import { OP_CONVERTERS } from './op-registry.ts';
import { attrShape, attrType, parseInputRef, type TfInputRef, type TfNode, parseTfNodes } from './tf-graph.ts';
import { type ConstTensor, decodeWeights } from './tf-weights.ts';

/** Version of the converter's output; bump it whenever the ONNX it writes changes, so caches are rebuilt. */
export const CONVERTER_VERSION = '2';

/** ONNX opset the converter writes (`HardSwish` needs 14). */
export const ONNX_OPSET = 17;

/** Names of the symbolic H and W of the input under {@link ConvertOptions.symbolicSize}. */
export const SYMBOLIC_HEIGHT = 'height';
export const SYMBOLIC_WIDTH = 'width';

/** What to convert: the TF nodes to expose as outputs, the input shape when the model's is dynamic, and the rewrites. */
export interface ConvertOptions {
  /** TF node names (optionally `name:0`) to expose; only the subgraph they need is converted. */
  readonly outputs: readonly string[];
  /**
   * Full NHWC shape of the model's single input; defaults to the Placeholder's shape with batch 1.
   * Under `symbolicSize`, the reference size at which shapes are traced.
   */
  readonly inputShape?: readonly number[];
  /**
   * Declares the H and W of the (single, rank-4) input symbolic, `height` and `width`: shapes are
   * traced at the reference `inputShape`, SAME padding becomes `auto_pad`, and each resize scales
   * by the factor its constant size has at the reference size (a graph frozen at one size spells
   * Keras' UpSampling2D so). The graph is then right at every size at which the model's strides
   * divide H and W (multiples of 32 for a MobileNet), not at others; a reshape, matrix product or
   * broadcast against a fixed size of a tensor that follows the input size is refused.
   */
  readonly symbolicSize?: boolean;
  /**
   * Output name -> the output channels (last axis) to keep, in that order. The convolution that
   * computes the output (through channelwise ops only: activations, Identity, scalar arithmetic)
   * computes only those channels; it and those ops must feed nothing else.
   */
  readonly keepChannels?: Readonly<Record<string, readonly number[]>>;
  /** Rewrites TF's elementwise hard-swish `x * relu6(x + 3) / 6` as ONNX `HardSwish` (default true). */
  readonly fuseHardSwish?: boolean;
}

/** A graph input or output of the converted model: its name, shape, and the order of its dimensions. */
export interface TensorDescription {
  readonly name: string;
  /**
   * Its dimensions as the ONNX graph declares them: a number, or under `symbolicSize` the name of a
   * symbolic one, `height` and `width` for the input and e.g. `height/4` for an output a quarter
   * of its size.
   */
  readonly shape: readonly (number | string)[];
  /** `NHWC` for images (as in TF, the model transposes internally); `TF` for other ranks, in TF's order. */
  readonly layout: 'NHWC' | 'TF';
  readonly dtype: 'float32' | 'int32';
}

/** A converted model: ONNX ModelProto bytes plus a description of its inputs and outputs. */
export interface ConvertedModel {
  readonly onnx: Uint8Array;
  readonly inputs: readonly TensorDescription[];
  readonly outputs: readonly TensorDescription[];
}

function describe(name: string, shape: readonly (number | string)[], dtype: TensorDescription['dtype']): TensorDescription {
  return { name, shape: [...shape], layout: shape.length === 4 ? 'NHWC' : 'TF', dtype };
}

/**
 * The declared dims of a tensor of reference shape `shape`: a dimension that follows symbolic
 * input dim `sym` (of reference size `reference[sym]`) is named by its ratio to it (`height/4`,
 * `width*2`), or `<output>_<axis>` when the ratio is not a whole number either way.
 */
function declaredDims(output: string, shape: readonly number[], symbols: Symbols, reference: ReadonlyMap<string, number>): (number | string)[] {
  return shape.map((d, i) => {
    const sym = symbols[i];
    if (sym === undefined) return d;
    const ref = reference.get(sym)!;
    if (d === ref) return sym;
    if (ref % d === 0) return `${sym}/${ref / d}`;
    if (d % ref === 0) return `${sym}*${d / ref}`;
    return `${output}_${i}`;
  });
}

/** TF ops that act on each channel alone, through which {@link ConvertOptions.keepChannels} follows an output back to its convolution. */
const CHANNELWISE_OPS: ReadonlySet<string> = new Set(['Identity', 'Relu', 'Relu6', 'Elu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Exp', 'Sqrt', 'Neg', 'Abs', 'Rsqrt', 'Square', HARD_SWISH_OP]);
const SCALAR_ARITHMETIC_OPS: ReadonlySet<string> = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum']);

/**
 * The convolution each {@link ConvertOptions.keepChannels} entry prunes: walks back from the output
 * through channelwise ops (and arithmetic with a scalar constant) to a Conv2D / _FusedConv2D, each
 * step read by nothing but the next; returns conv node name -> channels.
 */
function channelSelections(
  keep: Readonly<Record<string, readonly number[]>>,
  roots: readonly TfInputRef[],
  outputs: readonly string[],
  order: readonly TfNode[],
  byName: ReadonlyMap<string, TfNode>,
  weights: ReadonlyMap<string, ConstTensor>,
): Map<string, readonly number[]> {
  const readers = new Map<string, number>();
  for (const n of order) for (const ref of n.inputs) readers.set(ref.node, (readers.get(ref.node) ?? 0) + 1);
  for (const r of roots) readers.set(r.node, (readers.get(r.node) ?? 0) + 1);
  const isScalar = (ref: TfInputRef): boolean => byName.get(ref.node)?.op === 'Const' && weights.get(ref.node)?.data.length === 1;
  const out = new Map<string, readonly number[]>();
  for (const [output, channels] of Object.entries(keep)) {
    const at = outputs.indexOf(output);
    if (at < 0) throw new ModelConvertError(`keepChannels names ${output}, which is not among the outputs`);
    if (channels.length === 0 || new Set(channels).size !== channels.length) throw new ModelConvertError(`keepChannels of ${output} must list distinct channels`);
    let node = byName.get(roots[at]!.node)!;
    for (;;) {
      if ((readers.get(node.name) ?? 0) !== 1) {
        throw new ModelConvertError(`keepChannels of ${output}: ${node.name} is also read by another node or output, which would lose channels`, { op: node.op, node: node.name });
      }
      if (node.op === 'Conv2D' || node.op === '_FusedConv2D') break;
      const tensors = node.inputs.filter((ref) => !(SCALAR_ARITHMETIC_OPS.has(node.op) && isScalar(ref)));
      const through = CHANNELWISE_OPS.has(node.op) || (SCALAR_ARITHMETIC_OPS.has(node.op) && node.inputs.length === 2) ? tensors : [];
      if (through.length !== 1 || through[0]!.index !== 0) {
        throw new ModelConvertError(`keepChannels of ${output}: ${node.op} node ${node.name} is not a channelwise op between the output and a Conv2D`, { op: node.op, node: node.name });
      }
      node = byName.get(through[0]!.node)!;
    }
    out.set(node.name, [...channels]);
  }
  return out;
}

/** The nodes the requested outputs depend on, producers first; everything else is pruned. */
function neededNodes(roots: readonly TfInputRef[], byName: ReadonlyMap<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: { node: TfNode; next: number }[] = [];
  const visit = (name: string, from: string | undefined): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'open') throw new ModelConvertError(`the graph has a cycle through node ${name}`, { node: name });
    const node = byName.get(name);
    if (!node) throw new ModelConvertError(from === undefined ? `no node named ${name} in the model` : `node ${from} reads ${name}, which is not in the model`, { node: name });
    state.set(name, 'open');
    stack.push({ node, next: 0 });
  };
  for (const root of roots) {
    visit(root.node, undefined);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const ref = top.node.inputs[top.next++];
      if (ref) {
        visit(ref.node, top.node.name);
      } else {
        stack.pop();
        state.set(top.node.name, 'done');
        order.push(top.node);
      }
    }
  }
  return order;
}

function elemType(node: TfNode): 'float32' | 'int32' {
  const t = attrType(node, 'dtype') ?? 'DT_FLOAT';
  if (t === 'DT_FLOAT') return 'float32';
  if (t === 'DT_INT32') return 'int32';
  throw new ModelConvertError(`input ${node.name} has dtype ${t}; only DT_FLOAT and DT_INT32 inputs are supported`, { op: node.op, node: node.name });
}

function inputShapeOf(node: TfNode, requested: readonly number[] | undefined): number[] {
  const declared = attrShape(node, 'shape');
  const site = { op: node.op, node: node.name };
  if (requested) {
    const fits = declared === undefined || (declared.length === requested.length && declared.every((d, i) => d === -1 || d === requested[i]));
    if (!fits || !requested.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ModelConvertError(`inputShape [${requested.join(',')}] does not fit input ${node.name} of shape [${declared?.join(',') ?? 'unknown'}]`, site);
    }
    return [...requested];
  }
  if (declared === undefined) throw new ModelConvertError(`input ${node.name} has an unknown shape: pass inputShape`, site);
  const shape = declared.map((d, i) => (i === 0 && d === -1 ? 1 : d));
  if (shape.some((d) => d < 0)) throw new ModelConvertError(`input ${node.name} has dynamic shape [${declared.join(',')}]: pass inputShape`, site);
  return shape;
}

/**
 * Converts the part of a TFJS graph model that `options.outputs` need into an ONNX model (opset 17):
 * NHWC at the input and outputs, NCHW inside, weights dequantised to float32, static shapes unless
 * `symbolicSize`, hard-swish fused and `keepChannels` pruned as the options say.
 */
export function convertGraphModel(files: GraphModelFiles, options: ConvertOptions): ConvertedModel {
  if (options.outputs.length === 0) throw new ModelConvertError('no outputs requested');
  const weights = decodeWeights(files.json.weightsManifest, files.weights);
  const parsed = parseTfNodes(files.json.modelTopology);
  const roots = options.outputs.map((o) => parseInputRef(o) ?? { node: o, index: 0 });
  const nodes = options.fuseHardSwish === false ? parsed : fuseHardSwish(parsed, weights, new Set(roots.map((r) => r.node)));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  roots.forEach((r, i) => {
    if (r.index !== 0) throw new ModelConvertError(`output ${options.outputs[i]} is output ${r.index} of its node; only output 0 is supported`, { node: r.node });
  });
  const order = neededNodes(roots, byName);
  const unsupported = order.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !OP_CONVERTERS.has(n.op) && !FUSED_OPS.has(n.op));
  if (unsupported.length > 0) {
    const list = unsupported.map((n) => `${n.op} (node ${n.name})`).join(', ');
    throw new ModelConvertError(`unsupported TF op${unsupported.length > 1 ? 's' : ''}: ${list}`, { op: unsupported[0]!.op, node: unsupported[0]!.name });
  }
  const placeholders = order.filter((n) => n.op === 'Placeholder');
  if (options.inputShape && placeholders.length !== 1) throw new ModelConvertError(`inputShape given but the outputs need ${placeholders.length} inputs`);
  if (options.symbolicSize && placeholders.length !== 1) throw new ModelConvertError(`symbolicSize needs one input, but the outputs need ${placeholders.length}`);
  const keepChannels = channelSelections(options.keepChannels ?? {}, roots, options.outputs, order, byName, weights);
  const g = new OnnxGraphBuilder();
  for (const name of [...options.outputs, ...placeholders.map((n) => n.name)]) g.reserve(name);
  const ctx = new ConvertContext(g, { keepChannels });
  const values = new Map<string, Value>();
  const inputs: TensorDescription[] = [];
  const reference = new Map<string, number>();
  for (const node of order) {
    const site = { op: node.op, node: node.name };
    if (node.op === 'Const') {
      const w = weights.get(node.name);
      if (!w) throw new ModelConvertError(`Const node ${node.name} has no entry in the weights manifest`, site);
      values.set(node.name, { ...w, kind: 'const', name: node.name });
      continue;
    }
    if (node.op === 'Placeholder') {
      const shape = inputShapeOf(node, options.inputShape);
      const dtype = elemType(node);
      if (options.symbolicSize && shape.length !== 4) throw new ModelConvertError(`symbolicSize needs an NHWC input, but ${node.name} has shape [${shape.join(',')}]`, site);
      const symbols: Symbols = options.symbolicSize ? [undefined, SYMBOLIC_HEIGHT, SYMBOLIC_WIDTH, undefined] : [];
      if (options.symbolicSize) {
        reference.set(SYMBOLIC_HEIGHT, shape[1]!);
        reference.set(SYMBOLIC_WIDTH, shape[2]!);
      }
      inputs.push(describe(node.name, options.symbolicSize ? [shape[0]!, SYMBOLIC_HEIGHT, SYMBOLIC_WIDTH, shape[3]!] : shape, dtype));
      const nchw = shape.length === 4 ? g.node('Transpose', [node.name], { perm: NHWC_TO_NCHW }, `${node.name}/nchw`) : undefined;
      values.set(node.name, tensorValue(nchw ?? node.name, shape, nchw ? 'nchw' : 'tf', dtype, symbols));
      continue;
    }
    const args = node.inputs.map((ref) => {
      if (ref.index !== 0) throw new ModelConvertError(`${node.op} node ${node.name} reads output ${ref.index} of ${ref.node}; only output 0 is supported`, site);
      return values.get(ref.node)!;
    });
    try {
      values.set(node.name, (OP_CONVERTERS.get(node.op) ?? FUSED_OPS.get(node.op)!)(node, args, ctx));
    } catch (cause) {
      if (cause instanceof ModelConvertError) throw cause;
      throw new ModelConvertError(`${node.op} node ${node.name}: ${cause instanceof Error ? cause.message : String(cause)}`, site, { cause });
    }
  }
  const outputs = options.outputs.map((name, i) => {
    const v = values.get(roots[i]!.node)!;
    const dtype = v.dtype;
    if (dtype === 'bool') throw new ModelConvertError(`output ${name} is boolean; only float32 and int32 outputs are supported`, { node: roots[i]!.node });
    const layout = v.kind === 'tensor' ? v.layout : 'tf';
    if (layout === 'nchw') g.node('Transpose', [ctx.input(v, 'nchw')], { perm: NCHW_TO_NHWC }, name, name);
    else g.node('Identity', [ctx.input(v, 'tf')], {}, name, name);
    return describe(name, declaredDims(name, v.shape, v.kind === 'tensor' ? v.symbols : [], reference), dtype);
  });
  const onnx = g.build({
    inputs: inputs.map((d) => ({ name: d.name, type: d.dtype satisfies OnnxElemType, shape: d.shape })),
    outputs: outputs.map((d) => ({ name: d.name, type: d.dtype, shape: d.shape })),
    opset: ONNX_OPSET,
    irVersion: 8,
    producerName: 'sightline-tfjs-to-onnx',
    producerVersion: CONVERTER_VERSION,
    graphName: 'converted-from-tfjs',
  });
  return { onnx, inputs, outputs };
}
