// Feature standardisation for probes: each column to mean 0, standard deviation 1, with the
// statistics of the training rows only (held-out rows must not leak into them).

export interface Standardisation {
  /** [d] */
  mean: Float64Array;
  /** [d]; a constant column keeps scale 1 so it maps to 0 instead of NaN */
  scale: Float64Array;
}

/** Column statistics of the rows `rows` of x [*, d]. */
export function fitStandardisation(x: Float32Array, d: number, rows: ArrayLike<number>): Standardisation {
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, rows.length);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) {
      const v = x[o + j] - mean[j];
      sq[j] += v * v;
    }
  }
  const scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(sq[j] / Math.max(1, rows.length));
    scale[j] = sd > 1e-12 ? sd : 1;
  }
  return { mean, scale };
}

/** The rows `rows` of x [*, d], standardised, as a new [rows.length, d] matrix. */
export function applyStandardisation(x: Float32Array, d: number, rows: ArrayLike<number>, s: Standardisation): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) out[r * d + j] = (x[o + j] - s.mean[j]) / s.scale[j];
  }
  return out;
}
