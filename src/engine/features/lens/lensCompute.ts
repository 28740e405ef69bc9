// The logit-lens grid from residual rows that already went through the final norm: per layer and
// position the top-k tokens, the entropy, and KL(final ‖ layer). The unembedding and the per-row
// summaries are passed in (onnxruntime in the engine, plain JavaScript in unit tests).
import { rankOf, topKIndices } from '../../../util/distribution';

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

/** What the grid keeps of a block of lens rows: [rows] entropy in bits, [rows, k] top ids and their log-probabilities. */
export interface RowSummary {
  entropyBits: Float32Array;
  topIds: Int32Array;
  topLogp: Float32Array;
}

/** The lens rows of one chunk of positions, summarised (onnxruntime in the engine, jsLensRows in tests). */
export interface LensRows {
  /** the reference (output) rows, with their full log-probabilities [rows, vocab] for the others' KL */
  reference(x: Float32Array, k: number): Promise<RowSummary & { logp: Float32Array }>;
  /** other rows, with KL(reference ‖ row) in bits [rows] */
  compare(x: Float32Array, refLogp: Float32Array, k: number): Promise<RowSummary & { klBits: Float32Array }>;
  /**
   * Optional, every lens row of a chunk in one call: x [layers, positions, d_model], the last
   * layer the reference → [layers, positions] entropy and KL (bits; the reference's own is 0),
   * [layers, positions, k] top ids and log-probabilities. One MatMul reads the unembedding once
   * per chunk instead of once per row (154 MB at GPT-2 small: memory bandwidth was the lens's cost).
   */
  grid?(x: Float32Array, layers: number, k: number): Promise<RowSummary & { klBits: Float32Array }>;
}

/** LensRows in plain JavaScript over any LogProbs: the definition the onnxruntime graphs are tested against. */
export function jsLensRows(logProbs: LogProbs, vocab: number): LensRows {
  const summarise = (logp: Float32Array, entropyBits: Float32Array, k: number): RowSummary => {
    const rows = logp.length / vocab;
    const kk = Math.min(k, vocab);
    const topIds = new Int32Array(rows * kk);
    const topLogp = new Float32Array(rows * kk);
    for (let r = 0; r < rows; r++) {
      const lp = logp.subarray(r * vocab, (r + 1) * vocab);
      topKIndices(lp, kk).forEach((id, j) => {
        topIds[r * kk + j] = id;
        topLogp[r * kk + j] = lp[id];
      });
    }
    return { entropyBits, topIds, topLogp };
  };
  return {
    async reference(x, k) {
      const { logp, entropyBits } = await logProbs(x);
      return { ...summarise(logp, entropyBits, k), logp };
    },
    async compare(x, refLogp, k) {
      const { logp, entropyBits } = await logProbs(x);
      const klBits = Float32Array.from({ length: logp.length / vocab }, (_, r) => {
        let kl = 0;
        for (let i = r * vocab; i < (r + 1) * vocab; i++) {
          const p = Math.exp(refLogp[i]);
          if (p > 0) kl += p * (refLogp[i] - logp[i]);
        }
        return Math.max(0, kl / Math.LN2);
      });
      return { ...summarise(logp, entropyBits, k), klBits };
    },
  };
}

/** Positions unembedded per call: bounds the [positions, vocab] arrays to ~32 MB each, whatever the vocabulary. */
const CHUNK_FLOATS = 8 * 1024 * 1024;

/**
 * normed: one [T, d_model] array per lens row, final norm applied; the last row is the model's
 * output and the reference of every KL. Positions go in chunks, so only the reference's
 * [chunk, vocab] log-probabilities exist at once. `onRow` runs after each row of a chunk
 * (cancellation checks).
 */
/** `onRow(done, total)` after each layer's chunk of positions: where a cancel is checked and progress reported */
export async function lensGrid(normed: Float32Array[], T: number, vocab: number, k: number, rows: LensRows, onRow: (done: number, total: number) => void = () => undefined, chunkFloats = CHUNK_FLOATS): Promise<LensGrid> {
  const L = normed.length;
  const d = normed[0].length / T;
  const kk = Math.min(k, vocab); // a vocabulary smaller than k leaves the rest of each cell's k slots 0
  const topIds = new Int32Array(L * T * k);
  const topProbs = new Float32Array(L * T * k);
  const klToFinal = new Float32Array(L * T);
  const entropyBits = new Float32Array(L * T);
  if (rows.grid) {
    // all rows of a chunk of positions at once: [L, chunk, vocab] floats at most chunkFloats
    const chunkAll = Math.max(1, Math.floor(chunkFloats / (vocab * L)));
    const stepsAll = Math.ceil(T / chunkAll) * L;
    let stepAll = 0;
    for (let p0 = 0; p0 < T; p0 += chunkAll) {
      const p1 = Math.min(T, p0 + chunkAll);
      const P = p1 - p0;
      const x = new Float32Array(L * P * d); // [L, P, d_model]
      for (let l = 0; l < L; l++) x.set(normed[l].subarray(p0 * d, p1 * d), l * P * d);
      const s = await rows.grid(x, L, kk);
      for (let l = 0; l < L; l++) {
        entropyBits.set(s.entropyBits.subarray(l * P, (l + 1) * P), l * T + p0);
        klToFinal.set(l === L - 1 ? new Float32Array(P) : s.klBits.subarray(l * P, (l + 1) * P), l * T + p0);
        for (let i = 0; i < P * kk; i++) {
          const at = (l * T + p0 + Math.floor(i / kk)) * k + (i % kk);
          topIds[at] = s.topIds[l * P * kk + i];
          topProbs[at] = Math.exp(s.topLogp[l * P * kk + i]);
        }
        onRow(++stepAll, stepsAll);
      }
    }
    return { topIds, topProbs, klToFinal, entropyBits };
  }
  const chunk = Math.max(1, Math.floor(chunkFloats / vocab));
  const steps = Math.ceil(T / chunk) * L;
  let step = 0;
  for (let p0 = 0; p0 < T; p0 += chunk) {
    const p1 = Math.min(T, p0 + chunk);
    const rowsOf = (l: number) => normed[l].subarray(p0 * d, p1 * d); // [p1 - p0, d_model]
    const reference = await rows.reference(rowsOf(L - 1), kk);
    for (let l = 0; l < L; l++) {
      const s = l === L - 1 ? { ...reference, klBits: new Float32Array(p1 - p0) } : await rows.compare(rowsOf(l), reference.logp, kk);
      entropyBits.set(s.entropyBits, l * T + p0);
      klToFinal.set(s.klBits, l * T + p0);
      for (let i = 0; i < (p1 - p0) * kk; i++) {
        const at = (l * T + p0 + Math.floor(i / kk)) * k + (i % kk);
        topIds[at] = s.topIds[i];
        topProbs[at] = Math.exp(s.topLogp[i]);
      }
      onRow(++step, steps);
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
