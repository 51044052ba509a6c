import { anyInput, type OpConverter, symbolsOf, tensorValue } from './convert-context.ts';
import { attrFloat, type TfInputRef, type TfNode } from './tf-graph.ts';
import type { ConstTensor } from './tf-weights.ts';

/** The op of a hard-swish found by {@link fuseHardSwish}; no TF op has this name. */
export const HARD_SWISH_OP = 'sightline:HardSwish';

/**
 * Attribute of a convolution that multiplies its input by a constant: the factor of a hard-swish
 * that feeds only that convolution, folded into its weights.
 */
export const INPUT_SCALE_ATTR = 'sightline:input_scale';

/** The TF convolutions whose weights a factor on their input (input 0) folds into. */
const CONV_OPS: ReadonlySet<string> = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);

/**
 * How far the constant factor of a matched hard-swish may be from 1/6, relatively: tfjs-converter
 * stores weights as float16, whose nearest value to 1/6 (0.16663) is 2.4e-4 below it.
 */
const SIXTH_TOLERANCE = 2 ** -10;

/** A product found under a Mul node: its scalar constant factors and its tensor factors. */
interface Factors {
  readonly constants: readonly number[];
  readonly tensors: readonly TfInputRef[];
}

/**
 * Rewrites every hard-swish the TF graph spells with elementwise ops — `x * relu6(x + 3) / 6` in
 * any order of the factors, the 1/6 as a multiplier or a division by 6 — into one node of op
 * {@link HARD_SWISH_OP} reading `x`, which becomes ONNX `HardSwish`. The rewritten node keeps its
 * name, so its consumers are unchanged; the Add, Relu6 and Mul nodes it replaced are left in the
 * list and dropped by the pruning of the conversion unless something else reads them. `consts`
 * holds the values of the Const nodes.
 *
 * The graph's constant is often not exactly 1/6 (tfjs stores it as float16), so the result is
 * `HardSwish(x)` times 6·constant: that factor is folded into the weights of the convolution that
 * reads the node when that is its only reader (and the node is not one of `outputs`), else kept as
 * the node's `scale`.
 */
export function fuseHardSwish(nodes: readonly TfNode[], consts: ReadonlyMap<string, ConstTensor>, outputs: ReadonlySet<string> = new Set()): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const scalar = (ref: TfInputRef): number | undefined => {
    const n = byName.get(ref.node);
    const c = n?.op === 'Const' && ref.index === 0 ? consts.get(n.name) : undefined;
    return c?.dtype === 'float32' && c.data.length === 1 ? c.data[0] : undefined;
  };
  const factors = (ref: TfInputRef, depth: number): Factors => {
    const k = scalar(ref);
    if (k !== undefined) return { constants: [k], tensors: [] };
    const n = byName.get(ref.node);
    if (n !== undefined && ref.index === 0 && depth > 0 && n.inputs.length === 2) {
      const [a, b] = n.inputs as [TfInputRef, TfInputRef];
      if (n.op === 'Mul') {
        const fa = factors(a, depth - 1);
        const fb = factors(b, depth - 1);
        return { constants: [...fa.constants, ...fb.constants], tensors: [...fa.tensors, ...fb.tensors] };
      }
      const divisor = n.op === 'RealDiv' ? scalar(b) : undefined;
      if (divisor !== undefined && divisor !== 0) {
        const fa = factors(a, depth - 1);
        return { constants: [...fa.constants, 1 / divisor], tensors: fa.tensors };
      }
    }
    return { constants: [], tensors: [ref] };
  };
  /** The `x` of `relu6(x + 3)` when `ref` is that, else undefined. */
  const reluOfPlusThree = (ref: TfInputRef): TfInputRef | undefined => {
    const relu = byName.get(ref.node);
    if (relu?.op !== 'Relu6' || ref.index !== 0 || relu.inputs.length !== 1) return undefined;
    const add = byName.get(relu.inputs[0]!.node);
    if ((add?.op !== 'Add' && add?.op !== 'AddV2') || relu.inputs[0]!.index !== 0 || add.inputs.length !== 2) return undefined;
    const [a, b] = add.inputs as [TfInputRef, TfInputRef];
    if (scalar(b) === 3 && scalar(a) === undefined) return a;
    if (scalar(a) === 3 && scalar(b) === undefined) return b;
    return undefined;
  };
  const same = (a: TfInputRef, b: TfInputRef): boolean => a.node === b.node && a.index === b.index;
  const fused = nodes.map((node): TfNode => {
    if (node.op !== 'Mul' && node.op !== 'RealDiv') return node;
    const { constants, tensors } = factors({ node: node.name, index: 0 }, 3);
    if (tensors.length !== 2) return node;
    const [t0, t1] = tensors as [TfInputRef, TfInputRef];
    const x0 = reluOfPlusThree(t0);
    const x1 = reluOfPlusThree(t1);
    const x = x0 !== undefined && same(x0, t1) ? t1 : x1 !== undefined && same(x1, t0) ? t0 : undefined;
    const sixth = constants.reduce((p, k) => p * k, 1);
    if (x === undefined || Math.abs(sixth * 6 - 1) > SIXTH_TOLERANCE) return node;
    return { name: node.name, op: HARD_SWISH_OP, inputs: [x], attr: { scale: { f: sixth * 6 } } };
  });
  return foldScales(fused, outputs);
}

/** Ops through which a factor on one input reaches the output unchanged (`op(k·x) = k·op(x)` for k > 0). */
const HOMOGENEOUS_OPS: ReadonlySet<string> = new Set(['Identity', 'Mean', 'Mul', 'MaxPool', 'AvgPool', 'Relu', 'Reshape', 'Squeeze', 'ExpandDims']);

/**
 * Moves the `scale` of each hard-swish into the weights of the convolutions its value reaches:
 * through ops that carry a positive factor along (a mean, a product with another tensor, a
 * pooling...), each path must end at a convolution's input. Where some path does not (a residual
 * Add, an output), the hard-swish keeps its scale.
 */
function foldScales(nodes: readonly TfNode[], outputs: ReadonlySet<string>): TfNode[] {
  const readers = new Map<string, TfNode[]>();
  for (const n of nodes) for (const ref of n.inputs) readers.set(ref.node, [...(readers.get(ref.node) ?? []), n]);
  const folds = new Map<string, number>();
  /** The convolutions that absorb a factor on `name`'s output, or undefined when some reader cannot. */
  const absorbers = (name: string, seen: Set<string>): string[] | undefined => {
    if (outputs.has(name)) return undefined;
    const list = readers.get(name) ?? [];
    if (list.length === 0) return undefined;
    const convs: string[] = [];
    for (const r of list) {
      if (seen.has(r.name) || folds.has(r.name)) return undefined;
      seen.add(r.name);
      const at = r.inputs.flatMap((ref, i) => (ref.node === name ? [i] : []));
      if (at.length !== 1 || at.some((i) => r.inputs[i]!.index !== 0)) return undefined;
      if (CONV_OPS.has(r.op)) {
        if (at[0] !== 0) return undefined;
        convs.push(r.name);
        continue;
      }
      if (!HOMOGENEOUS_OPS.has(r.op) || (r.op !== 'Mul' && at[0] !== 0)) return undefined;
      const further = absorbers(r.name, seen);
      if (further === undefined) return undefined;
      convs.push(...further);
    }
    return convs;
  };
  const out = nodes.map((node): TfNode => {
    const scale = node.op === HARD_SWISH_OP ? attrFloat(node, 'scale', 1) : 1;
    if (!(scale > 0) || scale === 1) return node;
    const convs = absorbers(node.name, new Set());
    if (convs === undefined) return node;
    for (const c of convs) folds.set(c, scale);
    return { ...node, attr: { scale: { f: 1 } } };
  });
  return out.map((node) => {
    const scale = folds.get(node.name);
    return scale === undefined ? node : { ...node, attr: { ...node.attr, [INPUT_SCALE_ATTR]: { f: scale } } };
  });
}

/**
 * ONNX `HardSwish` (opset 14), `x * max(0, min(1, x / 6 + 1 / 2))`, for a node made by
 * {@link fuseHardSwish}; its `scale` attribute (6 times the graph's constant) multiplies the result
 * when it is not 1, so that the value is the graph's own.
 */
const hardSwish: OpConverter = (node, inputs, ctx) => {
  const x = anyInput(node, inputs, 0);
  const layout = x.kind === 'tensor' ? x.layout : 'tf';
  const scale = attrFloat(node, 'scale', 1);
  let out = ctx.g.node('HardSwish', [ctx.input(x, layout)], {}, scale === 1 ? node.name : `${node.name}/hard_swish`);
  if (scale !== 1) out = ctx.g.node('Mul', [out, ctx.g.floatScalar(`${node.name}/scale`, scale)], {}, node.name);
  return tensorValue(out, x.shape, layout, 'float32', symbolsOf(x));
};

/** The converters of the nodes the graph rewrites make, by op name. */
export const FUSED_OPS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([[HARD_SWISH_OP, hardSwish]]);
