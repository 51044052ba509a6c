import { anyInput, constInput, constNumbers, type ConvertContext, isSymbolic, type OpConverter, type Symbols, symbolsOf, tensorValue, type Value } from './convert-context.ts';
import { ModelConvertError } from './convert-error.ts';
import { type Layout, NHWC_TO_NCHW, onnxAxis, sizeOf } from './layout.ts';
import { attrBool, attrInts, attrString, type TfNode } from './tf-graph.ts';

function fail(node: TfNode, why: string): never {
  throw new ModelConvertError(`${node.op} node ${node.name}: ${why}`, { op: node.op, node: node.name });
}

function layoutOf(v: Value): Layout {
  return v.kind === 'tensor' ? v.layout : 'tf';
}

/** Emits a Reshape of `x` (taken in TF order) to the static `shape`; a tensor whose size follows the symbolic input size has none. */
function reshapeTo(ctx: ConvertContext, node: TfNode, x: Value, shape: readonly number[]): Value {
  if (isSymbolic(x)) fail(node, `its input [${x.shape.join(',')}] follows the symbolic input size, and a reshape to a fixed shape would hold only at the reference size`);
  if (sizeOf(shape) !== sizeOf(x.shape)) fail(node, `cannot reshape [${x.shape.join(',')}] to [${shape.join(',')}]`);
  const out = ctx.g.node('Reshape', [ctx.input(x, 'tf'), ctx.g.int64s(`${node.name}/shape`, shape)], {}, node.name);
  return tensorValue(out, shape, 'tf', x.dtype, []);
}

/** Reshape with a constant shape (one -1 inferred); the input is taken in TF order, so NCHW tensors are transposed back first. */
const reshape: OpConverter = (node, inputs, ctx) => {
  const x = anyInput(node, inputs, 0);
  const target = constNumbers(constInput(node, inputs, 1, 'shape'));
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape = target.map((d) => (d === -1 ? sizeOf(x.shape) / known : d));
  return reshapeTo(ctx, node, x, shape);
};

const squeeze: OpConverter = (node, inputs, ctx) => {
  const x = anyInput(node, inputs, 0);
  const dims = (attrInts(node, 'squeeze_dims') ?? attrInts(node, 'axis') ?? []).map((a) => (a < 0 ? a + x.shape.length : a));
  const shape = x.shape.filter((d, i) => (dims.length === 0 ? d !== 1 : !dims.includes(i)));
  return reshapeTo(ctx, node, x, shape);
};

const expandDims: OpConverter = (node, inputs, ctx) => {
  const x = anyInput(node, inputs, 0);
  const [raw] = constNumbers(constInput(node, inputs, 1, 'dim'));
  const axis = raw === undefined ? fail(node, 'dim is empty') : raw < 0 ? raw + x.shape.length + 1 : raw;
  return reshapeTo(ctx, node, x, [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)]);
};

/** ConcatV2: the axis (last input) is remapped when the operands are held NCHW. */
const concat: OpConverter = (node, inputs, ctx) => {
  const parts = inputs.slice(0, -1);
  const [rawAxis] = constNumbers(constInput(node, inputs, inputs.length - 1, 'axis'));
  const first = parts[0];
  if (first === undefined || rawAxis === undefined) return fail(node, 'needs at least one tensor and an axis');
  const rank = first.shape.length;
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  const layout: Layout = rank === 4 && parts.some((p) => layoutOf(p) === 'nchw') ? 'nchw' : 'tf';
  const shape = [...first.shape];
  shape[axis] = parts.reduce((sum, p) => sum + (p.shape[axis] ?? 0), 0);
  const symbols: Symbols = symbolsOf(first).map((sym, i) => {
    if (parts.some((p) => symbolsOf(p)[i] !== sym)) fail(node, `its operands disagree on whether dimension ${i} follows the symbolic input size`);
    if (i === axis && sym !== undefined) fail(node, 'it concatenates along a dimension that follows the symbolic input size');
    return sym;
  });
  const out = ctx.g.node('Concat', parts.map((p) => ctx.input(p, layout)), { axis: onnxAxis(axis, rank, layout) }, node.name);
  return tensorValue(out, shape, layout, first.dtype, symbols);
};

/** Pad / PadV2 / MirrorPad (REFLECT): the paddings' rows are reordered when the input is held NCHW. */
const pad: OpConverter = (node, inputs, ctx) => {
  const x = anyInput(node, inputs, 0);
  const layout = layoutOf(x);
  const p = constNumbers(constInput(node, inputs, 1, 'paddings'));
  const rank = x.shape.length;
  if (p.length !== rank * 2) fail(node, `paddings has ${p.length} values for a rank-${rank} input`);
  const rows = Array.from({ length: rank }, (_, i) => [p[2 * i]!, p[2 * i + 1]!] as const);
  const ordered = layout === 'nchw' ? NHWC_TO_NCHW.map((i) => rows[i]!) : rows;
  const pads = [...ordered.map((r) => r[0]), ...ordered.map((r) => r[1])];
  const shape = x.shape.map((d, i) => d + rows[i]![0] + rows[i]![1]);
  let mode = 'constant';
  if (node.op === 'MirrorPad') {
    const m = attrString(node, 'mode');
    if (m !== 'REFLECT') fail(node, `mode ${m ?? '(none)'} is not supported (only REFLECT)`);
    mode = 'reflect';
  }
  const padInputs = [ctx.input(x, layout), ctx.g.int64s(`${node.name}/pads`, pads)];
  if (node.op === 'PadV2') padInputs.push(ctx.input(constInput(node, inputs, 2, 'constant_values'), 'tf'));
  return tensorValue(ctx.g.node('Pad', padInputs, { mode }, node.name), shape, layout, x.dtype, symbolsOf(x));
};

/**
 * Mean / Max over constant axes, mapped onto the ONNX layout; without keep_dims, an NCHW input
 * stays NCHW only if the kept axes come out in TF order, else it is transposed back first.
 */
function reduce(onnxOp: 'ReduceMean' | 'ReduceMax'): OpConverter {
  return (node, inputs, ctx) => {
    const x = anyInput(node, inputs, 0);
    const rank = x.shape.length;
    const axes = [...new Set(constNumbers(constInput(node, inputs, 1, 'reduction_indices')).map((a) => (a < 0 ? a + rank : a)))];
    const keep = attrBool(node, 'keep_dims', false);
    let layout = layoutOf(x);
    if (layout === 'nchw' && !keep) {
      const kept = NHWC_TO_NCHW.filter((a) => !axes.includes(a));
      if (kept.some((a, i) => i > 0 && a < kept[i - 1]!)) layout = 'tf';
    }
    const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const inSymbols = symbolsOf(x);
    const symbols = keep ? inSymbols.map((sym, i) => (axes.includes(i) ? undefined : sym)) : inSymbols.filter((_, i) => !axes.includes(i));
    const onnxAxes = axes.map((a) => onnxAxis(a, rank, layout)).sort((a, b) => a - b);
    const out = ctx.g.node(onnxOp, [ctx.input(x, layout)], { axes: onnxAxes, keepdims: keep ? 1 : 0 }, node.name);
    return tensorValue(out, shape, keep ? layout : 'tf', x.dtype, symbols);
  };
}

/**
 * ResizeBilinear / ResizeNearestNeighbor to a constant size as ONNX Resize: TF's legacy mapping
 * (align_corners=false, half_pixel_centers=false) is `asymmetric`; the other flags map to
 * `align_corners` and `half_pixel` (`tf_half_pixel_for_nn` for nearest). When the input's H and W
 * follow the symbolic input size, the constant size (which freezing the TF graph folded from the
 * input's shape, as Keras' UpSampling2D does) is read as the scale it has at the reference size,
 * and ONNX resizes by that scale, so the output follows the input at every size.
 */
function resize(mode: 'linear' | 'nearest'): OpConverter {
  return (node, inputs, ctx) => {
    const x = anyInput(node, inputs, 0);
    if (x.shape.length !== 4) fail(node, 'input must be NHWC rank 4');
    const size = constNumbers(constInput(node, inputs, 1, 'size'));
    if (size.length !== 2) fail(node, 'size must hold [height, width]');
    const alignCorners = attrBool(node, 'align_corners', false);
    const halfPixel = attrBool(node, 'half_pixel_centers', false);
    if (alignCorners && halfPixel) fail(node, 'align_corners and half_pixel_centers cannot both be set');
    const [n, , , c] = x.shape as readonly [number, number, number, number];
    const [h, w] = size as [number, number];
    let transform = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
    const attrs: Record<string, string> = { mode };
    if (mode === 'nearest') {
      if (halfPixel) transform = 'tf_half_pixel_for_nn';
      attrs['nearest_mode'] = alignCorners ? 'round_prefer_ceil' : 'floor';
    }
    attrs['coordinate_transformation_mode'] = transform;
    const symbols = symbolsOf(x);
    if (symbols[0] !== undefined || symbols[3] !== undefined) fail(node, 'only H and W may follow the symbolic input size');
    if (symbols[1] !== undefined || symbols[2] !== undefined) {
      const [, inH, inW] = x.shape as readonly [number, number, number, number];
      const scales = ctx.g.initializer(`${node.name}/scales`, 'float32', [4], Float32Array.of(1, 1, h / inH, w / inW));
      const out = ctx.g.node('Resize', [ctx.input(x, 'nchw'), '', scales], attrs, node.name);
      return tensorValue(out, [n, h, w, c], 'nchw', 'float32', symbols);
    }
    const sizes = ctx.g.int64s(`${node.name}/sizes`, [n, c, h, w]);
    const out = ctx.g.node('Resize', [ctx.input(x, 'nchw'), '', '', sizes], attrs, node.name);
    return tensorValue(out, [n, h, w, c], 'nchw', 'float32', []);
  };
}

/** The shape, concatenation, padding, reduction and resize converters, by TF op name. */
export const SHAPE_OPS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([
  ['Reshape', reshape],
  ['Squeeze', squeeze],
  ['ExpandDims', expandDims],
  ['ConcatV2', concat],
  ['Pad', pad],
  ['PadV2', pad],
  ['MirrorPad', pad],
  ['Mean', reduce('ReduceMean')],
  ['Max', reduce('ReduceMax')],
  ['ResizeBilinear', resize('linear')],
  ['ResizeNearestNeighbor', resize('nearest')],
]);
