// The logit-lens grid from residual rows that already went through the final norm: per layer and
// position the top-k tokens, the entropy, and KL(final ‖ layer). Pure: no ONNX, no I/O.
import { unembed, type UnembedParams } from '../analyses/logitLens';
import { klBits, logSoftmax, rankOf, topK } from '../analyses/distribution';

export interface LensGrid {
  /** [layer, position, topK] token ids, best first */
  topIds: Int32Array;
  /** [layer, position, topK] probabilities */
  topProbs: Float32Array;
  /** [layer, position] KL(final ‖ layer), bits; the last layer is the final one, so 0 there */
  klToFinal: Float32Array;
  /** [layer, position] entropy, bits */
  entropyBits: Float32Array;
}

/** Shannon entropy in bits from one row of natural-log probabilities ([vocab]). */
function entropyFromLog(lp: Float64Array): number {
  let h = 0;
  for (let i = 0; i < lp.length; i++) {
    const p = Math.exp(lp[i]);
    if (p > 0) h -= p * lp[i];
  }
  return h / Math.LN2;
}

/**
 * normed: one [T, d_model] array per lens row, final norm applied; the last row is the model's
 * output. Rows are unembedded one at a time so at most two [T, vocab] arrays exist at once.
 * `onRow` runs after each row (cancellation checks).
 */
export function lensGrid(normed: Float32Array[], T: number, u: UnembedParams, k: number, onRow: () => void = () => undefined): LensGrid {
  const L = normed.length;
  const V = u.vocab;
  const topIds = new Int32Array(L * T * k);
  const topProbs = new Float32Array(L * T * k);
  const klToFinal = new Float32Array(L * T);
  const entropyBits = new Float32Array(L * T);
  // final log-probabilities [T, vocab], the reference every other row is compared with
  const finalLogits = unembed(normed[L - 1], u);
  const finalLog = new Float32Array(T * V);
  for (let p = 0; p < T; p++) finalLog.set(logSoftmax(finalLogits.subarray(p * V, (p + 1) * V)), p * V);
  for (let l = 0; l < L; l++) {
    const logits = l === L - 1 ? finalLogits : unembed(normed[l], u); // [T, vocab]
    for (let p = 0; p < T; p++) {
      const lp = logSoftmax(logits.subarray(p * V, (p + 1) * V)); // [vocab]
      const best = topK(lp, k);
      const at = (l * T + p) * k;
      for (let j = 0; j < best.ids.length; j++) {
        topIds[at + j] = best.ids[j];
        topProbs[at + j] = Math.exp(best.values[j]);
      }
      entropyBits[l * T + p] = entropyFromLog(lp);
      klToFinal[l * T + p] = l === L - 1 ? 0 : Math.max(0, klBits(finalLog.subarray(p * V, (p + 1) * V), lp));
    }
    onRow();
  }
  return { topIds, topProbs, klToFinal, entropyBits };
}

/** Rank (1-based) and probability of `id` at one position of every lens row; normed as above. */
export function lensTrace(normed: Float32Array[], position: number, u: UnembedParams, id: number): { ranks: Int32Array; probs: Float32Array } {
  const d = u.dModel;
  const ranks = new Int32Array(normed.length); // [layer]
  const probs = new Float32Array(normed.length); // [layer]
  normed.forEach((rows, l) => {
    const lp = logSoftmax(unembed(rows.subarray(position * d, (position + 1) * d), u)); // [vocab]
    ranks[l] = rankOf(lp, id) + 1;
    probs[l] = Math.exp(lp[id]);
  });
  return { ranks, probs };
}
