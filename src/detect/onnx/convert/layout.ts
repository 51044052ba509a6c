/**
 * Where a tensor's dimensions sit in the ONNX graph: `tf` keeps TF's order (NHWC for images);
 * `nchw` holds a rank-4 TF tensor NHWC with its dimensions permuted to NCHW for ONNX's Conv.
 */
export type Layout = 'tf' | 'nchw';

/** Permutation taking an NHWC tensor to NCHW (`Transpose` perm). */
export const NHWC_TO_NCHW: readonly number[] = [0, 3, 1, 2];

/** Permutation taking an NCHW tensor back to NHWC (`Transpose` perm). */
export const NCHW_TO_NHWC: readonly number[] = [0, 2, 3, 1];

/** The shape a tensor of TF shape `shape` has in the ONNX graph when held in `layout`. */
export function onnxShape(shape: readonly number[], layout: Layout): number[] {
  return layout === 'nchw' ? permute(shape, NHWC_TO_NCHW) : [...shape];
}

/** Reorders `values` so that result[i] = values[perm[i]] (how `Transpose` reorders a shape). */
export function permute<T>(values: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => values[p]!);
}

/** The ONNX axis of TF axis `axis` (negative counts from the end) of a rank-`rank` tensor in `layout`. */
export function onnxAxis(axis: number, rank: number, layout: Layout): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new RangeError(`axis ${axis} is out of range for rank ${rank}`);
  return layout === 'nchw' ? NHWC_TO_NCHW.indexOf(a) : a;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Transposes row-major data of shape `shape` by `perm` (ONNX `Transpose` semantics), returning new data. */
export function transposeData<T extends Float32Array | Int32Array | Uint8Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const outShape = permute(shape, perm);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1]! * shape[i + 1]!;
  const stepIn = permute(inStrides, perm);
  const out = data.slice() as T;
  const index = new Array<number>(rank).fill(0);
  const total = sizeOf(shape);
  for (let o = 0; o < total; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d]! * stepIn[d]!;
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = index[d]! + 1;
      if (index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** NumPy/TF broadcasting of two static shapes; throws when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new RangeError(`shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** `shape` with ones prepended up to `rank` dimensions (how broadcasting aligns a lower-rank operand). */
export function padShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}
