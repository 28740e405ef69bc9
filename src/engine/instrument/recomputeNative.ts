/** The recompute's Q·Kᵀ + softmax run by onnxruntime instead of a JavaScript loop (12 heads,
 * 2048 tokens, d 64: 1.9 s vs 9.0 s, measured on a busy 2-core machine). TypeScript still prepares
 * Q and K exactly as the op does (slices, bias, rotary) and builds the additive mask; a tiny graph
 * does softmax(Q·Kᵀ·scale + mask). Soft-capped scores stay on the TypeScript path
 * (recomputePattern), which is also the reference this is tested against. */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from '../sessions';
import { encodeGraph, valueInfo } from '../smallGraphs/smallGraphs';
import { checkSelection } from './patternSlice.js';
import type { PatternSelection } from './patternSlice.js';
import { keyRange, prepareQK, recomputePattern, visibleKeys } from './recompute.js';
import type { DenseTensor, RecomputeInputs } from './recompute.js';
import type { RecomputeSpec } from './types.js';

let probe: Promise<InferenceSession> | undefined;

function probeSession(): Promise<InferenceSession> {
  const vi = (name: string, rank: number) => valueInfo(name, Array.from({ length: rank }, (_, i) => `${name}_${i}`));
  const model = encodeGraph(
    {
      name: 'tensorloupe_attention_probe',
      input: [vi('q', 4), vi('k', 4), vi('mask', 4), valueInfo('scale', [])],
      output: [vi('probs', 4)],
      node: [
        { opType: 'Transpose', input: ['k'], output: ['kt'], attribute: [{ name: 'perm', type: 7, ints: [0, 1, 3, 2] }] },
        { opType: 'MatMul', input: ['q', 'kt'], output: ['scores'] }, // [B, h, rows, T]
        { opType: 'Mul', input: ['scores', 'scale'], output: ['scaled'] },
        { opType: 'Add', input: ['scaled', 'mask'], output: ['masked'] },
        { opType: 'Softmax', input: ['masked'], output: ['probs'], attribute: [{ name: 'axis', type: 2, i: -1 }] },
      ],
    },
    17,
  );
  probe ??= InferenceSession.create(model, sessionOptions(0));
  return probe;
}

/** same result as recomputePattern: [B, heads, rows, T] */
export async function recomputePatternNative(spec: RecomputeSpec, inp: RecomputeInputs, sel: PatternSelection = {}): Promise<DenseTensor> {
  if (spec.softcap) return recomputePattern(spec, inp, sel);
  const { q, k, scale } = prepareQK(spec, inp);
  const [B, H, S, D] = q.dims;
  const T = k.dims[2];
  const group = H / spec.kvNumHeads;
  const { heads, q0, q1 } = checkSelection(sel, H, S);
  const rows = q1 - q0;
  const nh = heads.length;
  const qs = new Float32Array(B * nh * rows * D); // [B, nh, rows, D]
  const ks = new Float32Array(B * nh * T * D); // [B, nh, T, D]: each selected head's kv head
  const bias = inp.attentionBias;
  const [bb, bh] = bias && bias.dims.length === 4 ? [bias.dims[0], bias.dims[1]] : [1, 1];
  const mask = new Float32Array(B * (bias ? nh : 1) * rows * T); // [B, nh | 1, rows, T] additive
  const keep = new Uint8Array(T);
  for (let b = 0; b < B; b++) {
    heads.forEach((h, hi) => {
      qs.set(q.data.subarray(((b * H + h) * S + q0) * D, ((b * H + h) * S + q1) * D), (b * nh + hi) * rows * D);
      const kh = Math.floor(h / group);
      ks.set(k.data.subarray((b * spec.kvNumHeads + kh) * T * D, (b * spec.kvNumHeads + kh + 1) * T * D), (b * nh + hi) * T * D);
    });
    visibleKeys(inp, b, T, keep);
    for (let hi = 0; hi < (bias ? nh : 1); hi++) {
      const biasBase = bias ? ((bb === 1 ? 0 : b) * bh + (bh === 1 ? 0 : heads[hi])) * S * T : 0;
      for (let i = q0; i < q1; i++) {
        const [jLo, jHi] = keyRange(spec, i + (T - S), T);
        const o = ((b * (bias ? nh : 1) + hi) * rows + (i - q0)) * T;
        for (let j = 0; j < T; j++) mask[o + j] = j < jLo || j > jHi || !keep[j] ? -Infinity : bias ? bias.data[biasBase + i * T + j] : 0;
      }
    }
  }
  const session = await probeSession();
  const out = await session.run({
    q: new Tensor('float32', qs, [B, nh, rows, D]),
    k: new Tensor('float32', ks, [B, nh, T, D]),
    mask: new Tensor('float32', mask, [B, bias ? nh : 1, rows, T]),
    scale: new Tensor('float32', Float32Array.of(scale), []),
  });
  const data = out.probs.data as Float32Array;
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) data[i] = 0; // fully masked rows, as the TS path
  return { dims: [B, nh, rows, T], data };
}
