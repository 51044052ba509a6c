import type { OpConverter } from './convert-context.ts';
import { CONV_OPS } from './ops-conv.ts';
import { ELEMENTWISE_OPS } from './ops-elementwise.ts';
import { MATMUL_OPS } from './ops-matmul.ts';
import { SHAPE_OPS } from './ops-shape.ts';

/** Every TF op the converter handles (besides Const and Placeholder), with its converter. */
export const OP_CONVERTERS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([
  ...CONV_OPS,
  ...ELEMENTWISE_OPS,
  ...MATMUL_OPS,
  ...SHAPE_OPS,
]);

/** The TF op names the converter supports, sorted, for error messages and docs. */
export function supportedOps(): string[] {
  return ['Const', 'Placeholder', ...OP_CONVERTERS.keys()].sort();
}
