// Linear maps from one embedding space to another, fitted on pairs (x_i, t_{class(i)}): every
// sample row x_i [d_src] is paired with its class's target row t_c [d_tgt]. Two fits:
//   ridge       A = (XcᵀXc + αI)⁻¹ XcᵀYc,  α = λ · tr(XcᵀXc) / d_src (λ relative to the mean
//               eigenvalue, so one grid of λ suits layers whose scales differ by orders of magnitude)
//   Procrustes  the source reduced to its top k principal components Z = Xc·P [n, k], then the
//               semi-orthogonal W [k, d_tgt] (W·Wᵀ = I) maximising tr(Wᵀ ZᵀYc): W = U·Vᵀ from the thin
//               SVD ZᵀYc = U·Σ·Vᵀ, computed as (MMᵀ)^(-1/2)·M with M = ZᵀYc.
// Xc and Yc are centred on the training rows' means. Both fits read the data only through XcᵀXc
// and the per-class sums of Xc (XcᵀYc = Σ_c S_c·t_cᵀ because Xc's columns sum to zero), so a
// prepared source serves every target assignment (the true pairs and each shuffled control).
//
// Why Procrustes needs k ≤ classes − 1: c training classes give c distinct targets, which span
// only c − 1 centred directions, so M has rank ≤ c − 1 and the rotation of any further source
// direction is not determined by the data (an SVD would pick one arbitrarily). Reducing the
// source to k = min(d_src, d_tgt, c − 1) components makes the solution unique; it is then the
// orthogonal Procrustes rotation of the k-dimensional source zero-padded to d_tgt dimensions,
// which is how the dimension mismatch (d_src ≠ d_tgt) is handled. Scale changes neither fit's
// direction and retrieval is by cosine, so no further normalisation is applied after centring.
import { symmetricEigen } from './matrix';
import { cholesky, choleskySolve } from './cholesky';

/** The training rows of a source, reduced to what both fits need. */
export interface PreparedSource {
  d: number;
  rows: number;
  /** [d] */
  mean: Float64Array;
  /** [d, d] XcᵀXc */
  gram: Float64Array;
  /** the classes present, in order, and their row counts */
  classes: number[];
  counts: number[];
  /** [classes.length, d] sums of centred rows per class */
  classSums: Float64Array;
  /** PCA of the gram (for Procrustes), computed on first use */
  eigen?: { values: Float64Array; vectors: Float64Array };
  /** ridge: (XcᵀXc + αI)⁻¹ Sᵀ [d, classes] per λ, computed on first use (the same for every target assignment) */
  ridgeSolved?: Map<number, Float64Array>;
}

/** A fitted map: prediction = (x − mean)·a, a [d_src, d_tgt]; it lives in the target's centred space. */
export interface FittedMap {
  mean: Float64Array;
  a: Float64Array;
  dSrc: number;
  dTgt: number;
  /** Procrustes: the components kept */
  dims?: number;
}

/**
 * x [n, d] (all samples), the rows of the training set, each sample's class (0 … nClasses − 1).
 * Rows are summed in float64.
 */
export function prepareSource(x: Float32Array | Float64Array, d: number, rows: ArrayLike<number>, classOf: ArrayLike<number>): PreparedSource {
  const n = rows.length;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  const index = new Map<number, number>();
  const classes: number[] = [];
  for (let r = 0; r < n; r++) {
    const c = classOf[rows[r]];
    if (!index.has(c)) index.set(c, -1);
  }
  for (const c of [...index.keys()].sort((a, b) => a - b)) {
    index.set(c, classes.length);
    classes.push(c);
  }
  const counts = new Array<number>(classes.length).fill(0);
  const classSums = new Float64Array(classes.length * d);
  const gram = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) row[j] = x[o + j] - mean[j];
    const k = index.get(classOf[rows[r]]) as number;
    counts[k]++;
    for (let j = 0; j < d; j++) classSums[k * d + j] += row[j];
    for (let i = 0; i < d; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      for (let j = 0; j <= i; j++) gram[i * d + j] += ri * row[j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) gram[j * d + i] = gram[i * d + j];
  return { d, rows: n, mean, gram, classes, counts, classSums };
}

/** targets [nClasses, dTgt] → each prepared class's row [classes.length, dTgt], and the training rows' target mean [dTgt] */
export function classTargets(p: PreparedSource, targets: Float64Array, dTgt: number, assign: ArrayLike<number>): { t: Float64Array; mean: Float64Array } {
  const t = new Float64Array(p.classes.length * dTgt);
  const mean = new Float64Array(dTgt);
  p.classes.forEach((c, k) => {
    const o = assign[c] * dTgt;
    for (let j = 0; j < dTgt; j++) {
      t[k * dTgt + j] = targets[o + j];
      mean[j] += (p.counts[k] * targets[o + j]) / p.rows;
    }
  });
  return { t, mean };
}

/** [m, k] = a [m, n] · b [n, k] */
function times(a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < n; l++) {
      const v = a[i * n + l];
      if (v === 0) continue;
      for (let j = 0; j < k; j++) out[i * k + j] += v * b[l * k + j];
    }
  }
  return out;
}

/** [n, m] = aᵀ for a [m, n] */
function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j];
  return out;
}

/** Ridge: the map for one assignment of targets to the prepared classes (t from classTargets). */
export function ridgeMap(p: PreparedSource, lambda: number, t: Float64Array, dTgt: number): FittedMap {
  const { d } = p;
  p.ridgeSolved ??= new Map();
  let g = p.ridgeSolved.get(lambda);
  if (!g) {
    let trace = 0;
    for (let i = 0; i < d; i++) trace += p.gram[i * d + i];
    const alpha = (lambda * trace) / d || lambda;
    const sys = Float64Array.from(p.gram);
    for (let i = 0; i < d; i++) sys[i * d + i] += alpha;
    // G = (XcᵀXc + αI)⁻¹ Sᵀ [d, classes], then A = G·T
    g = choleskySolve(cholesky(sys, d), d, transpose(p.classSums, p.classes.length, d), p.classes.length);
    p.ridgeSolved.set(lambda, g);
  }
  return { mean: p.mean, a: times(g, t, d, p.classes.length, dTgt), dSrc: d, dTgt };
}

/** Components Procrustes keeps: the source width, the target width and classes − 1 (see the top of this file). */
export function procrustesDims(p: PreparedSource, dTgt: number): number {
  return Math.max(1, Math.min(p.d, dTgt, p.classes.length - 1));
}

/** Procrustes: the source's top-k principal components rotated (semi-orthogonally) into the target space. */
export function procrustesMap(p: PreparedSource, t: Float64Array, dTgt: number, k = procrustesDims(p, dTgt)): FittedMap {
  const { d } = p;
  const nc = p.classes.length;
  p.eigen ??= symmetricEigen(p.gram, d);
  const pc = new Float64Array(d * k); // [d, k] the top-k eigenvectors as columns
  for (let c = 0; c < k; c++) for (let i = 0; i < d; i++) pc[i * k + c] = p.eigen.vectors[c * d + i];
  const zSums = times(p.classSums, pc, nc, d, k); // [classes, k]
  const m = times(transpose(zSums, nc, k), t, k, nc, dTgt); // [k, dTgt] = ZᵀYc
  const mmt = times(m, transpose(m, k, dTgt), k, dTgt, k); // [k, k]
  const { values, vectors } = symmetricEigen(mmt, k); // MMᵀ = U Σ² Uᵀ (vectors are Uᵀ's rows)
  const top = Math.max(values[0], 0);
  // (MMᵀ)^(-1/2) = U Σ⁻¹ Uᵀ; a direction with no singular value left maps to nothing
  const inv = new Float64Array(k * k);
  for (let s = 0; s < k; s++) {
    if (!(values[s] > 1e-12 * top)) continue;
    const w = 1 / Math.sqrt(values[s]);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) inv[i * k + j] += vectors[s * k + i] * w * vectors[s * k + j];
  }
  const w = times(inv, m, k, k, dTgt); // [k, dTgt], W·Wᵀ = I
  return { mean: p.mean, a: times(pc, w, d, k, dTgt), dSrc: d, dTgt, dims: k };
}

/** prediction of row r of x [n, dSrc] in the target's centred space [dTgt] */
export function predictRow(map: FittedMap, x: Float32Array | Float64Array, r: number): Float64Array {
  const { dSrc, dTgt, a, mean } = map;
  const out = new Float64Array(dTgt);
  for (let i = 0; i < dSrc; i++) {
    const v = x[r * dSrc + i] - mean[i];
    if (v === 0) continue;
    for (let j = 0; j < dTgt; j++) out[j] += v * a[i * dTgt + j];
  }
  return out;
}
