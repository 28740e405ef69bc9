/** Attention dilution over growing prefixes: how spread attention is relative to its maximum, how
 * much mass sits on the first token, and how alike the residual vectors have become. */

/** mean over heads and query rows q ≥ 1 of H(p_q) / ln(n_q), n_q = keys visible to q (causal: q + 1;
 *  pass causal=false for encoders, n_q = key_pos). pattern [head, q, k]. 1 = uniform, 0 = one key. */
export function normalizedEntropy(data: Float32Array, dims: [number, number, number], causal: boolean): number {
  const [H, S, T] = dims;
  const shift = T - S;
  let sum = 0;
  let n = 0;
  for (let h = 0; h < H; h++)
    for (let q = 0; q < S; q++) {
      const visible = causal ? q + shift + 1 : T;
      if (visible < 2) continue;
      let e = 0;
      for (let k = 0; k < visible; k++) {
        const p = data[(h * S + q) * T + k];
        if (p > 0) e -= p * Math.log(p);
      }
      sum += e / Math.log(visible);
      n++;
    }
  return n ? sum / n : NaN;
}

/** mean over heads and queries of p[q, 0]; pattern [head, q, k] */
export function firstTokenMass(data: Float32Array, dims: [number, number, number]): number {
  const [H, S, T] = dims;
  let sum = 0;
  for (let r = 0; r < H * S; r++) sum += data[r * T];
  return sum / (H * S);
}

/** mean over positions of cos(x_i, mean_j x_j); resid [pos, d_model] */
export function meanCosineToMean(resid: Float32Array, d: number): number {
  const n = resid.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += resid[i * d + j] / n;
  const mNorm = Math.sqrt(mean.reduce((a, b) => a + b * b, 0));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < d; j++) {
      dot += resid[i * d + j] * mean[j];
      norm += resid[i * d + j] ** 2;
    }
    sum += norm && mNorm ? dot / (Math.sqrt(norm) * mNorm) : 0;
  }
  return sum / n;
}
