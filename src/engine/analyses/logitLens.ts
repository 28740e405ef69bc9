/** Logit lens: unembed(final_norm(resid)) for any layer's residual stream. The parameters come from
 * the model's own initializers (see instrument/lensParams.ts). */
import { klBits, logSoftmax, rankOf, topKIndices } from '../../util/distribution';

export interface FinalNormParams {
  kind: 'layernorm' | 'rmsnorm';
  /** [d_model] */
  weight: Float32Array;
  /** [d_model]; absent for RMSNorm or bias-free LayerNorm */
  bias?: Float32Array;
  eps: number;
}

export interface UnembedParams {
  /** [d_model, vocab] row-major (transposed at load time when the graph stores [vocab, d_model]) */
  weight: Float32Array;
  /** [vocab] */
  bias?: Float32Array;
  dModel: number;
  vocab: number;
}

/** resid: [pos, d_model] -> normalised [pos, d_model] */
export function applyFinalNorm(resid: Float32Array, d: number, p: FinalNormParams): Float32Array {
  const out = new Float32Array(resid.length);
  for (let r = 0; r < resid.length / d; r++) {
    const x = resid.subarray(r * d, (r + 1) * d);
    let mean = 0;
    if (p.kind === 'layernorm') {
      for (let i = 0; i < d; i++) mean += x[i];
      mean /= d;
    }
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[i] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + p.eps);
    for (let i = 0; i < d; i++) out[r * d + i] = (x[i] - mean) * inv * p.weight[i] + (p.bias ? p.bias[i] : 0);
  }
  return out;
}

/** x: [pos, d_model] -> logits [pos, vocab] */
export function unembed(x: Float32Array, u: UnembedParams): Float32Array {
  const rows = x.length / u.dModel;
  const out = new Float32Array(rows * u.vocab);
  for (let r = 0; r < rows; r++) {
    const o = out.subarray(r * u.vocab, (r + 1) * u.vocab);
    if (u.bias) o.set(u.bias);
    for (let i = 0; i < u.dModel; i++) {
      const xi = x[r * u.dModel + i];
      const w = u.weight.subarray(i * u.vocab, (i + 1) * u.vocab);
      for (let v = 0; v < u.vocab; v++) o[v] += xi * w[v];
    }
  }
  return out;
}

export interface LensCell {
  top: number;
  prob: number;
  /** rank (1-based) and probability of the target token, when one is given */
  targetRank?: number;
  targetProb?: number;
  /** KL(final ‖ this layer) in bits, when the final logits are given */
  klToFinal?: number;
}

/** one layer's lens over all positions: resid [pos, d_model], finalLogits [pos, vocab] optional */
export function lensLayer(resid: Float32Array, norm: FinalNormParams, u: UnembedParams, target?: number, finalLogits?: Float32Array): LensCell[] {
  const logits = unembed(applyFinalNorm(resid, u.dModel, norm), u);
  const cells: LensCell[] = [];
  for (let p = 0; p < logits.length / u.vocab; p++) {
    const lp = logSoftmax(logits.subarray(p * u.vocab, (p + 1) * u.vocab));
    const best = topKIndices(lp, 1)[0];
    const cell: LensCell = { top: best, prob: Math.exp(lp[best]) };
    if (target !== undefined) {
      cell.targetRank = rankOf(lp, target);
      cell.targetProb = Math.exp(lp[target]);
    }
    if (finalLogits) cell.klToFinal = klBits(logSoftmax(finalLogits.subarray(p * u.vocab, (p + 1) * u.vocab)), lp);
    cells.push(cell);
  }
  return cells;
}
