import { applyActivation, parseFusedOps } from './activations.ts';
import { anyInput, constInput, type OpConverter, symbolsOf, tensorValue, type Value } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import { transposeData } from './layout.ts';
import { INPUT_SCALE_ATTR } from './fusions.ts';
import { attrFloat, attrInts, attrString, attrStrings, type TfNode } from './tf-graph.ts';

/** Explicit ONNX pads ([top, left, bottom, right]) and the output size of a 2-D window op. */
export interface Window2d {
  readonly pads: readonly [number, number, number, number];
  readonly outH: number;
  readonly outW: number;
}

function fail(node: TfNode, why: string): never {
  throw new ModelConvertError(`${node.op} node ${node.name}: ${why}`, { op: node.op, node: node.name });
}

/** The H and W entries of an NHWC 4-vector attribute (`strides`, `dilations`, `ksize`), checking N and C are 1. */
function hw(node: TfNode, key: string): [number, number] {
  const v = attrInts(node, key) ?? [1, 1, 1, 1];
  if (v.length === 0) return [1, 1];
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) fail(node, `${key} [${v.join(',')}] must be [1, h, w, 1]`);
  return [v[1]!, v[2]!];
}

function checkNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format') ?? 'NHWC';
  if (format !== 'NHWC') fail(node, `data_format ${format} is not supported (only NHWC)`);
}

/**
 * TF's padding of a 2-D window op as explicit pads: SAME pads ceil-divided output with the odd
 * extra row/column at the end (bottom/right), VALID pads nothing, EXPLICIT reads `explicit_paddings`.
 */
export function windowPads(node: TfNode, inH: number, inW: number, kernel: readonly [number, number], strides: readonly [number, number], dilations: readonly [number, number] = [1, 1]): Window2d {
  const effH = (kernel[0] - 1) * dilations[0] + 1;
  const effW = (kernel[1] - 1) * dilations[1] + 1;
  const padding = attrString(node, 'padding') ?? 'VALID';
  if (padding === 'SAME') {
    const outH = Math.ceil(inH / strides[0]);
    const outW = Math.ceil(inW / strides[1]);
    const padH = Math.max(0, (outH - 1) * strides[0] + effH - inH);
    const padW = Math.max(0, (outW - 1) * strides[1] + effW - inW);
    const top = Math.floor(padH / 2);
    const left = Math.floor(padW / 2);
    return { pads: [top, left, padH - top, padW - left], outH, outW };
  }
  if (padding === 'VALID') {
    return { pads: [0, 0, 0, 0], outH: Math.ceil((inH - effH + 1) / strides[0]), outW: Math.ceil((inW - effW + 1) / strides[1]) };
  }
  if (padding === 'EXPLICIT') {
    const e = attrInts(node, 'explicit_paddings') ?? [];
    if (e.length !== 8) fail(node, `explicit_paddings has ${e.length} entries, not 8`);
    const [top, bottom, left, right] = [e[2]!, e[3]!, e[4]!, e[5]!];
    return {
      pads: [top, left, bottom, right],
      outH: Math.floor((inH + top + bottom - effH) / strides[0]) + 1,
      outW: Math.floor((inW + left + right - effW) / strides[1]) + 1,
    };
  }
  return fail(node, `padding ${padding} is not supported`);
}

function spatialInput(node: TfNode, inputs: readonly Value[]): Value & { readonly shape: readonly [number, number, number, number] } {
  const x = anyInput(node, inputs, 0);
  if (x.shape.length !== 4) fail(node, `input has shape [${x.shape.join(',')}], not NHWC rank 4`);
  return x as Value & { readonly shape: readonly [number, number, number, number] };
}

/**
 * The ONNX padding attributes of a window op: explicit pads, except that SAME padding of an input
 * whose H or W follows the symbolic input size becomes `auto_pad: SAME_UPPER`, which is TF's SAME
 * (the odd extra row/column at the end) at every size, not only at the reference one.
 */
function padAttrs(node: TfNode, x: Value, win: Window2d): { pads: readonly number[] } | { auto_pad: string } {
  const [, h, w] = symbolsOf(x);
  if ((h !== undefined || w !== undefined) && (attrString(node, 'padding') ?? 'VALID') === 'SAME') return { auto_pad: 'SAME_UPPER' };
  return { pads: win.pads };
}

/** Keeps the output channels `keep` (in that order) of `data`, laid out with the output channel first. */
function pickOutputChannels(data: Float32Array, outC: number, keep: readonly number[]): Float32Array {
  const per = data.length / outC;
  const out = new Float32Array(keep.length * per);
  keep.forEach((c, i) => out.set(data.subarray(c * per, (c + 1) * per), i * per));
  return out;
}

/** Converts Conv2D / DepthwiseConv2dNative and their fused forms (bias and activation) to ONNX Conv. */
function convertConv(depthwise: boolean, fused: boolean): OpConverter {
  return (node, inputs, ctx) => {
    checkNhwc(node);
    const x = spatialInput(node, inputs);
    const f = constInput(node, inputs, 1, 'filter');
    if (f.dtype !== 'float32' || f.shape.length !== 4) fail(node, 'filter must be a float32 rank-4 constant');
    const [kh, kw, fin, fout] = f.shape as readonly [number, number, number, number];
    const [n, h, w, c] = x.shape;
    let weights: Float32Array;
    let dims: number[];
    let group: number;
    if (depthwise) {
      if (fin !== c) fail(node, `depthwise filter has ${fin} input channels but the input has ${c}`);
      weights = transposeData(f.data, f.shape, [2, 3, 0, 1]);
      dims = [c * fout, 1, kh, kw];
      group = c;
    } else {
      if (c % fin !== 0) fail(node, `filter has ${fin} input channels, which does not divide the input's ${c}`);
      weights = transposeData(f.data, f.shape, [3, 2, 0, 1]);
      dims = [fout, fin, kh, kw];
      group = c / fin;
    }
    const inputScale = attrFloat(node, INPUT_SCALE_ATTR, 1);
    if (inputScale !== 1) weights = weights.map((v) => v * inputScale);
    const keep = ctx.settings.keepChannels.get(node.name);
    if (keep !== undefined) {
      if (depthwise) fail(node, 'keepChannels applies to Conv2D, not to depthwise convolutions');
      if (keep.some((k) => !Number.isInteger(k) || k < 0 || k >= fout)) fail(node, `keepChannels [${keep.join(',')}] must be channels 0..${fout - 1}`);
      weights = pickOutputChannels(weights, fout, keep);
      dims = [keep.length, fin, kh, kw];
    }
    const outC = dims[0]!;
    const strides = hw(node, 'strides');
    const dilations = hw(node, 'dilations');
    const win = windowPads(node, h, w, [kh, kw], strides, dilations);
    const { bias, activation } = fused ? parseFusedOps(node, attrStrings(node, 'fused_ops')) : { bias: false, activation: undefined };
    const extra = inputs.slice(2);
    const biasValue = bias ? extra[0] : undefined;
    const alpha = bias ? extra[1] : extra[0];
    if (bias && biasValue === undefined) fail(node, 'fused_ops has BiasAdd but the node has no bias input');
    const shape = [n, win.outH, win.outW, outC];
    const convInputs = [ctx.input(x, 'nchw'), ctx.g.initializer(`${node.name}/weights`, 'float32', dims, weights)];
    const constBias = biasValue?.kind === 'const' && biasValue.shape.length === 1 && biasValue.dtype === 'float32' ? biasValue : undefined;
    if (constBias) {
      const data = constBias.data as Float32Array;
      convInputs.push(ctx.g.initializer(`${node.name}/bias`, 'float32', [outC], keep === undefined ? data : pickOutputChannels(data, fout, keep)));
    }
    const attrs = { kernel_shape: [kh, kw], strides, dilations, ...padAttrs(node, x, win), group };
    const tensorBias = constBias === undefined ? biasValue : undefined;
    if (keep !== undefined && (tensorBias !== undefined || activation === 'Prelu')) fail(node, 'keepChannels needs a constant bias and no Prelu');
    let out = ctx.g.node('Conv', convInputs, attrs, activation !== undefined || tensorBias !== undefined ? `${node.name}/conv` : node.name);
    if (tensorBias) out = ctx.g.node('Add', [out, ctx.operand(tensorBias, 4, 'nchw')], {}, activation !== undefined ? `${node.name}/bias` : node.name);
    const symbols = [undefined, ...symbolsOf(x).slice(1, 3), undefined];
    if (activation !== undefined) out = applyActivation(ctx, node, activation, { x: out, shape, layout: 'nchw', hint: node.name }, alpha);
    return tensorValue(out, shape, 'nchw', 'float32', symbols);
  };
}

/** Converts MaxPool / AvgPool with SAME or VALID padding (averages exclude the padding, as TF does). */
function convertPool(onnxOp: 'MaxPool' | 'AveragePool'): OpConverter {
  return (node, inputs, ctx) => {
    checkNhwc(node);
    const x = spatialInput(node, inputs);
    const [n, h, w, c] = x.shape;
    const kernel = hw(node, 'ksize');
    const strides = hw(node, 'strides');
    const win = windowPads(node, h, w, kernel, strides);
    const attrs = { kernel_shape: kernel, strides, ...padAttrs(node, x, win), ...(onnxOp === 'AveragePool' ? { count_include_pad: 0 } : {}) };
    const out = ctx.g.node(onnxOp, [ctx.input(x, 'nchw')], attrs, node.name);
    return tensorValue(out, [n, win.outH, win.outW, c], 'nchw', 'float32', [undefined, ...symbolsOf(x).slice(1, 3), undefined]);
  };
}

/** The convolution and pooling converters, by TF op name. */
export const CONV_OPS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([
  ['Conv2D', convertConv(false, false)],
  ['_FusedConv2D', convertConv(false, true)],
  ['DepthwiseConv2dNative', convertConv(true, false)],
  ['FusedDepthwiseConv2dNative', convertConv(true, true)],
  ['MaxPool', convertPool('MaxPool')],
  ['AvgPool', convertPool('AveragePool')],
]);
