// A GPT-2-small-shaped decoder (124M parameters: 12 layers, 12 heads, d_model 768, vocabulary
// 50257, 1024 learned positions, unembedding tied to the token embedding) with random seeded
// weights, in the signature Optimum's `model.onnx` export of gpt2 has: input_ids, attention_mask,
// position_ids and past_key_values.{i}.key|value in; logits and present.{i}.key|value out. The op
// pattern follows torch's export of transformers' GPT2Attention at opset 17: LayerNormalization,
// fused c_attn MatMul + Split, Q·Kᵀ / √d, additive causal+padding bias, Softmax, tanh GELU
// decomposed, lm_head as MatMul with the transposed embedding.
import { finishOptimumDecoder, GraphWriter } from './graphWriter';

export interface Gpt2Shape {
  layers: number;
  heads: number;
  dModel: number;
  vocab: number;
  positions: number;
}

export const GPT2_SMALL: Gpt2Shape = { layers: 12, heads: 12, dModel: 768, vocab: 50257, positions: 1024 };

/** Shared by both builders: the causal + padding bias [batch, 1, seq, past+seq] (0 or −1e9). */
export function causalBias(w: GraphWriter): string {
  const one = w.ints([1], []);
  const zero = w.ints([0], []);
  const total = w.op('Gather', [w.op('Shape', ['attention_mask']), one], { axis: 0 }); // past + seq
  const seq = w.op('Gather', [w.op('Shape', ['input_ids']), one], { axis: 0 });
  const keys = w.op('Range', [zero, total, one]); // [total]
  const queries = w.op('Range', [w.op('Sub', [total, seq]), total, one]); // [seq] absolute positions
  const causal = w.op('LessOrEqual', [w.op('Unsqueeze', [keys, w.ints([0])]), w.op('Unsqueeze', [queries, w.ints([1])])]); // [seq, total]
  const pad = w.op('Unsqueeze', [w.op('Cast', ['attention_mask'], { to: 9 }), w.ints([1, 2])]); // [batch, 1, 1, total]
  return w.op('Where', [w.op('And', [causal, pad]), w.floats([0], []), w.floats([-1e9], [])]); // [batch, 1, seq, total]
}

/** [b, s, heads·hd] → [b, heads, s, hd] */
export function splitHeads(w: GraphWriter, x: string, heads: number, hd: number): string {
  return w.op('Transpose', [w.op('Reshape', [x, w.ints([0, 0, heads, hd])])], { perm: [0, 2, 1, 3] });
}

export function mergeHeads(w: GraphWriter, x: string, width: number): string {
  return w.op('Reshape', [w.op('Transpose', [x], { perm: [0, 2, 1, 3] }), w.ints([0, 0, width])]);
}

function layerNorm(w: GraphWriter, x: string, name: string, d: number): string {
  return w.op('LayerNormalization', [x, w.weight(`${name}.weight`, [d], 0, 1), w.weight(`${name}.bias`, [d], 0, 0)], { axis: -1, epsilon: { f: 1e-5 } });
}

function linear(w: GraphWriter, x: string, name: string, dIn: number, dOut: number, std = 0.02): string {
  return w.op('Add', [w.op('MatMul', [x, w.weight(`${name}.weight`, [dIn, dOut], std)]), w.weight(`${name}.bias`, [dOut], 0, 0)]);
}

/** gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
function geluNew(w: GraphWriter, x: string): string {
  const cube = w.op('Mul', [w.op('Pow', [x, w.floats([3], [])]), w.floats([0.044715], [])]);
  const inner = w.op('Mul', [w.op('Add', [x, cube]), w.floats([Math.sqrt(2 / Math.PI)], [])]);
  const t = w.op('Add', [w.op('Tanh', [inner]), w.floats([1], [])]);
  return w.op('Mul', [w.op('Mul', [x, w.floats([0.5], [])]), t]);
}

export function buildGpt2(dir: string, s: Gpt2Shape = GPT2_SMALL, seed = 124): { params: number } {
  const w = new GraphWriter(dir, seed);
  const d = s.dModel;
  const hd = d / s.heads;
  const wte = w.weight('transformer.wte.weight', [s.vocab, d], 0.02);
  const wpe = w.weight('transformer.wpe.weight', [s.positions, d], 0.01);
  let h = w.op('Add', [w.op('Gather', [wte, 'input_ids'], { axis: 0 }), w.op('Gather', [wpe, 'position_ids'], { axis: 0 })]);
  const bias = causalBias(w);
  const scale = w.floats([Math.sqrt(hd)], []);
  const outputStd = 0.02 / Math.sqrt(2 * s.layers);
  for (let l = 0; l < s.layers; l++) {
    const p = `transformer.h.${l}`;
    const x = layerNorm(w, h, `${p}.ln_1`, d);
    const qkv = linear(w, x, `${p}.attn.c_attn`, d, 3 * d);
    const [q, k, v] = [`${p}.q`, `${p}.k`, `${p}.v`];
    w.op('Split', [qkv, w.ints([d, d, d])], { axis: 2 }, [q, k, v]);
    const key = w.op('Concat', [`past_key_values.${l}.key`, splitHeads(w, k, s.heads, hd)], { axis: 2 }, `present.${l}.key`);
    const value = w.op('Concat', [`past_key_values.${l}.value`, splitHeads(w, v, s.heads, hd)], { axis: 2 }, `present.${l}.value`);
    const scores = w.op('Div', [w.op('MatMul', [splitHeads(w, q, s.heads, hd), w.op('Transpose', [key], { perm: [0, 1, 3, 2] })]), scale]);
    const probs = w.op('Softmax', [w.op('Add', [scores, bias])], { axis: -1 });
    const attn = linear(w, mergeHeads(w, w.op('MatMul', [probs, value]), d), `${p}.attn.c_proj`, d, d, outputStd);
    h = w.op('Add', [h, attn]);
    const mlp = linear(w, geluNew(w, linear(w, layerNorm(w, h, `${p}.ln_2`, d), `${p}.mlp.c_fc`, d, 4 * d)), `${p}.mlp.c_proj`, 4 * d, d, outputStd);
    h = w.op('Add', [h, mlp]);
  }
  const final = layerNorm(w, h, 'transformer.ln_f', d);
  w.op('MatMul', [final, w.op('Transpose', [wte], { perm: [1, 0] })], {}, 'logits');
  finishOptimumDecoder(w, 'gpt2_bench', { layers: s.layers, kvHeads: s.heads, headDim: hd, vocab: s.vocab });
  return { params: w.params };
}
