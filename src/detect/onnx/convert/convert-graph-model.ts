import type { GraphModelFiles } from '../../model-files.ts';
import { ConvertContext, tensorValue, type Value } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout.ts';
import { OnnxGraphBuilder, type OnnxElemType } from './onnx-builder.ts';
import { OP_CONVERTERS } from './op-registry.ts';
import { attrShape, attrType, parseInputRef, type TfInputRef, type TfNode, parseTfNodes } from './tf-graph.ts';
import { decodeWeights } from './tf-weights.ts';

/** Version of the converter's output; bump it whenever the ONNX it writes changes, so caches are rebuilt. */
export const CONVERTER_VERSION = '1';

/** ONNX opset the converter writes. */
export const ONNX_OPSET = 17;

/** What to convert: the TF nodes to expose as outputs, and the input shape when the model's is dynamic. */
export interface ConvertOptions {
  /** TF node names (optionally `name:0`) to expose; only the subgraph they need is converted. */
  readonly outputs: readonly string[];
  /** Full NHWC shape of the model's single input; defaults to the Placeholder's shape with batch 1. */
  readonly inputShape?: readonly number[];
}

/** A graph input or output of the converted model: its name, static shape, and the order of its dimensions. */
export interface TensorDescription {
  readonly name: string;
  readonly shape: readonly number[];
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

function describe(name: string, shape: readonly number[], dtype: TensorDescription['dtype']): TensorDescription {
  return { name, shape: [...shape], layout: shape.length === 4 ? 'NHWC' : 'TF', dtype };
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
 * NHWC at the input and outputs, NCHW inside, weights dequantised to float32, static shapes.
 */
export function convertGraphModel(files: GraphModelFiles, options: ConvertOptions): ConvertedModel {
  if (options.outputs.length === 0) throw new ModelConvertError('no outputs requested');
  const nodes = parseTfNodes(files.json.modelTopology);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const roots = options.outputs.map((o) => parseInputRef(o) ?? { node: o, index: 0 });
  roots.forEach((r, i) => {
    if (r.index !== 0) throw new ModelConvertError(`output ${options.outputs[i]} is output ${r.index} of its node; only output 0 is supported`, { node: r.node });
  });
  const order = neededNodes(roots, byName);
  const unsupported = order.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !OP_CONVERTERS.has(n.op));
  if (unsupported.length > 0) {
    const list = unsupported.map((n) => `${n.op} (node ${n.name})`).join(', ');
    throw new ModelConvertError(`unsupported TF op${unsupported.length > 1 ? 's' : ''}: ${list}`, { op: unsupported[0]!.op, node: unsupported[0]!.name });
  }
  const placeholders = order.filter((n) => n.op === 'Placeholder');
  if (options.inputShape && placeholders.length !== 1) throw new ModelConvertError(`inputShape given but the outputs need ${placeholders.length} inputs`);
  const weights = decodeWeights(files.json.weightsManifest, files.weights);
  const g = new OnnxGraphBuilder();
  for (const name of [...options.outputs, ...placeholders.map((n) => n.name)]) g.reserve(name);
  const ctx = new ConvertContext(g);
  const values = new Map<string, Value>();
  const inputs: TensorDescription[] = [];
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
      inputs.push(describe(node.name, shape, dtype));
      const nchw = shape.length === 4 ? g.node('Transpose', [node.name], { perm: NHWC_TO_NCHW }, `${node.name}/nchw`) : undefined;
      values.set(node.name, tensorValue(nchw ?? node.name, shape, nchw ? 'nchw' : 'tf', dtype));
      continue;
    }
    const args = node.inputs.map((ref) => {
      if (ref.index !== 0) throw new ModelConvertError(`${node.op} node ${node.name} reads output ${ref.index} of ${ref.node}; only output 0 is supported`, site);
      return values.get(ref.node)!;
    });
    try {
      values.set(node.name, OP_CONVERTERS.get(node.op)!(node, args, ctx));
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
    return describe(name, v.shape, dtype);
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
