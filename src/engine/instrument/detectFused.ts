/** Fused attention ops (com.microsoft Attention, MultiHeadAttention, GroupQueryAttention) keep their
 * probabilities inside the kernel. For each we describe how to recompute them in TypeScript from
 * the op's Q and K (RecomputeSpec), adding a Q/K projection node where the op does it internally. */
import type { onnx } from 'onnx-proto';
import type { GraphIndex } from './graphIndex.js';
import { attrFloat, attrInt, attrInts, opOf } from './graphIndex.js';
import { dimsOf, tensorToFloat32 } from './tensorData.js';
import type { RecomputeSpec } from './types.js';

export const FUSED_OPS = new Set(['Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention',
  'PackedMultiHeadAttention', 'DecoderMaskedMultiHeadAttention', 'DecoderMaskedSelfAttention', 'SparseAttention',
  'PagedAttention', 'QAttention', 'LongformerAttention']);

export interface FusedAttention {
  node: number;
  spec?: RecomputeSpec;
  /** the op can emit its own probabilities: this output (after `patch` is applied) is the exact map */
  probsOutput?: string;
  patch?: { outputIndex: number; name: string; attribute: { name: string; value: number } };
  reason?: string;
  extraNodes: onnx.INodeProto[];
  constants: Record<string, { dims: number[]; data: number[] }>;
}

function input(n: onnx.INodeProto, i: number): string | undefined {
  const t = n.input?.[i];
  return t ? t : undefined;
}

/** last dimension of a tensor when it can be read from value_info or a projection's weight */
function staticLastDim(g: GraphIndex, tensor: string): number | undefined {
  const dims = g.valueInfo.get(tensor)?.type?.tensorType?.shape?.dim;
  const last = dims?.[dims.length - 1]?.dimValue;
  if (last) return Number(last);
  const p = g.producer.get(tensor);
  if (p === undefined) return undefined;
  const n = g.nodes[p];
  for (const t of n.input ?? []) {
    const init = t ? g.initializers.get(t) : undefined;
    if (init && ['MatMul', 'Add'].includes(opOf(n))) return dimsOf(init).at(-1);
  }
  return undefined;
}

function scaleOf(n: onnx.INodeProto, headDim: number | undefined): number {
  const s = attrFloat(n, 'scale', 0);
  return s !== 0 ? s : headDim ? 1 / Math.sqrt(headDim) : 0;
}

function fusedAttentionOp(g: GraphIndex, i: number, n: onnx.INodeProto, tag: string): FusedAttention {
  const out: FusedAttention = { node: i, extraNodes: [], constants: {} };
  const numHeads = attrInt(n, 'num_heads', 0);
  const x = input(n, 0);
  const weights = input(n, 1);
  const w = weights ? g.initializers.get(weights) : undefined;
  const declared = weights ? g.valueInfo.get(weights)?.type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue ?? 0)) : undefined;
  const width = (w ? dimsOf(w) : declared)?.[1];
  const sizes = attrInts(n, 'qkv_hidden_sizes') ?? (width ? Array(3).fill(width / 3) : undefined);
  if (!x || !weights || !sizes) return { ...out, reason: 'the width of the Attention op\'s packed QKV weights is unknown' };
  if (attrInt(n, 'do_rotary', 0)) return { ...out, reason: 'Attention with do_rotary=1 is not recomputed yet (its rotary has no cos/sin inputs)' };
  const qkv = `tensorloupe/${tag}/qkv`;
  const bias = input(n, 2);
  // the op projects internally: add the same projection as a node so ORT computes Q and K for us
  out.extraNodes.push({ opType: 'MatMul', input: [x, weights], output: [bias ? `${qkv}_mm` : qkv], name: `${qkv}_mm` });
  if (bias) out.extraNodes.push({ opType: 'Add', input: [`${qkv}_mm`, bias], output: [qkv], name: `${qkv}_add` });
  const headDim = sizes[0] / numHeads;
  out.spec = {
    op: 'Attention',
    q: { onnxName: qkv, offset: 0, width: sizes[0] },
    k: { onnxName: qkv, offset: sizes[0], width: sizes[1] },
    numHeads,
    kvNumHeads: numHeads,
    headDim,
    scale: scaleOf(n, headDim),
    causal: attrInt(n, 'unidirectional', 0) === 1,
    keyPaddingMask: input(n, 3),
    pastKey: input(n, 4),
    attentionBias: input(n, 5),
  };
  return out;
}

function multiHeadAttentionOp(g: GraphIndex, i: number, n: onnx.INodeProto): FusedAttention {
  const out: FusedAttention = { node: i, extraNodes: [], constants: {} };
  const numHeads = attrInt(n, 'num_heads', 0);
  const q = input(n, 0);
  const k = input(n, 1);
  if (!q || !k || !input(n, 2)) return { ...out, reason: 'MultiHeadAttention with packed QKV/KV input is not recomputed yet' };
  const width = staticLastDim(g, q);
  const headDim = width ? width / numHeads : 0;
  const spec: RecomputeSpec = {
    op: 'MultiHeadAttention',
    q: { onnxName: q, offset: 0, width: 0 },
    k: { onnxName: k, offset: 0, width: 0 },
    numHeads,
    kvNumHeads: numHeads,
    headDim,
    scale: scaleOf(n, headDim),
    causal: attrInt(n, 'unidirectional', 0) === 1,
    keyPaddingMask: input(n, 4),
    attentionBias: input(n, 5),
    pastKey: input(n, 6),
  };
  const bias = input(n, 3);
  if (bias) {
    const b = g.initializers.get(bias);
    if (!b) return { ...out, reason: 'MultiHeadAttention bias is computed in the graph, not an initializer' };
    const data = tensorToFloat32(b);
    const third = data.length / 3;
    spec.qBias = Array.from(data.subarray(0, third));
    spec.kBias = Array.from(data.subarray(third, 2 * third));
  }
  return { ...out, spec };
}

function groupQueryAttentionOp(g: GraphIndex, i: number, n: onnx.INodeProto): FusedAttention {
  const out: FusedAttention = { node: i, extraNodes: [], constants: {} };
  const numHeads = attrInt(n, 'num_heads', 0);
  const kvNumHeads = attrInt(n, 'kv_num_heads', numHeads);
  const q = input(n, 0);
  if (!q) return { ...out, reason: 'GroupQueryAttention has no query input' };
  if (attrInt(n, 'smooth_softmax', 0)) return { ...out, reason: 'GroupQueryAttention smooth_softmax is not recomputed yet' };
  if (input(n, 11)) return { ...out, reason: 'GroupQueryAttention head_sink is not recomputed yet' };
  const k = input(n, 1);
  let headDim: number;
  let qs: RecomputeSpec['q'];
  let ks: RecomputeSpec['k'];
  if (k) {
    const width = staticLastDim(g, q);
    headDim = width ? width / numHeads : 0;
    qs = { onnxName: q, offset: 0, width: 0 };
    ks = { onnxName: k, offset: 0, width: 0 };
  } else {
    // packed [batch, seq, (num_heads + 2 * kv_num_heads) * head_dim]
    const width = staticLastDim(g, q);
    if (!width) return { ...out, reason: 'GroupQueryAttention packed QKV width is not known statically' };
    headDim = width / (numHeads + 2 * kvNumHeads);
    qs = { onnxName: q, offset: 0, width: numHeads * headDim };
    ks = { onnxName: q, offset: numHeads * headDim, width: kvNumHeads * headDim };
  }
  const window = attrInt(n, 'local_window_size', -1);
  const softcap = attrFloat(n, 'softcap', 0);
  const spec: RecomputeSpec = {
    op: 'GroupQueryAttention',
    q: qs,
    k: ks,
    numHeads,
    kvNumHeads,
    headDim,
    scale: scaleOf(n, headDim),
    causal: true,
    seqlensK: input(n, 5),
    pastKey: input(n, 3),
    attentionBias: input(n, 10),
    ...(window > 0 ? { localWindow: window } : {}),
    ...(softcap > 0 ? { softcap } : {}),
  };
  if (attrInt(n, 'do_rotary', 0)) {
    const cos = input(n, 7);
    const sin = input(n, 8);
    if (!cos || !sin) return { ...out, reason: 'GroupQueryAttention do_rotary=1 without cos/sin caches' };
    for (const name of [cos, sin]) {
      const init = g.initializers.get(name);
      if (init && !out.constants[name]) out.constants[name] = { dims: dimsOf(init), data: Array.from(tensorToFloat32(init)) };
    }
    spec.rotary = { cos, sin, interleaved: attrInt(n, 'rotary_interleaved', 0) === 1, positionIds: input(n, 9) };
  }
  return { ...out, spec };
}

/** ONNX Attention (opset 23+) can return its softmax itself: output 3 with qk_matmul_output_mode=3 */
function onnxAttentionOp(i: number, n: onnx.INodeProto): FusedAttention {
  const out: FusedAttention = { node: i, extraNodes: [], constants: {} };
  const existing = n.output?.[3];
  const mode = attrInt(n, 'qk_matmul_output_mode', 0);
  if (existing && mode !== 3)
    return { ...out, reason: `Attention already exports its scores before softmax (qk_matmul_output_mode=${mode}); the map is not recomputed from them yet` };
  if (existing) return { ...out, probsOutput: existing };
  const name = `tensorloupe/attn_probs/${i}`;
  return { ...out, probsOutput: name, patch: { outputIndex: 3, name, attribute: { name: 'qk_matmul_output_mode', value: 3 } } };
}

export function detectFusedAttention(g: GraphIndex): FusedAttention[] {
  const found: FusedAttention[] = [];
  g.nodes.forEach((n, i) => {
    const op = opOf(n);
    if (!FUSED_OPS.has(op)) return;
    const domain = n.domain ?? '';
    if (op === 'Attention' && (domain === '' || domain === 'ai.onnx')) {
      found.push(onnxAttentionOp(i, n));
    } else if (op === 'Attention') found.push(fusedAttentionOp(g, i, n, `attn${found.length}`));
    else if (op === 'MultiHeadAttention') found.push(multiHeadAttentionOp(g, i, n));
    else if (op === 'GroupQueryAttention') found.push(groupQueryAttentionOp(g, i, n));
    else found.push({ node: i, extraNodes: [], constants: {}, reason: `fused ${op} is not supported for attention maps` });
  });
  return found;
}
