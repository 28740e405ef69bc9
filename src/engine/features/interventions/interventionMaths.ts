/** Small maths the intervention features share: log-softmax rows, cross-entropy, top-k, logit differences. */

/** log Σ exp(row) in double precision */
export function logSumExp(row: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let s = 0;
  for (let i = 0; i < row.length; i++) s += Math.exp(row[i] - max);
  return max + Math.log(s);
}

/** [T] next-token cross-entropy in nats from [T, vocab] logits: entry t+1 is −log p(ids[t+1] | ids ≤ t); entry 0 is NaN */
export function tokenLosses(logits: Float32Array, ids: number[], vocab: number): Float32Array {
  const out = new Float32Array(ids.length).fill(Number.NaN);
  for (let t = 0; t + 1 < ids.length; t++) {
    const row = logits.subarray(t * vocab, (t + 1) * vocab);
    out[t + 1] = logSumExp(row) - row[ids[t + 1]];
  }
  return out;
}

export function meanLoss(losses: Float32Array): number {
  let s = 0;
  let n = 0;
  for (const v of losses) if (!Number.isNaN(v)) { s += v; n++; }
  return n ? s / n : Number.NaN;
}

export function topCandidates(row: Float32Array, k: number, textOf: (id: number) => string): { id: number; text: string; prob: number; logit: number }[] {
  const lse = logSumExp(row);
  const ids = Array.from({ length: row.length }, (_, i) => i).sort((a, b) => row[b] - row[a]).slice(0, k);
  return ids.map((id) => ({ id, text: textOf(id), prob: Math.exp(row[id] - lse), logit: row[id] }));
}

/** logit[answer] − logit[wrong] of entry b of [entries, vocab] logits */
export function logitDiffAt(logits: Float32Array, vocab: number, b: number, answer: number, wrong: number): number {
  return logits[b * vocab + answer] - logits[b * vocab + wrong];
}
