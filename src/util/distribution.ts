// Maths on one categorical distribution given by logits. Pure and dependency-free: the engine
// uses it for top-k and surprisal, the next-token webview for temperature / top-k / top-p
// renormalisation without another forward pass.

/** Numerically stable softmax of logits / temperature. logits: [vocab] → probs: [vocab]. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const n = logits.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const t = temperature > 0 ? temperature : 1e-6;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[i] - max) / t);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}

/** log-softmax of one row ([vocab]), in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const lse = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

/** KL(p ‖ q) in bits from two log-probability rows. */
export function klBits(logP: ArrayLike<number>, logQ: ArrayLike<number>): number {
  let kl = 0;
  for (let i = 0; i < logP.length; i++) {
    const p = Math.exp(logP[i]);
    if (p > 0) kl += p * (logP[i] - logQ[i]);
  }
  return kl / Math.LN2;
}

/** log-sum-exp of logits, the softmax normaliser. */
export function logSumExp(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return max + Math.log(sum);
}

/** Indices of the k largest values, best first (ties: lower index first). O(n·k) for small k. */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const kk = Math.max(0, Math.min(k, values.length));
  const idx: number[] = [];
  if (kk === 0) return idx;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (idx.length === kk && v <= values[idx[kk - 1]]) continue;
    let j = idx.length < kk ? idx.length : kk - 1;
    if (idx.length < kk) idx.push(i);
    while (j > 0 && values[idx[j - 1]] < v) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
  return idx;
}

/** 1-based rank of `index` among values (1 = most probable). */
export function rankOf(values: ArrayLike<number>, index: number): number {
  const v = values[index];
  let rank = 1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > v || (values[i] === v && i < index)) rank++;
  }
  return rank;
}

/** Shannon entropy in bits of a probability vector. */
export function entropyBits(probs: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (p > 0) h -= p * Math.log2(p);
  }
  return h;
}

/** Surprisal in bits of an event of probability p. */
export function surprisalBits(p: number): number {
  return p > 0 ? -Math.log2(p) : Infinity;
}

export interface FilterOptions {
  temperature: number;
  /** keep the k most probable tokens; 0 = no limit */
  topK: number;
  /** keep the smallest set whose mass reaches topP; 1 = no limit */
  topP: number;
}

export interface FilteredDistribution {
  /** renormalised probabilities; 0 outside the kept set. [vocab] */
  probs: Float64Array;
  /** indices kept, most probable first */
  kept: number[];
  /** number of tokens in the nucleus (the kept set) */
  nucleusSize: number;
  entropyBits: number;
}

/**
 * Applies temperature, then top-k, then top-p, as Hugging Face's sampling warpers do, and
 * renormalises over what is kept.
 */
export function filterDistribution(logits: ArrayLike<number>, opts: FilterOptions): FilteredDistribution {
  const base = softmax(logits, opts.temperature);
  const order = Array.from(base.keys()).sort((a, b) => base[b] - base[a] || a - b);
  let keep = opts.topK > 0 ? Math.min(opts.topK, order.length) : order.length;
  if (opts.topP < 1) {
    // top-p measures mass within what top-k kept (HF's TopPLogitsWarper sees the top-k-filtered
    // scores), so top-k 2 then top-p 0.6 over p = 0.5, 0.25 keeps one token: 2/3 ≥ 0.6
    let kMass = 0;
    for (let i = 0; i < keep; i++) kMass += base[order[i]];
    let mass = 0;
    let n = 0;
    while (n < keep) {
      mass += base[order[n]] / kMass;
      n++;
      if (mass >= opts.topP - 1e-9) break; // tolerance: 0.5 + 0.3 is 0.7999… in floating point
    }
    keep = Math.max(1, n);
  }
  const kept = order.slice(0, keep);
  let sum = 0;
  for (const i of kept) sum += base[i];
  const probs = new Float64Array(base.length);
  for (const i of kept) probs[i] = base[i] / sum;
  return { probs, kept, nucleusSize: kept.length, entropyBits: entropyBits(probs) };
}

/** Mulberry32: a tiny seeded PRNG so sampling is reproducible across runs and machines. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws an index from a probability vector with the given uniform random number in [0, 1). */
export function sampleIndex(probs: ArrayLike<number>, u: number): number {
  let acc = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    acc += probs[i];
    last = i;
    if (u < acc) return i;
  }
  return last;
}
