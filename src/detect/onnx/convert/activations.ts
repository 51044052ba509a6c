import type { ConvertContext, Value } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import type { Layout } from './layout.ts';
import { attrFloat, type TfNode } from './tf-graph.ts';

/** Activations TF fuses into `_FusedConv2D`, `FusedDepthwiseConv2dNative` and `_FusedMatMul` (`fused_ops[1]`). */
export const FUSED_ACTIVATIONS: readonly string[] = ['Relu', 'Relu6', 'Elu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Prelu'];

/** Where an activation is applied: the ONNX tensor, its TF shape and layout, and a name hint. */
export interface ActivationTarget {
  readonly x: string;
  readonly shape: readonly number[];
  readonly layout: Layout;
  readonly hint: string;
}

/**
 * Emits the ONNX op(s) of TF activation `name` (as spelt in `fused_ops` or as an op) on `target`;
 * `alpha` is Prelu's slope tensor. Relu6 becomes Clip(0, 6).
 */
export function applyActivation(ctx: ConvertContext, node: TfNode, name: string, target: ActivationTarget, alpha?: Value): string {
  const { x, hint } = target;
  switch (name) {
    case 'Relu':
      return ctx.g.node('Relu', [x], {}, hint);
    case 'Relu6':
      return ctx.g.node('Clip', [x, ctx.g.floatScalar(`${hint}/min`, 0), ctx.g.floatScalar(`${hint}/max`, 6)], {}, hint);
    case 'Elu':
      return ctx.g.node('Elu', [x], { alpha: { f: 1 } }, hint);
    case 'Sigmoid':
      return ctx.g.node('Sigmoid', [x], {}, hint);
    case 'Tanh':
      return ctx.g.node('Tanh', [x], {}, hint);
    case 'LeakyRelu':
      return ctx.g.node('LeakyRelu', [x], { alpha: { f: attrFloat(node, 'leakyrelu_alpha', attrFloat(node, 'alpha', 0.2)) } }, hint);
    case 'Prelu': {
      if (alpha === undefined) throw new ModelConvertError(`${node.op} node ${node.name} fuses Prelu but has no alpha input`, { op: node.op, node: node.name });
      return ctx.g.node('PRelu', [x, ctx.operand(alpha, target.shape.length, target.layout)], {}, hint);
    }
    default:
      throw new ModelConvertError(`${node.op} node ${node.name}: fused activation ${name} is not supported (supported: ${FUSED_ACTIVATIONS.join(', ')})`, {
        op: node.op,
        node: node.name,
      });
  }
}

/**
 * Splits a fused op's `fused_ops` list into whether it adds a bias and which activation follows;
 * FusedBatchNorm (which tfjs itself rejects) and unknown lists give a clear error.
 */
export function parseFusedOps(node: TfNode, fusedOps: readonly string[]): { readonly bias: boolean; readonly activation: string | undefined } {
  const [first, second, ...rest] = fusedOps;
  const fail = (why: string): never => {
    throw new ModelConvertError(`${node.op} node ${node.name}: fused_ops [${fusedOps.join(', ')}] ${why}`, { op: node.op, node: node.name });
  };
  if (rest.length > 0) return fail('has more than two ops');
  if (first === undefined) return { bias: false, activation: undefined };
  if (first === 'FusedBatchNorm') return fail('uses FusedBatchNorm, which is not supported');
  if (first === 'BiasAdd') return { bias: true, activation: second };
  if (second !== undefined) return fail('does not start with BiasAdd');
  return { bias: false, activation: first };
}
