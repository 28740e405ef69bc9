/** Per-head statistics of one layer's attention pattern [head, query_pos, key_pos] (batch removed). */
import { entropyBits } from '../../util/distribution';

export interface Pattern {
  /** [head, query_pos, key_pos] */
  dims: [number, number, number];
  data: Float32Array;
}

export interface HeadStats {
  head: number;
  /** mean over query rows of the row entropy, bits */
  entropy: number;
  /** mean over q ≥ 1 of p[q, q-1] */
  previousToken: number;
  /** mean over q of p[q, 0] (attention sink / BOS) */
  firstToken: number;
  /** mean over the second copy of p[q, q - period + 1] (the token after the earlier occurrence),
   *  TransformerLens's induction stripe; NaN when no period is given */
  induction: number;
  /** mean over the second copy of p[q, q - period] (the earlier occurrence of the same token) */
  duplicateToken: number;
}

/** mean of p[q, q - offset] over q in [from, S) */
function diagonalMean(p: Pattern, head: number, offset: number, from: number): number {
  const [, S, T] = p.dims;
  const shift = T - S; // keys may include earlier context
  let sum = 0;
  let n = 0;
  for (let q = Math.max(from, offset); q < S; q++) {
    const k = q + shift - offset;
    if (k < 0 || k >= T) continue;
    sum += p.data[(head * S + q) * T + k];
    n++;
  }
  return n ? sum / n : NaN;
}

/** period: length of the repeated block (induction inputs are BOS + block + block), else undefined */
export function headStats(p: Pattern, period?: number): HeadStats[] {
  const [H, S, T] = p.dims;
  const out: HeadStats[] = [];
  for (let h = 0; h < H; h++) {
    let ent = 0;
    let first = 0;
    for (let q = 0; q < S; q++) {
      const row = p.data.subarray((h * S + q) * T, (h * S + q + 1) * T);
      ent += entropyBits(row);
      first += row[0];
    }
    // the second copy starts at 1 + period (after BOS and the first copy)
    const secondCopy = period ? 1 + period : 0;
    out.push({
      head: h,
      entropy: ent / S,
      previousToken: diagonalMean(p, h, 1, 1),
      firstToken: first / S,
      induction: period ? diagonalMean(p, h, period - 1, secondCopy) : NaN,
      duplicateToken: period ? diagonalMean(p, h, period, secondCopy) : NaN,
    });
  }
  return out;
}
