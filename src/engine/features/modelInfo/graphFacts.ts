/** Facts read straight off an ONNX ModelProto, subgraphs included: parameters per element type, the
 * op histogram, opsets, signatures and the external data files the initializers name. Pure: no
 * files are read here (the caller stats the files). */
import type { onnx } from 'onnx-proto';
import { toNumber } from '../../instrument/graphIndex';
import type { TensorSignature } from '../../../protocol/modelInfo';

/** TensorProto.DataType → [onnxruntime's name, bits per element] */
const DTYPES: Record<number, [string, number]> = {
  1: ['float32', 32], 2: ['uint8', 8], 3: ['int8', 8], 4: ['uint16', 16], 5: ['int16', 16], 6: ['int32', 32],
  7: ['int64', 64], 8: ['string', 0], 9: ['bool', 8], 10: ['float16', 16], 11: ['float64', 64], 12: ['uint32', 32],
  13: ['uint64', 64], 14: ['complex64', 64], 15: ['complex128', 128], 16: ['bfloat16', 16], 17: ['float8e4m3fn', 8],
  18: ['float8e4m3fnuz', 8], 19: ['float8e5m2', 8], 20: ['float8e5m2fnuz', 8], 21: ['uint4', 4], 22: ['int4', 4], 23: ['float4e2m1', 4],
};

export function dtypeName(elemType: number): string {
  return DTYPES[elemType]?.[0] ?? `type${elemType}`;
}

export interface GraphFacts {
  parameters: number;
  weightDtypes: Record<string, { tensors: number; elements: number; bytes: number }>;
  ops: { op: string; count: number }[];
  nodes: number;
  subgraphNodes: number;
  opsets: { domain: string; version: number }[];
  irVersion: number;
  producer: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** external data file names (relative to the .onnx's folder), as the initializers give them */
  externalFiles: string[];
}

/** The graph and every graph held in a node attribute below it (If branches, Loop/Scan bodies), with whether it is nested. */
export function* allGraphs(root: onnx.IGraphProto): Generator<{ graph: onnx.IGraphProto; nested: boolean }> {
  yield { graph: root, nested: false };
  const stack = [root];
  while (stack.length) {
    const g = stack.pop() as onnx.IGraphProto;
    for (const node of g.node ?? []) {
      for (const a of node.attribute ?? []) {
        for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
          yield { graph: sub, nested: true };
          stack.push(sub);
        }
      }
    }
  }
}

function signature(values: onnx.IValueInfoProto[]): TensorSignature[] {
  return values.map((v) => ({
    name: v.name ?? '',
    dtype: dtypeName(v.type?.tensorType?.elemType ?? 0),
    // decoded messages answer unset oneof fields with their defaults (0, ""): only a dim_value read off the wire is a size
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : Object.prototype.hasOwnProperty.call(d, 'dimValue') && d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : '?'),
  }));
}

/** Bytes of a tensor's values from its element count and type (what the weights cost in memory, not on disk). */
function tensorBytes(t: onnx.ITensorProto, elements: number): number {
  const type = t.dataType ?? 0;
  if (type === 8) return (t.stringData ?? []).reduce((s, b) => s + b.length, 0);
  return Math.ceil((elements * (DTYPES[type]?.[1] ?? 0)) / 8);
}

export function graphFacts(model: onnx.IModelProto): GraphFacts {
  const root = model.graph ?? {};
  let parameters = 0;
  let nodes = 0;
  let subgraphNodes = 0;
  const weightDtypes: GraphFacts['weightDtypes'] = {};
  const ops = new Map<string, number>();
  const externalFiles = new Set<string>();
  for (const { graph, nested } of allGraphs(root)) {
    for (const t of graph.initializer ?? []) {
      const elements = (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1);
      parameters += elements;
      const entry = (weightDtypes[dtypeName(t.dataType ?? 0)] ??= { tensors: 0, elements: 0, bytes: 0 });
      entry.tensors += 1;
      entry.elements += elements;
      entry.bytes += tensorBytes(t, elements);
      if (t.dataLocation === 1) {
        const location = t.externalData?.find((e) => e.key === 'location')?.value;
        if (location) externalFiles.add(location);
      }
    }
    for (const node of graph.node ?? []) {
      const domain = node.domain ?? '';
      const op = domain === '' || domain === 'ai.onnx' ? (node.opType ?? '') : `${domain}.${node.opType ?? ''}`;
      ops.set(op, (ops.get(op) ?? 0) + 1);
      nodes++;
      if (nested) subgraphNodes++;
    }
  }
  const initializerNames = new Set((root.initializer ?? []).map((t) => t.name ?? ''));
  return {
    parameters,
    weightDtypes,
    ops: [...ops].map(([op, count]) => ({ op, count })).sort((a, b) => b.count - a.count || (a.op < b.op ? -1 : 1)),
    nodes,
    subgraphNodes,
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain || 'ai.onnx', version: toNumber(o.version) }))
      .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0)),
    irVersion: toNumber(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    // inputs that are initializers too (old exporters list weights as inputs) are weights, not inputs
    inputs: signature((root.input ?? []).filter((v) => !initializerNames.has(v.name ?? ''))),
    outputs: signature(root.output ?? []),
    externalFiles: [...externalFiles].sort(),
  };
}
