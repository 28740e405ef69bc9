/** Where a causal intervention can act in an instrumented graph: the tensors behind TransformerLens's
 * `blocks.{L}.hook_resid_pre`, `blocks.{L}.hook_attn_out`, `blocks.{L}.hook_mlp_out` and
 * `blocks.{L}.attn.hook_z`, found from the residual chain the instrumenter already detected (topology,
 * never names). What cannot be found comes back with the reason. */
import type { onnx } from 'onnx-proto';
import type { GraphIndex } from './graphIndex.js';
import { attrInt, nodesBetween, opOf } from './graphIndex.js';
import { FUSED_OPS } from './detectFused.js';
import type { InstrumentResult } from './types.js';

export type InterventionHook = 'resid_pre' | 'attn_out' | 'mlp_out' | 'z';

export interface InterventionPoint {
  /** TransformerLens name, e.g. blocks.2.attn.hook_z */
  name: string;
  hook: InterventionHook;
  layer: number;
  /** the tensor as the model computes it: [batch, pos, d_model]; z: the output projection's input [batch, pos, heads·d_head] */
  tensor: string;
  /** z only: the tensor seen as TransformerLens's [batch, pos, head, d_head] by a Reshape */
  zLayout?: { kind: 'btD'; heads: number };
}

export interface EmbedSplit {
  /** token embedding (Gather from the ids) and positional embedding, the two operands of block 0's input Add */
  embed: string;
  posEmbed: string;
}

/** a residual sum: a plain Add, or a fused Add + norm whose first two inputs are the stream and the branch
 * (replacing the branch input there is exact: the op sums and normalises what it is given) */
const RESIDUAL_ADDS = new Set(['Add', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

const PROB_OPS = new Set(['Cast', 'Dropout', 'Where', 'Reshape', 'Identity', 'Mul']);

/** the ·V MatMul a Softmax's probabilities feed (its left operand), through casts, masks, dropout */
function valueMatMul(g: GraphIndex, probs: string, depth = 0): number | undefined {
  if (depth > 10) return undefined;
  for (const c of g.consumers.get(probs) ?? []) {
    const n = g.nodes[c];
    if ((opOf(n) === 'MatMul' || opOf(n) === 'Einsum') && n.input?.[0] === probs && !g.isConst(n.input?.[1] ?? '')) return c;
    if (PROB_OPS.has(opOf(n))) for (const o of n.output ?? []) {
      const hit = o ? valueMatMul(g, o, depth + 1) : undefined;
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/** the operand of a residual Add that is not `stream` (or, without it, the later-computed one) */
function branchOf(g: GraphIndex, add: onnx.INodeProto, stream?: string): string | undefined {
  const [a, b] = add.input ?? [];
  if (!a || !b) return undefined;
  if (stream && (a === stream || b === stream)) return a === stream ? b : a;
  return (g.producer.get(a) ?? -1) > (g.producer.get(b) ?? -1) ? a : b;
}

const LAYOUT_OPS = new Set(['Transpose', 'Reshape', 'Identity', 'Cast', 'Squeeze', 'Unsqueeze']);
const PROJECTIONS = new Set(['MatMul', 'MatMulNBits', 'MatMulInteger', 'FusedMatMul']);

/** From the attention-weighted values (in whatever layout the exporter keeps them) through layout ops
 * to the output projection's input: heads concatenated, [batch, pos, heads·d_head], the one layout
 * every exporter shares (plain, [batch·heads, pos, d_head] fairseq-style, or a fused op's output). */
function projectionInput(g: GraphIndex, tensor: string, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  // the instrumented copy's own readers (the hook_z Reshape, named tensorloupe/…) are not the model's
  const users = (g.consumers.get(tensor) ?? []).filter((i) => !(g.nodes[i].name ?? '').startsWith('tensorloupe/'));
  if (users.length !== 1) return undefined;
  const n = g.nodes[users[0]];
  if (PROJECTIONS.has(opOf(n)) && n.input?.[0] === tensor && g.isConst(n.input?.[1] ?? '')) return tensor;
  if (LAYOUT_OPS.has(opOf(n)) && n.input?.[0] === tensor && n.output?.[0]) return projectionInput(g, n.output[0], depth + 1);
  return undefined;
}

function zPoint(g: GraphIndex, layer: number, residPre: string, attnBranch: string, nHeads: number | undefined): InterventionPoint | string {
  const name = `blocks.${layer}.attn.hook_z`;
  const between = [...nodesBetween(g, residPre, attnBranch)];
  const fused = between.filter((i) => FUSED_OPS.has(opOf(g.nodes[i])));
  const softmax = between.filter((i) => opOf(g.nodes[i]) === 'Softmax');
  let values: string | undefined;
  let heads = nHeads;
  if (fused.length === 1) {
    const n = g.nodes[fused[0]];
    const op = opOf(n);
    if (!['Attention', 'MultiHeadAttention', 'GroupQueryAttention'].includes(op)) return `${op} is not supported for z interventions`;
    // the contrib ops (and ONNX Attention on 3-D inputs) emit heads concatenated before the output projection
    heads = attrInt(n, 'num_heads', 0) || attrInt(n, 'q_num_heads', 0) || nHeads;
    values = n.output?.[0];
  } else if (softmax.length === 1) {
    const mm = valueMatMul(g, g.nodes[softmax[0]].output?.[0] ?? '');
    values = mm === undefined ? undefined : g.nodes[mm].output?.[0];
    if (!values) return `no ·V MatMul reads block ${layer}'s attention probabilities`;
  } else return `block ${layer}'s attention branch has ${softmax.length} Softmax ops and ${fused.length} fused attention ops`;
  if (!heads) return `the number of heads in block ${layer} is unknown (no num_heads attribute, pattern shape or config.json)`;
  const z = values ? projectionInput(g, values) : undefined;
  if (!z) return `block ${layer}'s attention output does not reach an output projection (MatMul with constant weights) through layout ops only`;
  return { name, hook: 'z', layer, tensor: z, zLayout: { kind: 'btD', heads } };
}

export interface PointsFound {
  points: InterventionPoint[];
  unavailable: { name: string; reason: string }[];
  embedSplit?: EmbedSplit;
}

/** graph inputs an id tensor descends from (to tell the token Gather from the positional one) */
function feedsFrom(g: GraphIndex, tensor: string, depth = 0): string[] {
  if (g.graphInputs.has(tensor)) return [tensor];
  const p = g.producer.get(tensor);
  if (p === undefined || depth > 8) return [];
  return (g.nodes[p].input ?? []).filter(Boolean).flatMap((t) => feedsFrom(g, t, depth + 1));
}

function embedSplitOf(g: GraphIndex, embed: string): EmbedSplit | undefined {
  const p = g.producer.get(embed);
  const n = p === undefined ? undefined : g.nodes[p];
  if (!n || opOf(n) !== 'Add') return undefined;
  const [a, b] = n.input ?? [];
  if (!a || !b || g.isConst(a) || g.isConst(b)) return undefined;
  const isTokens = (t: string): boolean => {
    const q = g.producer.get(t);
    const gather = q === undefined ? undefined : g.nodes[q];
    return !!gather && opOf(gather) === 'Gather' && feedsFrom(g, gather.input?.[1] ?? '').some((i) => /input_ids|^ids$|tokens/i.test(i));
  };
  if (isTokens(a) && !isTokens(b)) return { embed: a, posEmbed: b };
  if (isTokens(b) && !isTokens(a)) return { embed: b, posEmbed: a };
  return undefined;
}

export function findInterventionPoints(g: GraphIndex, result: InstrumentResult): PointsFound {
  const points: InterventionPoint[] = [];
  const unavailable: PointsFound['unavailable'] = [];
  const hook = (name: string): string | undefined => result.hooks.find((h) => h.name === name)?.onnxName;
  for (let layer = 0; layer < result.architecture.nLayers; layer++) {
    const pre = hook(`blocks.${layer}.hook_resid_pre`);
    const mid = hook(`blocks.${layer}.hook_resid_mid`);
    const post = hook(`blocks.${layer}.hook_resid_post`);
    if (!pre || !post) {
      for (const h of ['hook_resid_pre', 'hook_attn_out', 'hook_mlp_out', 'attn.hook_z']) unavailable.push({ name: `blocks.${layer}.${h}`, reason: `block ${layer}'s residual stream was not found` });
      continue;
    }
    const preProducer = g.producer.get(pre);
    if (preProducer !== undefined && opOf(g.nodes[preProducer]).startsWith('Skip')) unavailable.push({ name: `blocks.${layer}.hook_resid_pre`, reason: 'the stream is the sum output of a fused Skip*LayerNormalization, whose normalised output the block reads: replacing it would need the norm recomputed' });
    else points.push({ name: `blocks.${layer}.hook_resid_pre`, hook: 'resid_pre', layer, tensor: pre });
    const attnAddOut = mid ?? post;
    const attnAdd = g.producer.get(attnAddOut);
    const attnNode = attnAdd === undefined ? undefined : g.nodes[attnAdd];
    const attnBranch = attnNode && RESIDUAL_ADDS.has(opOf(attnNode)) ? branchOf(g, attnNode, pre) : undefined;
    if (!attnBranch) {
      const why = `block ${layer}'s attention Add was not found (${attnNode ? opOf(attnNode) : 'no producer'} makes the stream)`;
      unavailable.push({ name: `blocks.${layer}.hook_attn_out`, reason: why }, { name: `blocks.${layer}.attn.hook_z`, reason: why });
    } else {
      points.push({ name: `blocks.${layer}.hook_attn_out`, hook: 'attn_out', layer, tensor: attnBranch });
      const z = zPoint(g, layer, pre, attnBranch, result.architecture.nHeads);
      if (typeof z === 'string') unavailable.push({ name: `blocks.${layer}.attn.hook_z`, reason: z });
      else points.push(z);
    }
    if (mid) {
      const mlpAdd = g.producer.get(post);
      const mlpNode = mlpAdd === undefined ? undefined : g.nodes[mlpAdd];
      const mlpBranch = mlpNode && RESIDUAL_ADDS.has(opOf(mlpNode)) ? branchOf(g, mlpNode) : undefined;
      if (mlpBranch) points.push({ name: `blocks.${layer}.hook_mlp_out`, hook: 'mlp_out', layer, tensor: mlpBranch });
      else unavailable.push({ name: `blocks.${layer}.hook_mlp_out`, reason: `block ${layer}'s MLP Add is ${mlpNode ? opOf(mlpNode) : 'missing'}` });
    } else unavailable.push({ name: `blocks.${layer}.hook_mlp_out`, reason: `block ${layer} has no MLP (attention-only)` });
  }
  const embed = hook('hook_embed');
  return { points, unavailable, embedSplit: embed ? embedSplitOf(g, embed) : undefined };
}
