/** Find the residual stream: the chain of Adds x_{i+1} = x_i + branch(x_i) where the branch contains a
 * MatMul. Pre-LN: each Add's output is the next Add's stream input. Post-LN: a norm sits between
 * them. Attention Adds (branch holds a Softmax or fused attention op) start a block. */
import type { GraphIndex } from './graphIndex.js';
import { nodesBetween, opOf } from './graphIndex.js';
import { findNormRegion } from './normRegion.js';
import type { NormRegion } from './normRegion.js';

const WEIGHTED = new Set(['MatMul', 'Gemm', 'Einsum', 'Conv', 'FusedMatMul', 'MatMulNBits', 'MatMulBnb4', 'MatMulInteger', 'QAttention']);

export interface ResidualAdd {
  node: number;
  /** the stream operand (an ancestor of the branch operand) */
  stream: string;
  branch: string;
  output: string;
  /** attention node indices (from `attentionNodes`) inside the branch */
  attention: number[];
  /** Skip*LayerNormalization: the fused norm's normalised output (output 0) */
  normOutput?: string;
  /** Skip*LayerNormalization without a sum output: the name to give its output 3 */
  patchOutput3?: string;
}

export interface ResidualBlock {
  residPre: string;
  residMid?: string;
  residPost: string;
  attention: number[];
  /** post-LN only: the normalised block output (next block's input) */
  normalizedOut?: string;
}

export interface ResidualStream {
  blocks: ResidualBlock[];
  layerNorm: 'pre' | 'post' | 'unknown';
  finalNorm?: NormRegion;
  embed?: string;
  /** node outputs to name so hidden sums become visible (applied to the instrumented copy only) */
  outputPatches: { node: number; index: number; name: string }[];
}

export const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

/**
 * The branch of a fused norm reads the norm's output 0, a sibling of the stream tensor: a fused
 * Add + norm (Skip*LayerNormalization) carries the stream as output 3, onnxruntime's
 * EmbedLayerNormalization (GPT-2 exports) the embedding sum as output 2 beside its normalised
 * output 0. The branch is searched from that sibling.
 */
function normedSibling(g: GraphIndex, stream: string): string {
  const sp = g.producer.get(stream);
  if (sp === undefined) return stream;
  const n = g.nodes[sp];
  const fusedSum = (SKIP_NORMS.has(opOf(n)) && n.output?.[3] === stream) || (opOf(n) === 'EmbedLayerNormalization' && n.output?.[2] === stream);
  return fusedSum ? n.output?.[0] ?? stream : stream;
}

function residualAdd(g: GraphIndex, i: number, attentionNodes: Set<number>): ResidualAdd | undefined {
  const n = g.nodes[i];
  const skip = SKIP_NORMS.has(opOf(n));
  if (opOf(n) !== 'Add' && !skip) return undefined;
  const [a, b] = n.input ?? [];
  // a fused Add + norm carries the sum as output 3 (input + skip + bias); name it when it is absent
  const patchOutput3 = skip && !n.output?.[3] ? `tensorloupe/resid/${i}` : undefined;
  const out = skip ? (patchOutput3 ?? n.output?.[3]) : n.output?.[0];
  if (!a || !b || !out || g.isConst(a) || g.isConst(b)) return undefined;
  const pa = g.producer.get(a) ?? -1;
  const pb = g.producer.get(b) ?? -1;
  // the stream operand is the earlier one; the branch must be computed from it through weights
  const [stream, branch] = pa <= pb ? [a, b] : [b, a];
  const from = normedSibling(g, stream);
  const between = nodesBetween(g, from, branch);
  if (![...between].some((j) => WEIGHTED.has(opOf(g.nodes[j])) || attentionNodes.has(j))) return undefined;
  const attention = [...between].filter((j) => attentionNodes.has(j)).sort((x, y) => x - y);
  return { node: i, stream, branch, output: out, attention, ...(skip ? { normOutput: n.output?.[0], patchOutput3 } : {}) };
}

export function detectResidualStream(g: GraphIndex, attentionNodes: Set<number>): ResidualStream {
  const adds: ResidualAdd[] = [];
  g.nodes.forEach((_, i) => {
    const r = residualAdd(g, i, attentionNodes);
    if (r) adds.push(r);
  });
  // link Adds into one chain, directly (pre-LN) or through a norm (post-LN)
  const chain: ResidualAdd[] = [];
  const normAfter = new Map<string, NormRegion>();
  let layerNorm: ResidualStream['layerNorm'] = 'unknown';
  for (const r of adds) {
    if (!chain.length) {
      if (r.attention.length) chain.push(r); // the stream starts at the first attention block
      continue;
    }
    const prevAdd = chain[chain.length - 1];
    const prev = prevAdd.output;
    if (prevAdd.normOutput && r.stream === prevAdd.normOutput) {
      chain.push(r); // post-LN through a fused Skip*LayerNormalization
      if (layerNorm === 'unknown') layerNorm = 'post';
      continue;
    }
    if (r.stream === prev) {
      chain.push(r);
      if (layerNorm === 'unknown') layerNorm = 'pre';
      continue;
    }
    const norm = findNormRegion(g, prev);
    if (norm && norm.output === r.stream) {
      normAfter.set(prev, norm);
      chain.push(r);
      if (layerNorm === 'unknown') layerNorm = 'post';
    }
  }
  const blocks: ResidualBlock[] = [];
  for (const r of chain) {
    const last = blocks[blocks.length - 1];
    if (r.attention.length || !last) {
      blocks.push({ residPre: r.stream, residPost: r.output, attention: r.attention });
    } else if (last.residMid === undefined) {
      // the block's MLP Add: the attention Add's output becomes resid_mid
      last.residMid = last.residPost;
      last.residPost = r.output;
    } else {
      blocks.push({ residPre: r.stream, residPost: r.output, attention: [] });
    }
  }
  for (const b of blocks) {
    const norm = normAfter.get(b.residPost);
    if (norm) b.normalizedOut = norm.output;
  }
  const last = chain[chain.length - 1];
  for (const b of blocks) {
    const fused = chain.find((r) => r.output === b.residPost && r.normOutput);
    if (fused?.normOutput && layerNorm === 'post') b.normalizedOut = fused.normOutput;
  }
  const fusedFinal: NormRegion | undefined = last?.normOutput
    ? { input: last.output, output: last.normOutput, nodes: [last.node], kind: opOf(g.nodes[last.node]).includes('Simplified') ? 'rmsnorm' : 'layernorm' }
    : undefined;
  return {
    blocks,
    layerNorm,
    finalNorm: fusedFinal ?? (last ? findNormRegion(g, last.output) : undefined),
    embed: blocks[0]?.residPre,
    outputPatches: chain.filter((r) => r.patchOutput3).map((r) => ({ node: r.node, index: 3, name: r.patchOutput3 as string })),
  };
}
