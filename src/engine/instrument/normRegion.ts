/** Recognise a normalisation applied to a tensor without relying on one exporter's op choice:
 * LayerNormalization / SimplifiedLayerNormalization / RMSNormalization, or the same maths decomposed
 * (Pow → ReduceMean → Add → Sqrt → Div/Reciprocal → Mul for RMSNorm; ReduceMean → Sub → … for LayerNorm).
 * The region is every node computable from x and constants alone with norm-ish ops; its single exit
 * tensor is the normalised output (after the affine weight and bias). */
import type { GraphIndex } from './graphIndex.js';
import type { onnx } from 'onnx-proto';
import { attrInt, attrInts, opOf } from './graphIndex.js';
import { tensorToFloat32 } from './tensorData.js';

const NORM_OPS = new Set(['ReduceMean', 'ReduceSumSquare', 'ReduceSum', 'Sub', 'Pow', 'Mul', 'Add', 'Sqrt', 'Div',
  'Reciprocal', 'Cast', 'Identity', 'LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization']);
const REDUCING = new Set(['ReduceMean', 'ReduceSumSquare', 'ReduceSum', 'LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization']);

export interface NormRegion {
  input: string;
  output: string;
  /** node indices of the region, in topological order */
  nodes: number[];
  kind: 'layernorm' | 'rmsnorm';
}

/** a norm reduces over the feature (last) axis and keeps it for broadcasting; pooling over positions
 * (a classifier's mean over time) reduces axis 1 and is not part of a norm */
function reducesFeatures(g: GraphIndex, n: onnx.INodeProto): boolean {
  if (attrInt(n, 'keepdims', 1) !== 1) return false;
  const axesInput = n.input?.[1];
  const producer = axesInput ? g.producer.get(axesInput) : undefined;
  const constNode = producer === undefined ? undefined : g.nodes[producer];
  const init = axesInput ? g.initializers.get(axesInput) ?? (opOf(constNode ?? {}) === 'Constant' ? constNode?.attribute?.find((a) => a.name === 'value')?.t ?? undefined : undefined) : undefined;
  const axes = attrInts(n, 'axes') ?? (init ? Array.from(tensorToFloat32(init)) : undefined);
  return !!axes && axes.every((a) => a === -1 || a >= 2);
}

export function findNormRegion(g: GraphIndex, x: string): NormRegion | undefined {
  const tensors = new Set([x]);
  const nodes = new Set<number>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of [...tensors]) {
      for (const c of g.consumers.get(t) ?? []) {
        if (nodes.has(c)) continue;
        const n = g.nodes[c];
        if (!NORM_OPS.has(opOf(n)) || (opOf(n).startsWith('Reduce') && !reducesFeatures(g, n))) continue;
        const ins = (n.input ?? []).filter(Boolean);
        if (!ins.every((i) => tensors.has(i) || g.isConst(i))) continue;
        nodes.add(c);
        for (const o of n.output ?? []) if (o) tensors.add(o);
        changed = true;
      }
    }
  }
  const ordered = [...nodes].sort((a, b) => a - b);
  if (!ordered.some((i) => REDUCING.has(opOf(g.nodes[i])))) return undefined;
  const exits = [...tensors].filter((t) => t !== x && g.producer.has(t)).filter((t) =>
    g.graphOutputs.has(t) || (g.consumers.get(t) ?? []).some((c) => !nodes.has(c)));
  if (!exits.length) return undefined;
  // the latest exit is the affine output; earlier exits are side outputs such as a mean
  exits.sort((a, b) => (g.producer.get(a) ?? 0) - (g.producer.get(b) ?? 0));
  const output = exits[exits.length - 1];
  const ops = ordered.map((i) => opOf(g.nodes[i]));
  const kind = ops.includes('LayerNormalization') || ops.includes('Sub') ? 'layernorm' : 'rmsnorm';
  return { input: x, output, nodes: ordered, kind };
}
