/** Find the residual stream: the chain of Adds x_{i+1} = x_i + branch(x_i) where the branch contains a
 * MatMul. Pre-LN: each Add's output is the next Add's stream input. Post-LN: a norm sits between
 * them. Attention Adds (branch holds a Softmax or fused attention op) start a block. */
import type { GraphIndex } from './graphIndex.js';
import { nodesBetween, opOf } from './graphIndex.js';
import { findNormRegion } from './normRegion.js';
import type { NormRegion } from './normRegion.js';

const WEIGHTED = new Set(['MatMul', 'Gemm', 'Einsum', 'Conv', 'FusedMatMul', 'MatMulNBits', 'MatMulInteger', 'QAttention']);

export interface ResidualAdd {
  node: number;
  /** the stream operand (an ancestor of the branch operand) */
  stream: string;
  branch: string;
  output: string;
  /** attention node indices (from `attentionNodes`) inside the branch */
  attention: number[];
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
}

function residualAdd(g: GraphIndex, i: number, attentionNodes: Set<number>): ResidualAdd | undefined {
  const n = g.nodes[i];
  if (opOf(n) !== 'Add') return undefined;
  const [a, b] = n.input ?? [];
  const out = n.output?.[0];
  if (!a || !b || !out || g.isConst(a) || g.isConst(b)) return undefined;
  const pa = g.producer.get(a) ?? -1;
  const pb = g.producer.get(b) ?? -1;
  // the stream operand is the earlier one; the branch must be computed from it through weights
  const [stream, branch] = pa <= pb ? [a, b] : [b, a];
  const between = nodesBetween(g, stream, branch);
  if (![...between].some((j) => WEIGHTED.has(opOf(g.nodes[j])) || attentionNodes.has(j))) return undefined;
  return { node: i, stream, branch, output: out, attention: [...between].filter((j) => attentionNodes.has(j)).sort((x, y) => x - y) };
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
    const prev = chain[chain.length - 1].output;
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
  const lastOut = chain[chain.length - 1]?.output;
  return {
    blocks,
    layerNorm,
    finalNorm: lastOut ? findNormRegion(g, lastOut) : undefined,
    embed: blocks[0]?.residPre,
  };
}
