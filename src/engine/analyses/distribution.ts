/** Probability basics over one row of logits: softmax, log-softmax, top-k, entropy, rank, KL.
 * Rows are Float32Array views ([vocab]); maths is done in float64 for stability. */

/** log-softmax of one row ([vocab]) */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

/** softmax of one row ([vocab]) */
export function softmax(logits: ArrayLike<number>): Float32Array {
  return Float32Array.from(logSoftmax(logits), Math.exp);
}

export interface TopK {
  ids: number[];
  values: number[];
}

/** the k largest values, best first (ties: lower id first); O(n·k), fine for k ≪ n */
export function topK(values: ArrayLike<number>, k: number): TopK {
  const ids: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (ids.length === k && values[i] <= values[ids[k - 1]]) continue;
    let j = Math.min(ids.length, k - 1);
    if (ids.length < k) ids.push(i);
    while (j > 0 && values[ids[j - 1]] < values[i]) {
      ids[j] = ids[j - 1];
      j--;
    }
    ids[j] = i;
  }
  return { ids, values: ids.map((i) => values[i]) };
}

/** Shannon entropy in bits of a probability row (zeros contribute nothing) */
export function entropyBits(probs: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) h -= probs[i] * Math.log2(probs[i]);
  return h;
}

/** 0-based rank of `id` in a row (0 = most probable) */
export function rankOf(values: ArrayLike<number>, id: number): number {
  let rank = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > values[id] || (values[i] === values[id] && i < id)) rank++;
  return rank;
}

/** KL(p ‖ q) in bits from two log-probability rows */
export function klBits(logP: ArrayLike<number>, logQ: ArrayLike<number>): number {
  let kl = 0;
  for (let i = 0; i < logP.length; i++) {
    const p = Math.exp(logP[i]);
    if (p > 0) kl += p * (logP[i] - logQ[i]);
  }
  return kl / Math.LN2;
}
