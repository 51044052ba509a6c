export { ModelConvertError } from './convert-error.ts';
export { CONVERTER_VERSION, ONNX_OPSET, convertGraphModel } from './convert-graph-model.ts';
export type { ConvertOptions, ConvertedModel, TensorDescription } from './convert-graph-model.ts';
export { conversionKey, ensureOnnxModel } from './onnx-cache.ts';
export { supportedOps } from './op-registry.ts';
