import { applyActivation } from './activations.ts';
import { anyInput, type OpConverter, type Symbols, symbolsOf, tensorValue, type Value } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import { broadcastShapes, type Layout, onnxAxis } from './layout.ts';
import { attrString, type TfNode } from './tf-graph.ts';

/** NCHW when the result is rank 4 and some operand already is NCHW; otherwise TF order. */
function binaryLayout(shape: readonly number[], operands: readonly Value[]): Layout {
  return shape.length === 4 && operands.some((v) => v.kind === 'tensor' && v.layout === 'nchw') ? 'nchw' : 'tf';
}

function broadcastOrFail(node: TfNode, a: Value, b: Value): number[] {
  try {
    return broadcastShapes(a.shape, b.shape);
  } catch (cause) {
    throw new ModelConvertError(`${node.op} node ${node.name}: operand shapes [${a.shape.join(',')}] and [${b.shape.join(',')}] do not broadcast`, { op: node.op, node: node.name }, { cause });
  }
}

/**
 * The symbols of a broadcast result: a dimension follows the symbolic input size when an operand's
 * does; the other operand must then have the same symbol there or broadcast from 1 (a fixed size
 * greater than 1 would match only at the reference size).
 */
function broadcastSymbols(node: TfNode, a: Value, b: Value, rank: number): Symbols {
  const align = (v: Value): Symbols => [...new Array<undefined>(rank - v.shape.length).fill(undefined), ...symbolsOf(v)];
  const align1 = (v: Value): number[] => [...new Array<number>(rank - v.shape.length).fill(1), ...v.shape];
  const [sa, sb, da, db] = [align(a), align(b), align1(a), align1(b)];
  return sa.map((x, i) => {
    const y = sb[i];
    if (x === y) return x;
    if ((x !== undefined && y === undefined && db[i] === 1) || (y !== undefined && x === undefined && da[i] === 1)) return x ?? y;
    throw new ModelConvertError(`${node.op} node ${node.name}: dimension ${i} of one operand follows the symbolic input size and the other's does not`, { op: node.op, node: node.name });
  });
}

/** A broadcasting binary op; constants broadcast in NHWC (a per-channel [C]) are re-laid for NCHW operands ([C,1,1]). */
function binary(onnxOp: string): OpConverter {
  return (node, inputs, ctx) => {
    if (node.op === 'BiasAdd' && (attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC') {
      throw new ModelConvertError(`BiasAdd node ${node.name}: only data_format NHWC is supported`, { op: node.op, node: node.name });
    }
    const a = anyInput(node, inputs, 0);
    const b = anyInput(node, inputs, 1);
    const shape = broadcastOrFail(node, a, b);
    const layout = binaryLayout(shape, [a, b]);
    const symbols = broadcastSymbols(node, a, b, shape.length);
    const out = ctx.g.node(onnxOp, [ctx.operand(a, shape.length, layout), ctx.operand(b, shape.length, layout)], {}, node.name);
    return tensorValue(out, shape, layout, a.dtype, symbols);
  };
}

function single(node: TfNode, inputs: readonly Value[]): Value & { readonly layout: Layout; readonly symbols: Symbols } {
  const x = anyInput(node, inputs, 0);
  return { ...x, layout: x.kind === 'tensor' ? x.layout : 'tf', symbols: symbolsOf(x) };
}

/** An activation op (Relu, Relu6, Sigmoid...), kept in its input's layout. */
function activation(name: string): OpConverter {
  return (node, inputs, ctx) => {
    const x = single(node, inputs);
    const out = applyActivation(ctx, node, name, { x: ctx.input(x, x.layout), shape: x.shape, layout: x.layout, hint: node.name });
    return tensorValue(out, x.shape, x.layout, x.dtype, x.symbols);
  };
}

/** A one-input elementwise ONNX op, kept in its input's layout. */
function unary(onnxOp: string): OpConverter {
  return (node, inputs, ctx) => {
    const x = single(node, inputs);
    const out = ctx.g.node(onnxOp, [ctx.input(x, x.layout)], {}, node.name);
    return tensorValue(out, x.shape, x.layout, x.dtype, x.symbols);
  };
}

const rsqrt: OpConverter = (node, inputs, ctx) => {
  const x = single(node, inputs);
  const root = ctx.g.node('Sqrt', [ctx.input(x, x.layout)], {}, `${node.name}/sqrt`);
  return tensorValue(ctx.g.node('Reciprocal', [root], {}, node.name), x.shape, x.layout, 'float32', x.symbols);
};

const square: OpConverter = (node, inputs, ctx) => {
  const x = single(node, inputs);
  const name = ctx.input(x, x.layout);
  return tensorValue(ctx.g.node('Mul', [name, name], {}, node.name), x.shape, x.layout, x.dtype, x.symbols);
};

/** Softmax over TF's last axis, wherever that axis sits in the ONNX layout. */
const softmax: OpConverter = (node, inputs, ctx) => {
  const x = single(node, inputs);
  const axis = onnxAxis(-1, x.shape.length, x.layout);
  return tensorValue(ctx.g.node('Softmax', [ctx.input(x, x.layout)], { axis }, node.name), x.shape, x.layout, 'float32', x.symbols);
};

/** Identity passes its input through: no ONNX node at all. */
const identity: OpConverter = (node, inputs) => anyInput(node, inputs, 0);

/** The elementwise converters, by TF op name. */
export const ELEMENTWISE_OPS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([
  ['Add', binary('Add')],
  ['AddV2', binary('Add')],
  ['BiasAdd', binary('Add')],
  ['Sub', binary('Sub')],
  ['Mul', binary('Mul')],
  ['RealDiv', binary('Div')],
  ['Maximum', binary('Max')],
  ['Minimum', binary('Min')],
  ['Relu', activation('Relu')],
  ['Relu6', activation('Relu6')],
  ['Elu', activation('Elu')],
  ['Sigmoid', activation('Sigmoid')],
  ['Tanh', activation('Tanh')],
  ['LeakyRelu', activation('LeakyRelu')],
  ['Exp', unary('Exp')],
  ['Sqrt', unary('Sqrt')],
  ['Neg', unary('Neg')],
  ['Abs', unary('Abs')],
  ['Rsqrt', rsqrt],
  ['Square', square],
  ['Softmax', softmax],
  ['Identity', identity],
]);
