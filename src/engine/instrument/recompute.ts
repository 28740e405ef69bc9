/** softmax(Q·Kᵀ·scale + masks) in TypeScript for fused attention ops, following the op's own
 * semantics (GQA head sharing, rotary from the op's cos/sin caches, causal / padding / window masks). */
import { InstrumentError } from './errors.js';
import type { RecomputeSpec, TensorSlice } from './types.js';
import { checkSelection } from './patternSlice.js';
import type { PatternSelection } from './patternSlice.js';

export interface DenseTensor {
  dims: number[];
  data: Float32Array;
}

/** slice + bias + split heads: [B, T, W] -> [B, heads, T, headDim]; [B, heads, T, headDim] passes through */
function splitHeads(t: DenseTensor, slice: TensorSlice, heads: number, headDim: number, bias?: number[]): DenseTensor {
  if (t.dims.length === 4) return t; // already BNSH (MultiHeadAttention accepts a pre-shaped key)
  const [B, T, W] = t.dims;
  const width = slice.width || W;
  const data = new Float32Array(B * heads * T * headDim); // [B, heads, T, headDim]
  for (let b = 0; b < B; b++)
    for (let s = 0; s < T; s++)
      for (let h = 0; h < heads; h++)
        for (let d = 0; d < headDim; d++) {
          const col = h * headDim + d;
          if (col >= width) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `${slice.onnxName} is narrower than ${heads} heads × ${headDim}`);
          data[((b * heads + h) * T + s) * headDim + d] = t.data[(b * T + s) * W + slice.offset + col] + (bias ? bias[col] : 0);
        }
  return { dims: [B, heads, T, headDim], data };
}

/** rotary in place on [B, heads, T, headDim] with cos/sin [maxPos, rotaryDim/2] */
function applyRotary(x: DenseTensor, cos: DenseTensor, sin: DenseTensor, interleaved: boolean, positions: (b: number, s: number) => number): void {
  const [B, H, T, D] = x.dims;
  const half = cos.dims[1];
  const rotDim = half * 2;
  if (rotDim > D) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `rotary cache width ${rotDim} exceeds head size ${D}`);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let s = 0; s < T; s++) {
        const p = positions(b, s);
        const base = ((b * H + h) * T + s) * D;
        for (let i = 0; i < half; i++) {
          const c = cos.data[p * half + i];
          const sn = sin.data[p * half + i];
          // interleaved pairs (2i, 2i+1); otherwise halves (i, i + rotDim/2) as in rotate_half
          const i1 = interleaved ? base + 2 * i : base + i;
          const i2 = interleaved ? base + 2 * i + 1 : base + i + half;
          const x1 = x.data[i1];
          const x2 = x.data[i2];
          x.data[i1] = x1 * c - x2 * sn;
          x.data[i2] = x2 * c + x1 * sn;
        }
      }
}

export interface RecomputeInputs {
  q: DenseTensor;
  k: DenseTensor;
  keyPaddingMask?: DenseTensor;
  attentionBias?: DenseTensor;
  seqlensK?: DenseTensor;
  cos?: DenseTensor;
  sin?: DenseTensor;
  positionIds?: DenseTensor;
  pastLength: number;
}

export interface PreparedQK {
  /** [B, numHeads, S, D] after slicing, bias and rotary */
  q: DenseTensor;
  /** [B, kvNumHeads, T, D] */
  k: DenseTensor;
  scale: number;
}

/** Q and K as the op sees them right before Q·Kᵀ */
export function prepareQK(spec: RecomputeSpec, inp: RecomputeInputs): PreparedQK {
  if (inp.pastLength > 0)
    throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `${spec.op} pattern is recomputed only for a run without past keys (got ${inp.pastLength} cached positions); run the whole prompt at once`);
  const H = spec.numHeads;
  const qWidth = spec.q.width || inp.q.dims[inp.q.dims.length - 1];
  const D = spec.headDim || (inp.q.dims.length === 4 ? inp.q.dims[3] : qWidth / H);
  const q = splitHeads(inp.q, spec.q, H, D, spec.qBias);
  const k = splitHeads(inp.k, spec.k, spec.kvNumHeads, D, spec.kBias);
  if (spec.rotary) {
    if (!inp.cos || !inp.sin) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', 'rotary cos/sin caches were not available');
    const pos = inp.positionIds;
    const at = (b: number, s: number): number => (pos ? pos.data[b * pos.dims[pos.dims.length - 1] + s] : s);
    applyRotary(q, inp.cos, inp.sin, spec.rotary.interleaved, at);
    applyRotary(k, inp.cos, inp.sin, spec.rotary.interleaved, at);
  }
  return { q, k, scale: spec.scale || 1 / Math.sqrt(D) };
}

/** keys a query row may see: [jLo, jHi] from causality / window, and `keep` from padding / seqlens */
export function visibleKeys(inp: RecomputeInputs, b: number, T: number, keep: Uint8Array): void {
  const pad = inp.keyPaddingMask && inp.keyPaddingMask.dims.length === 2 ? inp.keyPaddingMask.data : undefined;
  for (let j = 0; j < T; j++) keep[j] = (pad && pad[b * T + j] === 0) || (inp.seqlensK && j > inp.seqlensK.data[b]) ? 0 : 1;
}

export function keyRange(spec: RecomputeSpec, absI: number, T: number): [number, number] {
  const jHi = spec.causal ? Math.min(absI, T - 1) : T - 1;
  const jLo = spec.localWindow !== undefined ? Math.max(0, absI - spec.localWindow) : 0;
  return [jLo, jHi];
}

/** returns the attention probabilities [batch, numHeads, query_pos, key_pos], or only the selected
 * heads and query rows (computing just those). Plain TypeScript: the reference for recomputeNative. */
export function recomputePattern(spec: RecomputeSpec, inp: RecomputeInputs, sel: PatternSelection = {}): DenseTensor {
  const { q, k, scale } = prepareQK(spec, inp);
  const H = spec.numHeads;
  const KVH = spec.kvNumHeads;
  const [B, , S, D] = q.dims;
  const T = k.dims[2];
  const { heads, q0, q1 } = checkSelection(sel, H, S);
  const rows = q1 - q0;
  const out = new Float32Array(B * heads.length * rows * T); // [B, heads, rows, T]
  const row = new Float64Array(T);
  const group = H / KVH;
  const bias = inp.attentionBias;
  const [bb, bh] = bias && bias.dims.length === 4 ? [bias.dims[0], bias.dims[1]] : [1, 1];
  const qd = q.data;
  const kd = k.data;
  const keep = new Uint8Array(T); // per batch row: keys not removed by padding / seqlens
  for (let b = 0; b < B; b++) {
    visibleKeys(inp, b, T, keep);
    for (let hi = 0; hi < heads.length; hi++) {
      const h = heads[hi];
      const kBase = (b * KVH + Math.floor(h / group)) * T * D;
      const biasBase = bias ? ((bb === 1 ? 0 : b) * bh + (bh === 1 ? 0 : h)) * S * T : 0;
      for (let i = q0; i < q1; i++) {
        const qi = ((b * H + h) * S + i) * D;
        const absI = i + (T - S); // query position among the keys (suffix alignment)
        const [jLo, jHi] = keyRange(spec, absI, T); // outside: masked by causality / the sliding window
        let max = -Infinity;
        row.fill(-Infinity);
        for (let j = jLo; j <= jHi; j++) {
          if (!keep[j]) continue;
          const kj = kBase + j * D;
          let s = 0;
          for (let d = 0; d < D; d++) s += qd[qi + d] * kd[kj + d];
          s *= scale;
          if (spec.softcap) s = spec.softcap * Math.tanh(s / spec.softcap);
          if (bias) s += bias.data[biasBase + i * T + j]; // broadcast [B|1, H|1, S, T]
          row[j] = s;
          if (s > max) max = s;
        }
        const o = ((b * heads.length + hi) * rows + (i - q0)) * T;
        if (max === -Infinity) continue; // fully masked row: leave zeros
        let sum = 0;
        for (let j = jLo; j <= jHi; j++) sum += row[j] = Math.exp(row[j] - max);
        for (let j = jLo; j <= jHi; j++) out[o + j] = row[j] / sum;
      }
    }
  }
  return { dims: [B, heads.length, rows, T], data: out };
}
