// A tiny ONNX graph writer for the bench's own big models: nodes by op name, float weights drawn
// from a seeded generator and written straight to one external-data file (model.onnx_data), so
// the protobuf stays a few hundred KB and no weight is held in memory twice. Only what the GPT-2
// and Llama builders need; the engine's smallGraphs/ scaffolding is for tiny in-memory graphs.
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';

export const FLOAT = 1;
export const INT64 = 7;
export const BOOL = 9;

type Attr = number | number[] | string | { f: number };

/** xorshift32 → uniform floats in [-a, a]: fast and seeded (Box–Muller would cost 124M logs). */
function uniform(seed: number): (a: number) => number {
  let s = seed >>> 0 || 1;
  return (a) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return ((s / 4294967296) * 2 - 1) * a;
  };
}

export class GraphWriter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly fd: number;
  private offset = 0;
  private counter = 0;
  private readonly rand: (a: number) => number;
  params = 0;

  constructor(
    private readonly dir: string,
    seed: number,
    readonly dataName = 'model.onnx_data',
  ) {
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    this.fd = openSync(join(dir, 'onnx', `${dataName}.tmp`), 'w');
    this.rand = uniform(seed);
  }

  /** One node; returns its first output's name (fresh unless `out` names it). */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, out?: string | string[], domain?: string): string {
    const outputs = Array.isArray(out) ? out : [out ?? `t${this.counter++}`];
    const attribute: onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
      if (typeof v === 'string') return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) };
      if (Array.isArray(v)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v };
      return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.f };
    });
    this.nodes.push({ opType, input: inputs, output: outputs, attribute, name: `${opType}_${this.counter++}`, ...(domain ? { domain } : {}) });
    return outputs[0];
  }

  /** A float weight of `dims`, uniform with standard deviation `std` (or all `fill`), written to the data file. */
  weight(name: string, dims: number[], std: number, fill?: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const a = std * Math.sqrt(3);
    const data = new Float32Array(n);
    if (fill !== undefined) data.fill(fill);
    else for (let i = 0; i < n; i++) data[i] = this.rand(a);
    return this.external(name, dims, data);
  }

  external(name: string, dims: number[], data: Float32Array): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    writeSync(this.fd, bytes);
    this.initializers.push({
      name,
      dims,
      dataType: FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: this.dataName },
        { key: 'offset', value: String(this.offset) },
        { key: 'length', value: String(bytes.length) },
      ],
    });
    this.offset += bytes.length;
    this.params += data.length;
    return name;
  }

  /** A small constant kept inline. */
  ints(values: number[], dims = [values.length]): string {
    const name = `c${this.counter++}`;
    this.initializers.push({ name, dims, dataType: INT64, int64Data: values });
    return name;
  }

  floats(values: number[], dims = [values.length]): string {
    const name = `c${this.counter++}`;
    this.initializers.push({ name, dims, dataType: FLOAT, floatData: values });
    return name;
  }

  /** Writes onnx/model.onnx beside the data file (both renamed into place last: a cut build leaves no half model). */
  finish(name: string, input: onnx.IValueInfoProto[], output: onnx.IValueInfoProto[], opset: number): void {
    closeSync(this.fd);
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'tensorloupe-bench',
      opsetImport: [{ domain: '', version: opset }],
      graph: { name, node: this.nodes, initializer: this.initializers, input, output },
    });
    const onnxDir = join(this.dir, 'onnx');
    renameSync(join(onnxDir, `${this.dataName}.tmp`), join(onnxDir, this.dataName));
    writeFileSync(join(onnxDir, 'model.onnx.tmp'), onnx.ModelProto.encode(model).finish());
    renameSync(join(onnxDir, 'model.onnx.tmp'), join(onnxDir, 'model.onnx'));
  }
}

/** A graph input or output; numbers are fixed sizes, strings symbolic ones. */
export function vi(name: string, dims: (number | string)[], elemType = FLOAT): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/**
 * Closes a decoder graph with Optimum's `model.onnx` signature: input_ids, attention_mask,
 * position_ids and past_key_values.{L}.key|value in, logits and present.{L}.key|value out.
 */
export function finishOptimumDecoder(w: GraphWriter, name: string, s: { layers: number; kvHeads: number; headDim: number; vocab: number }): void {
  const kinds = ['key', 'value'];
  const cache = (prefix: string, past: string) =>
    Array.from({ length: s.layers }, (_, l) => kinds.map((k) => vi(`${prefix}.${l}.${k}`, ['batch_size', s.kvHeads, past, s.headDim]))).flat();
  w.finish(
    name,
    [
      vi('input_ids', ['batch_size', 'sequence_length'], INT64),
      vi('attention_mask', ['batch_size', 'past_sequence_length + sequence_length'], INT64),
      vi('position_ids', ['batch_size', 'sequence_length'], INT64),
      ...cache('past_key_values', 'past_sequence_length'),
    ],
    [vi('logits', ['batch_size', 'sequence_length', s.vocab]), ...cache('present', 'past_sequence_length + sequence_length')],
    17,
  );
}
