import { SightlineError } from '../../../core/errors.ts';

/** Where a conversion failed: the TF op and node, when the failure belongs to one node. */
export interface ConvertErrorSite {
  readonly op?: string;
  readonly node?: string;
}

/**
 * A TFJS graph model could not be converted to ONNX (an unsupported op, a malformed model.json, a
 * weight that does not fit the buffer); the message names the op and node where there is one.
 */
export class ModelConvertError extends SightlineError {
  readonly op: string | undefined;
  readonly node: string | undefined;

  /** Builds the error; `site` names the TF op and node it concerns. */
  constructor(message: string, site: ConvertErrorSite = {}, options?: { readonly cause?: unknown }) {
    super('MODEL_CONVERT_FAILED', message, options);
    this.name = 'ModelConvertError';
    this.op = site.op;
    this.node = site.node;
  }
}
