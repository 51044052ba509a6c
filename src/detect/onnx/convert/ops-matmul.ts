import { applyActivation, parseFusedOps } from './activations.ts';
import { anyInput, isSymbolic, type OpConverter, tensorValue } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import { attrBool, attrStrings } from './tf-graph.ts';

/**
 * MatMul / _FusedMatMul of two rank-2 tensors as ONNX Gemm (transposes as attributes, the fused
 * bias as Gemm's C), followed by the fused activation.
 */
function convertMatMul(fused: boolean): OpConverter {
  return (node, inputs, ctx) => {
    const a = anyInput(node, inputs, 0);
    const b = anyInput(node, inputs, 1);
    const site = { op: node.op, node: node.name };
    if (a.shape.length !== 2 || b.shape.length !== 2) {
      throw new ModelConvertError(`${node.op} node ${node.name}: only rank-2 operands are supported, got [${a.shape.join(',')}] x [${b.shape.join(',')}]`, site);
    }
    if (isSymbolic(a) || isSymbolic(b)) throw new ModelConvertError(`${node.op} node ${node.name}: an operand's size follows the symbolic input size`, site);
    const transA = attrBool(node, 'transpose_a', false);
    const transB = attrBool(node, 'transpose_b', false);
    const m = transA ? a.shape[1]! : a.shape[0]!;
    const k = transA ? a.shape[0]! : a.shape[1]!;
    const kb = transB ? b.shape[1]! : b.shape[0]!;
    const n = transB ? b.shape[0]! : b.shape[1]!;
    if (k !== kb) throw new ModelConvertError(`${node.op} node ${node.name}: inner dimensions ${k} and ${kb} differ`, site);
    const { bias, activation } = fused ? parseFusedOps(node, attrStrings(node, 'fused_ops')) : { bias: false, activation: undefined };
    const extra = inputs.slice(2);
    const biasValue = bias ? extra[0] : undefined;
    const alpha = bias ? extra[1] : extra[0];
    if (bias && biasValue === undefined) throw new ModelConvertError(`${node.op} node ${node.name}: fused_ops has BiasAdd but no bias input`, site);
    const gemmInputs = [ctx.input(a, 'tf'), ctx.input(b, 'tf')];
    if (biasValue) gemmInputs.push(ctx.input(biasValue, 'tf'));
    const shape = [m, n];
    let out = ctx.g.node('Gemm', gemmInputs, { transA: transA ? 1 : 0, transB: transB ? 1 : 0 }, activation === undefined ? node.name : `${node.name}/gemm`);
    if (activation !== undefined) out = applyActivation(ctx, node, activation, { x: out, shape, layout: 'tf', hint: node.name }, alpha);
    return tensorValue(out, shape, 'tf', 'float32', []);
  };
}

/** The matrix-product converters, by TF op name. */
export const MATMUL_OPS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([
  ['MatMul', convertMatMul(false)],
  ['_FusedMatMul', convertMatMul(true)],
]);
