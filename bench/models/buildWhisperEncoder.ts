// A Whisper-tiny-shaped audio encoder (openai/whisper-tiny's encoder: 80 mel bins × 3,000 frames
// in, two Conv1d + GELU (the second with stride 2), 1,500 learned positions, 4 pre-LayerNorm
// layers of d_model 384, 6 heads, FFN 1,536, a final LayerNorm; 8.2M parameters) with random
// seeded weights, in the signature of Optimum's `encoder_model.onnx` export of Whisper:
// input_features [batch, 80, 3000] → last_hidden_state [batch, 1500, 384]. The audio bench sets
// the product's log-mel features beside this forward pass: the bundled keyword model's forward
// over one second takes about as long as its features, a real speech encoder's does not.
import { GraphWriter, vi } from './graphWriter';
import { mergeHeads, splitHeads } from './buildGpt2';

export const WHISPER_TINY = { mels: 80, frames: 3000, dModel: 384, heads: 6, layers: 4, ffn: 1536 };

function layerNorm(w: GraphWriter, x: string, name: string, d: number, out?: string): string {
  return w.op('LayerNormalization', [x, w.weight(`${name}.weight`, [d], 0, 1), w.weight(`${name}.bias`, [d], 0, 0)], { axis: -1, epsilon: { f: 1e-5 } }, out);
}

function linear(w: GraphWriter, x: string, name: string, dIn: number, dOut: number, bias = true): string {
  const y = w.op('MatMul', [x, w.weight(`${name}.weight`, [dIn, dOut], 0.02)]);
  return bias ? w.op('Add', [y, w.weight(`${name}.bias`, [dOut], 0, 0)]) : y;
}

/** exact GELU, as torch exports nn.GELU(): 0.5·x·(1 + erf(x / √2)) */
function gelu(w: GraphWriter, x: string): string {
  const erf = w.op('Erf', [w.op('Div', [x, w.floats([Math.SQRT2], [])])]);
  return w.op('Mul', [w.op('Mul', [x, w.floats([0.5], [])]), w.op('Add', [erf, w.floats([1], [])])]);
}

export function buildWhisperEncoder(dir: string, seed = 39): { params: number } {
  const s = WHISPER_TINY;
  const w = new GraphWriter(dir, seed);
  const d = s.dModel;
  const hd = d / s.heads;
  const conv = (x: string, name: string, cin: number, stride: number) =>
    gelu(w, w.op('Conv', [x, w.weight(`${name}.weight`, [d, cin, 3], 0.02), w.weight(`${name}.bias`, [d], 0, 0)], { kernel_shape: [3], pads: [1, 1], strides: [stride] }));
  const c2 = conv(conv('input_features', 'encoder.conv1', s.mels, 1), 'encoder.conv2', d, 2); // [b, d, 1500]
  let h = w.op('Add', [w.op('Transpose', [c2], { perm: [0, 2, 1] }), w.weight('encoder.embed_positions.weight', [s.frames / 2, d], 0.01)]);
  const scale = w.floats([1 / Math.sqrt(hd)], []);
  for (let l = 0; l < s.layers; l++) {
    const p = `encoder.layers.${l}`;
    const x = layerNorm(w, h, `${p}.self_attn_layer_norm`, d);
    const q = splitHeads(w, w.op('Mul', [linear(w, x, `${p}.self_attn.q_proj`, d, d), scale]), s.heads, hd);
    const k = splitHeads(w, linear(w, x, `${p}.self_attn.k_proj`, d, d, false), s.heads, hd);
    const v = splitHeads(w, linear(w, x, `${p}.self_attn.v_proj`, d, d), s.heads, hd);
    const probs = w.op('Softmax', [w.op('MatMul', [q, w.op('Transpose', [k], { perm: [0, 1, 3, 2] })])], { axis: -1 });
    h = w.op('Add', [h, linear(w, mergeHeads(w, w.op('MatMul', [probs, v]), d), `${p}.self_attn.out_proj`, d, d)]);
    const y = layerNorm(w, h, `${p}.final_layer_norm`, d);
    h = w.op('Add', [h, linear(w, gelu(w, linear(w, y, `${p}.fc1`, d, s.ffn)), `${p}.fc2`, s.ffn, d)]);
  }
  layerNorm(w, h, 'encoder.layer_norm', d, 'last_hidden_state');
  w.finish('whisper_tiny_shaped_encoder', [vi('input_features', ['batch_size', s.mels, s.frames])], [vi('last_hidden_state', ['batch_size', s.frames / 2, d])], 17);
  return { params: w.params };
}
