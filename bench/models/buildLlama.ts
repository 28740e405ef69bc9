// A Llama-style decoder of about 110M parameters (12 layers, d_model 768, 12 query heads sharing
// 4 key/value heads, SwiGLU width 1536, vocabulary 32000, untied lm_head) with random seeded
// weights, in the signature of Optimum's Llama `model.onnx`: input_ids, attention_mask,
// position_ids, past_key_values.{i}.key|value (kv heads) in; logits, present.* out. The op pattern
// follows torch's export of transformers' LlamaAttention at opset 17: RMSNorm decomposed
// (Pow → ReduceMean → Add → Sqrt → Reciprocal → Mul), RoPE from position_ids with rotate_half,
// repeat_kv as Unsqueeze → Expand → Reshape after the cache, SiLU as x·Sigmoid(x).
import { finishOptimumDecoder, GraphWriter } from './graphWriter';
import { causalBias, mergeHeads, splitHeads } from './buildGpt2';

export interface LlamaShape {
  layers: number;
  heads: number;
  kvHeads: number;
  dModel: number;
  intermediate: number;
  vocab: number;
  contextLength: number;
}

export const LLAMA_100M: LlamaShape = { layers: 12, heads: 12, kvHeads: 4, dModel: 768, intermediate: 1536, vocab: 32000, contextLength: 2048 };

function rmsNorm(w: GraphWriter, x: string, name: string, d: number): string {
  const ms = w.op('ReduceMean', [w.op('Pow', [x, w.floats([2], [])])], { axes: [-1], keepdims: 1 });
  const r = w.op('Reciprocal', [w.op('Sqrt', [w.op('Add', [ms, w.floats([1e-6], [])])])]);
  return w.op('Mul', [w.weight(`${name}.weight`, [d], 0, 1), w.op('Mul', [x, r])]);
}

function proj(w: GraphWriter, x: string, name: string, dIn: number, dOut: number, std = 0.02): string {
  return w.op('MatMul', [x, w.weight(`${name}.weight`, [dIn, dOut], std)]);
}

/** x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] */
function rope(w: GraphWriter, x: string, cos: string, sin: string, hd: number): string {
  const x1 = w.op('Slice', [x, w.ints([0]), w.ints([hd / 2]), w.ints([-1])]);
  const x2 = w.op('Slice', [x, w.ints([hd / 2]), w.ints([hd]), w.ints([-1])]);
  const rotated = w.op('Concat', [w.op('Neg', [x2]), x1], { axis: -1 });
  return w.op('Add', [w.op('Mul', [x, cos]), w.op('Mul', [rotated, sin])]);
}

/** [b, kv, T, hd] → [b, kv·rep, T, hd] */
function repeatKv(w: GraphWriter, x: string, kv: number, rep: number, hd: number): string {
  const shape = w.op('Shape', [x]); // [b, kv, T, hd]
  const b = w.op('Slice', [shape, w.ints([0]), w.ints([1]), w.ints([0])]);
  const t = w.op('Slice', [shape, w.ints([2]), w.ints([3]), w.ints([0])]);
  const expanded = w.op('Expand', [w.op('Unsqueeze', [x, w.ints([2])]), w.op('Concat', [b, w.ints([kv, rep]), t, w.ints([hd])], { axis: 0 })]);
  return w.op('Reshape', [expanded, w.op('Concat', [b, w.ints([kv * rep]), t, w.ints([hd])], { axis: 0 })]);
}

export function buildLlama(dir: string, s: LlamaShape = LLAMA_100M, seed = 100): { params: number } {
  const w = new GraphWriter(dir, seed);
  const d = s.dModel;
  const hd = d / s.heads;
  const rep = s.heads / s.kvHeads;
  let h = w.op('Gather', [w.weight('model.embed_tokens.weight', [s.vocab, d], 0.02), 'input_ids'], { axis: 0 });
  const bias = causalBias(w);
  // rotary: position_ids [b, s] → angles [b, 1, s, hd]
  const invFreq = w.floats(Array.from({ length: hd / 2 }, (_, i) => 1 / 10000 ** ((2 * i) / hd)));
  const freqs = w.op('Mul', [w.op('Unsqueeze', [w.op('Cast', ['position_ids'], { to: 1 }), w.ints([2])]), invFreq]); // [b, s, hd/2]
  const emb = w.op('Unsqueeze', [w.op('Concat', [freqs, freqs], { axis: -1 }), w.ints([1])]);
  const cos = w.op('Cos', [emb]);
  const sin = w.op('Sin', [emb]);
  const scale = w.floats([Math.sqrt(hd)], []);
  const outputStd = 0.02 / Math.sqrt(2 * s.layers);
  for (let l = 0; l < s.layers; l++) {
    const p = `model.layers.${l}`;
    const x = rmsNorm(w, h, `${p}.input_layernorm`, d);
    const q = rope(w, splitHeads(w, proj(w, x, `${p}.self_attn.q_proj`, d, d), s.heads, hd), cos, sin, hd);
    const k = rope(w, splitHeads(w, proj(w, x, `${p}.self_attn.k_proj`, d, s.kvHeads * hd), s.kvHeads, hd), cos, sin, hd);
    const v = splitHeads(w, proj(w, x, `${p}.self_attn.v_proj`, d, s.kvHeads * hd), s.kvHeads, hd);
    const key = w.op('Concat', [`past_key_values.${l}.key`, k], { axis: 2 }, `present.${l}.key`);
    const value = w.op('Concat', [`past_key_values.${l}.value`, v], { axis: 2 }, `present.${l}.value`);
    const kT = w.op('Transpose', [repeatKv(w, key, s.kvHeads, rep, hd)], { perm: [0, 1, 3, 2] });
    const scores = w.op('Div', [w.op('MatMul', [q, kT]), scale]);
    const probs = w.op('Softmax', [w.op('Add', [scores, bias])], { axis: -1 });
    const ctx = mergeHeads(w, w.op('MatMul', [probs, repeatKv(w, value, s.kvHeads, rep, hd)]), d);
    h = w.op('Add', [h, proj(w, ctx, `${p}.self_attn.o_proj`, d, d, outputStd)]);
    const y = rmsNorm(w, h, `${p}.post_attention_layernorm`, d);
    const gate = proj(w, y, `${p}.mlp.gate_proj`, d, s.intermediate);
    const up = proj(w, y, `${p}.mlp.up_proj`, d, s.intermediate);
    const act = w.op('Mul', [w.op('Mul', [gate, w.op('Sigmoid', [gate])]), up]);
    h = w.op('Add', [h, proj(w, act, `${p}.mlp.down_proj`, s.intermediate, d, outputStd)]);
  }
  w.op('MatMul', [rmsNorm(w, h, 'model.norm', d), w.weight('lm_head.weight', [d, s.vocab], 0.02)], {}, 'logits');
  finishOptimumDecoder(w, 'llama_bench', { layers: s.layers, kvHeads: s.kvHeads, headDim: hd, vocab: s.vocab });
  return { params: w.params };
}
