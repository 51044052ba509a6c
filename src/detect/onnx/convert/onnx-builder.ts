import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** Element types the converter writes into ONNX tensors. */
export type OnnxElemType = 'float32' | 'int32' | 'int64' | 'bool';

const ELEM_TYPE: Readonly<Record<OnnxElemType, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** An ONNX attribute value: an integer, a string, a list of integers, or a float / floats spelled out. */
export type OnnxAttr = number | string | readonly number[] | { readonly f: number } | { readonly floats: readonly number[] };

/** A graph input or output: its name, element type and shape (a string names a symbolic dimension). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxElemType;
  readonly shape: readonly (number | string)[];
}

/** What {@link OnnxGraphBuilder.build} needs besides the nodes. */
export interface OnnxModelHeader {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graphName: string;
}

function toAttribute(name: string, value: OnnxAttr): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`attribute ${name}: ${value} is not an integer; pass { f } for floats`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('floats' in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  return { name, type: T.INTS, ints: [...value] };
}

function valueInfo(v: OnnxValueInfo): ValueInfoProto {
  return {
    name: v.name,
    type: { tensorType: { elemType: ELEM_TYPE[v.type], shape: { dim: v.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** Collects ONNX nodes and initializers under unique names, then serialises them as a ModelProto. */
export class OnnxGraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();

  /** Claims `name` exactly (a graph input or output) so that no generated name takes it. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new RangeError(`ONNX name ${name} is used twice`);
    this.used.add(name);
    return name;
  }

  /** A fresh name built from `hint`, suffixed when taken. */
  unique(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output (named from `hint`, or exactly `output` when given) and returns the output's name. */
  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}, hint: string = op, output?: string): string {
    const out = output ?? this.unique(hint);
    this.nodes.push({
      name: out,
      opType: op,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return out;
  }

  /** Adds a constant tensor (an initializer) and returns its name. */
  initializer(hint: string, type: OnnxElemType, dims: readonly number[], data: Float32Array | Int32Array | BigInt64Array | Uint8Array): string {
    const name = this.unique(hint);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push({ name, dataType: ELEM_TYPE[type], dims: [...dims], rawData: raw });
    return name;
  }

  /** Adds an int64 vector constant (shapes, axes, pads) and returns its name. */
  int64s(hint: string, values: readonly number[]): string {
    return this.initializer(hint, 'int64', [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** Adds a float32 scalar constant and returns its name. */
  floatScalar(hint: string, value: number): string {
    return this.initializer(hint, 'float32', [], Float32Array.of(value));
  }

  /** Serialises the graph as an ONNX ModelProto. */
  build(header: OnnxModelHeader): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: header.irVersion,
      producerName: header.producerName,
      producerVersion: header.producerVersion,
      opsetImport: [{ domain: '', version: header.opset }],
      graph: {
        name: header.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: header.inputs.map(valueInfo),
        output: header.outputs.map(valueInfo),
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}
