// Eigen-decomposition of a dense symmetric matrix: Householder reduction to tridiagonal form, then
// the implicit QL algorithm with Wilkinson-like shifts (EISPACK's tred2 and tql2, as JAMA and
// LAPACK's dsteqr do it). Written here because the one npm library with it, ml-matrix, works on
// arrays of arrays and takes 3.0 s at d = 768 (a 768-wide model's Gram matrix); this works on one
// row-major Float64Array, keeps every inner loop on a contiguous row, and takes a fraction of that
// (npm run bench -- projector). The cyclic Jacobi method it replaces took 43 s at d = 768.
//
// Layout: `w` holds the accumulated orthogonal transformation transposed (w[j·n + k] = V[k][j]),
// so the eigenvectors end up as its rows, which is what callers want, and the column updates of
// the textbook algorithm become row updates here.

/** float64 round-off unit */
const EPS = 2 ** -52;
/** QL sweeps allowed per eigenvalue before giving up (LAPACK allows 30; they converge in 1–3) */
const MAX_SWEEPS = 60;

export interface SymmetricEigen {
  /** eigenvalues, descending */
  values: Float64Array;
  /** unit eigenvectors as rows, row r for values[r] */
  vectors: Float64Array;
}

/** Eigenvalues (descending) and unit eigenvectors (rows) of the symmetric n × n row-major `input` (only its lower triangle is read). */
export function symmetricEigen(input: Float64Array, n: number): SymmetricEigen {
  if (input.length < n * n) throw new RangeError(`symmetricEigen: ${n} × ${n} needs ${n * n} values, got ${input.length}`);
  const w = new Float64Array(n * n);
  // w starts as Aᵀ's lower triangle (= A's, A symmetric): row j of w is column j of A
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[j * n + i] = input[i * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(w, d, e, n);
    diagonalize(w, d, e, n);
  }
  return sortDescending(w, d, n);
}

/** Householder reduction of the symmetric matrix in `w` to tridiagonal form: diagonal d, sub-diagonal e[1..n-1]; w becomes the transformation. */
function tridiagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    // scale the row to avoid under/overflow
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      // the Householder vector
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // apply the similarity transformation to the remaining columns
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j];
        w[i * n + j] = f;
        g = e[j] + w[row + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += w[row + k] * d[k];
          e[k] += w[row + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) w[row + k] -= f * e[k] + g * d[k];
        d[j] = w[row + i - 1];
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // accumulate the transformations
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i];
    w[i * n + i] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[next + k] * w[row + k];
        for (let k = 0; k <= i; k++) w[row + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), rotating w's rows along: d becomes the eigenvalues, w's rows the eigenvectors. */
function diagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // find a small sub-diagonal element
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    // m = l: d[l] is an eigenvalue already; otherwise iterate until e[l] vanishes
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS) throw new Error(`symmetricEigen: no convergence at eigenvalue ${l} of ${n}`);
        // the shift
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // the implicit QL transformation
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // rotate the eigenvector estimates: rows i and i + 1 of w
          const a = i * n;
          const b = a + n;
          for (let k = 0; k < n; k++) {
            const wb = w[b + k];
            const wa = w[a + k];
            w[b + k] = s * wa + c * wb;
            w[a + k] = c * wa - s * wb;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

function sortDescending(w: Float64Array, d: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, r) => {
    values[r] = d[from];
    vectors.set(w.subarray(from * n, from * n + n), r * n);
  });
  return { values, vectors };
}
