import { ModelConvertError } from './convert-error.ts';

/** One input edge of a TF node: the producing node's name and which of its outputs (`name:1` is output 1). */
export interface TfInputRef {
  readonly node: string;
  readonly index: number;
}

/** A node of a TF GraphDef as a TFJS `model.json` stores it; `attr` keeps the raw JSON attribute values. */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly TfInputRef[];
  readonly attr: Readonly<Record<string, unknown>>;
}

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses `name`, `name:2` (output 2) and skips `^name` (a control dependency, meaningless in ONNX). */
export function parseInputRef(text: string): TfInputRef | undefined {
  if (text.startsWith('^')) return undefined;
  const m = /^(.*):(\d+)$/.exec(text);
  return m ? { node: m[1]!, index: Number(m[2]) } : { node: text, index: 0 };
}

/** Reads the node list of a `model.json` `modelTopology`, checking the shape of each node. */
export function parseTfNodes(modelTopology: unknown): TfNode[] {
  if (!isRecord(modelTopology) || !Array.isArray(modelTopology['node'])) {
    throw new ModelConvertError('model.json has no modelTopology.node list: is it a TFJS graph model?');
  }
  return modelTopology['node'].map((raw: unknown, i: number): TfNode => {
    if (!isRecord(raw) || typeof raw['name'] !== 'string' || typeof raw['op'] !== 'string') {
      throw new ModelConvertError(`model.json node #${i} has no name or op`);
    }
    const inputsRaw = raw['input'] ?? [];
    if (!Array.isArray(inputsRaw) || !inputsRaw.every((s): s is string => typeof s === 'string')) {
      throw new ModelConvertError(`node ${raw['name']} has a malformed input list`, { op: raw['op'], node: raw['name'] });
    }
    const inputs = inputsRaw.map(parseInputRef).filter((r): r is TfInputRef => r !== undefined);
    const attr = isRecord(raw['attr']) ? raw['attr'] : {};
    return { name: raw['name'], op: raw['op'], inputs, attr };
  });
}

function attrOf(node: TfNode, key: string): Record<string, unknown> | undefined {
  const a = node.attr[key];
  return isRecord(a) ? a : undefined;
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** A string attribute (TF stores them base64-encoded in JSON), or undefined when absent. */
export function attrString(node: TfNode, key: string): string | undefined {
  const s = attrOf(node, key)?.['s'];
  return typeof s === 'string' ? decodeBase64(s) : undefined;
}

/** A list-of-strings attribute such as `fused_ops`, decoded; empty when absent. */
export function attrStrings(node: TfNode, key: string): string[] {
  const list = attrOf(node, key)?.['list'];
  const s = isRecord(list) ? list['s'] : undefined;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string').map(decodeBase64) : [];
}

/** A list-of-ints attribute such as `strides` (TF JSON writes int64 as strings), or undefined when absent. */
export function attrInts(node: TfNode, key: string): number[] | undefined {
  const list = attrOf(node, key)?.['list'];
  if (!isRecord(list)) return undefined;
  const i = list['i'];
  if (!Array.isArray(i)) return [];
  return i.map((x: unknown) => Number(x));
}

/** An int attribute, or `fallback` when absent. */
export function attrInt(node: TfNode, key: string, fallback: number): number {
  const i = attrOf(node, key)?.['i'];
  return typeof i === 'string' || typeof i === 'number' ? Number(i) : fallback;
}

/** A boolean attribute, or `fallback` when absent. */
export function attrBool(node: TfNode, key: string, fallback: boolean): boolean {
  const b = attrOf(node, key)?.['b'];
  return typeof b === 'boolean' ? b : fallback;
}

/** A float attribute, or `fallback` when absent. */
export function attrFloat(node: TfNode, key: string, fallback: number): number {
  const f = attrOf(node, key)?.['f'];
  return typeof f === 'number' ? f : fallback;
}

/** A TF dtype attribute such as `DT_FLOAT`, or undefined when absent. */
export function attrType(node: TfNode, key: string): string | undefined {
  const t = attrOf(node, key)?.['type'];
  return typeof t === 'string' ? t : undefined;
}

/** A shape attribute (a Placeholder's `shape`): dims with -1 for unknown, or undefined when absent or of unknown rank. */
export function attrShape(node: TfNode, key: string): number[] | undefined {
  const shape = attrOf(node, key)?.['shape'];
  if (!isRecord(shape) || shape['unknownRank'] === true) return undefined;
  const dims = shape['dim'];
  if (!Array.isArray(dims)) return [];
  return dims.map((d: unknown) => (isRecord(d) && d['size'] !== undefined ? Number(d['size']) : -1));
}
