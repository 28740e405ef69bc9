// Dense row-major matrices and the few float64 kernels PCA needs. Float64 accumulation keeps the
// covariance and the small eigenproblems accurate to the 1e-4 the numpy reference asks for; the
// inputs stay float32 (what the model and the collector hand over).

/** A row-major matrix of `rows` × `cols`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** Column means in float64. */
export function columnMeans(m: Matrix): Float64Array {
  const { rows, cols, data } = m;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) mean[j] += data[o + j];
  }
  for (let j = 0; j < cols; j++) mean[j] /= Math.max(rows, 1);
  return mean;
}

/** (X − 1μᵀ) · B for B of cols × l, without materialising the centred X. Result rows × l. */
export function centredTimes(m: Matrix, mean: Float64Array, b: Float64Array, l: number): Float64Array {
  const { rows, cols, data } = m;
  // μᵀB once, subtracted from every row: X·B − 1(μᵀB)
  const shift = new Float64Array(l);
  for (let a = 0; a < cols; a++) for (let c = 0; c < l; c++) shift[c] += mean[a] * b[a * l + c];
  const out = new Float64Array(rows * l);
  const acc = new Float64Array(l);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < l; c++) acc[c] = -shift[c];
    const o = i * cols;
    for (let a = 0; a < cols; a++) {
      const x = data[o + a];
      const bo = a * l;
      for (let c = 0; c < l; c++) acc[c] += x * b[bo + c];
    }
    out.set(acc, i * l);
  }
  return out;
}

/** (X − 1μᵀ)ᵀ · Q for Q of rows × l. Result cols × l. */
export function centredTransposeTimes(m: Matrix, mean: Float64Array, q: Float64Array, l: number): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols * l);
  const colSum = new Float64Array(l); // 1ᵀQ, for the −μ(1ᵀQ) term
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const qo = i * l;
    for (let c = 0; c < l; c++) colSum[c] += q[qo + c];
    for (let a = 0; a < cols; a++) {
      const x = data[o + a];
      const zo = a * l;
      for (let c = 0; c < l; c++) out[zo + c] += x * q[qo + c];
    }
  }
  for (let a = 0; a < cols; a++) for (let c = 0; c < l; c++) out[a * l + c] -= mean[a] * colSum[c];
  return out;
}

/** Orthonormalises the l columns of an r × l matrix in place (modified Gram–Schmidt, twice: one
 * pass loses orthogonality when the sketch's columns are nearly dependent). A column that
 * vanishes is left zero. */
export function orthonormalizeColumns(q: Float64Array, r: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < l; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < r; i++) dot += q[i * l + c] * q[i * l + p];
        for (let i = 0; i < r; i++) q[i * l + c] -= dot * q[i * l + p];
      }
      let norm = 0;
      for (let i = 0; i < r; i++) norm += q[i * l + c] ** 2;
      norm = Math.sqrt(norm);
      const inv = norm > 1e-300 ? 1 / norm : 0;
      for (let i = 0; i < r; i++) q[i * l + c] *= inv;
    }
  }
}
