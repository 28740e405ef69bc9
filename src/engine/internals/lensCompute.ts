// The logit-lens grid from residual rows that already went through the final norm: per layer and
// position the top-k tokens, the entropy, and KL(final ‖ layer). The unembedding + log-softmax is
// passed in (onnxruntime in the engine, plain JavaScript in unit tests).
import { rankOf, topKIndices } from '../../util/distribution';

/** x: [rows, d_model] → natural-log probabilities [rows, vocab] and entropy in bits [rows] */
export type LogProbs = (x: Float32Array) => Promise<{ logp: Float32Array; entropyBits: Float32Array }>;

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

/** KL(final ‖ layer) in bits from the final row's probabilities and both rows' log-probabilities */
function klToFinalBits(pFinal: Float32Array, logFinal: Float32Array, logLayer: Float32Array): number {
  let kl = 0;
  for (let i = 0; i < pFinal.length; i++) if (pFinal[i] > 0) kl += pFinal[i] * (logFinal[i] - logLayer[i]);
  return Math.max(0, kl / Math.LN2);
}

/** Positions unembedded per call: bounds the [positions, vocab] arrays to ~32 MB each, whatever the vocabulary. */
const CHUNK_FLOATS = 8 * 1024 * 1024;

/**
 * normed: one [T, d_model] array per lens row, final norm applied; the last row is the model's
 * output. Positions go in chunks and rows one at a time, so at most three [chunk, vocab] arrays
 * exist at once. `onRow` runs after each row of a chunk (cancellation checks).
 */
export async function lensGrid(normed: Float32Array[], T: number, vocab: number, k: number, logProbs: LogProbs, onRow: () => void = () => undefined, chunkFloats = CHUNK_FLOATS): Promise<LensGrid> {
  const L = normed.length;
  const V = vocab;
  const d = normed[0].length / T;
  const topIds = new Int32Array(L * T * k);
  const topProbs = new Float32Array(L * T * k);
  const klToFinal = new Float32Array(L * T);
  const entropyBits = new Float32Array(L * T);
  const chunk = Math.max(1, Math.floor(chunkFloats / V));
  for (let p0 = 0; p0 < T; p0 += chunk) {
    const p1 = Math.min(T, p0 + chunk);
    const rowsOf = (l: number) => normed[l].subarray(p0 * d, p1 * d); // [p1 - p0, d_model]
    const final = await logProbs(rowsOf(L - 1)); // the reference every row is compared with
    const finalLog = final.logp; // [p1 - p0, vocab]
    const finalP = finalLog.map(Math.exp); // [p1 - p0, vocab], so KL needs no exp per row
    for (let l = 0; l < L; l++) {
      const row = l === L - 1 ? final : await logProbs(rowsOf(l));
      for (let p = p0; p < p1; p++) {
        const i = p - p0;
        const lp = row.logp.subarray(i * V, (i + 1) * V); // [vocab]
        const best = topKIndices(lp, k);
        const at = (l * T + p) * k;
        for (let j = 0; j < best.length; j++) {
          topIds[at + j] = best[j];
          topProbs[at + j] = Math.exp(lp[best[j]]);
        }
        entropyBits[l * T + p] = row.entropyBits[i];
        klToFinal[l * T + p] = l === L - 1 ? 0 : klToFinalBits(finalP.subarray(i * V, (i + 1) * V), finalLog.subarray(i * V, (i + 1) * V), lp);
      }
      onRow();
    }
  }
  return { topIds, topProbs, klToFinal, entropyBits };
}

/** Rank (1-based) and probability of `id` at one position of every lens row; normed as above. */
export async function lensTrace(normed: Float32Array[], position: number, dModel: number, vocab: number, id: number, logProbs: LogProbs): Promise<{ ranks: Int32Array; probs: Float32Array }> {
  const L = normed.length;
  const x = new Float32Array(L * dModel); // [layer, d_model]: this position in every row
  normed.forEach((rows, l) => x.set(rows.subarray(position * dModel, (position + 1) * dModel), l * dModel));
  const all = (await logProbs(x)).logp; // [layer, vocab]
  const ranks = new Int32Array(L); // [layer]
  const probs = new Float32Array(L); // [layer]
  for (let l = 0; l < L; l++) {
    const lp = all.subarray(l * vocab, (l + 1) * vocab);
    ranks[l] = rankOf(lp, id); // 1-based
    probs[l] = Math.exp(lp[id]);
  }
  return { ranks, probs };
}
