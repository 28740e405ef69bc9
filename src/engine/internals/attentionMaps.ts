// Reductions of one head's attention map [query_pos, key_pos] for the attention panel.
import { quantizeU8 } from '../analyses/quantize';

/**
 * Max-pools a [T, T] map to [S, S] (S ≤ T) and quantises it to 0–255 of its own maximum, so a
 * sharp one-token pattern stays visible in a thumbnail.
 */
export function maxPoolThumbnail(map: Float32Array, T: number, S: number): Uint8Array {
  const pooled = new Float32Array(S * S);
  for (let q = 0; q < T; q++) {
    const row = Math.floor((q * S) / T);
    for (let k = 0; k <= q || (k < T && map[q * T + k] > 0); k++) {
      const v = map[q * T + k];
      const cell = row * S + Math.floor((k * S) / T);
      if (v > pooled[cell]) pooled[cell] = v;
    }
  }
  return quantizeU8(pooled).data; // pooled ≥ 0 and 0 is present, so min = 0 and 255 = the maximum
}

export interface HeadSummary {
  entropyBits: number;
  prevToken: number;
  firstToken: number;
  induction: number | null;
}

/**
 * Per-head statistics of a [T, T] map: mean row entropy, mean attention to the previous token and
 * to position 0, and — where the text repeats a token — mean attention from a token to the token
 * that followed its previous occurrence (the induction pattern).
 */
export function headStats(map: Float32Array, T: number, ids: readonly number[]): HeadSummary {
  let entropy = 0;
  let prev = 0;
  let first = 0;
  let induction = 0;
  let inductionCount = 0;
  const lastSeen = new Map<number, number>();
  for (let q = 0; q < T; q++) {
    const row = q * T;
    let h = 0;
    for (let k = 0; k < T; k++) {
      const p = map[row + k];
      if (p > 0) h -= p * Math.log2(p);
    }
    entropy += h;
    first += map[row];
    if (q > 0) prev += map[row + q - 1];
    const seen = lastSeen.get(ids[q]);
    if (seen !== undefined && seen + 1 < q) {
      induction += map[row + seen + 1];
      inductionCount++;
    }
    lastSeen.set(ids[q], q);
  }
  return {
    entropyBits: entropy / T,
    prevToken: T > 1 ? prev / (T - 1) : 0,
    firstToken: first / T,
    induction: inductionCount > 0 ? induction / inductionCount : null,
  };
}
