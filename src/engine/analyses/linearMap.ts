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
import { symmetricEigen } from './symmetricEigen';
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
  /** rowBasis results by key (the same for every target assignment) */
  bases?: Map<string, Float64Array>;
}

/**
 * A map in two factors, so that the part that does not depend on the targets is computed once for
 * the true pairs and every shuffle: a row's prediction = rowBasis(row) [m] · head [m, d_tgt].
 * Ridge: basis (x − μ)·G_λ, G_λ = (XcᵀXc + αI)⁻¹Sᵀ [d, classes], head T [classes, d_tgt].
 * Procrustes: basis (x − μ)·P_k [k], head W [k, d_tgt].
 */
export interface FactoredMap {
  kind: 'ridge' | 'procrustes';
  lambda: number;
  m: number;
  head: Float64Array;
  dims?: number;
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

/** G_λ = (XcᵀXc + αI)⁻¹ Sᵀ [d, classes] */
function ridgeSolved(p: PreparedSource, lambda: number): Float64Array {
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
  return g;
}

/** Ridge: the map for one assignment of targets to the prepared classes (t from classTargets). */
export function ridgeMap(p: PreparedSource, lambda: number, t: Float64Array, dTgt: number): FittedMap {
  return expandMap(p, ridgeFactored(p, lambda, t), dTgt);
}

export function ridgeFactored(p: PreparedSource, lambda: number, t: Float64Array): FactoredMap {
  return { kind: 'ridge', lambda, m: p.classes.length, head: t };
}

/** [d, k]: the top-k eigenvectors of XcᵀXc as columns */
function principal(p: PreparedSource, k: number): Float64Array {
  const { d } = p;
  p.eigen ??= symmetricEigen(p.gram, d);
  const pc = new Float64Array(d * k);
  for (let c = 0; c < k; c++) for (let i = 0; i < d; i++) pc[i * k + c] = p.eigen.vectors[c * d + i];
  return pc;
}

/** [rows.length, m]: each row's coordinates in the map's target-independent basis (see FactoredMap), cached on p by `key` */
export function rowBasis(p: PreparedSource, map: Pick<FactoredMap, 'kind' | 'lambda' | 'm'>, x: Float32Array | Float64Array, rows: ArrayLike<number>, key: string): Float64Array {
  p.bases ??= new Map();
  const id = `${map.kind}|${map.lambda}|${map.m}|${key}`;
  const hit = p.bases.get(id);
  if (hit) return hit;
  const { d } = p;
  const b = map.kind === 'ridge' ? ridgeSolved(p, map.lambda) : principal(p, map.m); // [d, m]
  const out = new Float64Array(rows.length * map.m);
  const v = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    for (let i = 0; i < d; i++) v[i] = x[rows[r] * d + i] - p.mean[i];
    for (let i = 0; i < d; i++) {
      if (v[i] === 0) continue;
      for (let j = 0; j < map.m; j++) out[r * map.m + j] += v[i] * b[i * map.m + j];
    }
  }
  p.bases.set(id, out);
  return out;
}

/** The factored map as one matrix a = basis · head [d_src, d_tgt] */
export function expandMap(p: PreparedSource, f: FactoredMap, dTgt: number): FittedMap {
  const b = f.kind === 'ridge' ? ridgeSolved(p, f.lambda) : principal(p, f.m);
  return { mean: p.mean, a: times(b, f.head, p.d, f.m, dTgt), dSrc: p.d, dTgt, ...(f.dims !== undefined ? { dims: f.dims } : {}) };
}

/** Components Procrustes keeps: the source width, the target width and classes − 1 (see the top of this file). */
export function procrustesDims(p: PreparedSource, dTgt: number): number {
  return Math.max(1, Math.min(p.d, dTgt, p.classes.length - 1));
}

/** Procrustes: the source's top-k principal components rotated (semi-orthogonally) into the target space. */
export function procrustesMap(p: PreparedSource, t: Float64Array, dTgt: number, k = procrustesDims(p, dTgt)): FittedMap {
  return expandMap(p, procrustesFactored(p, t, dTgt, k), dTgt);
}

export function procrustesFactored(p: PreparedSource, t: Float64Array, dTgt: number, k = procrustesDims(p, dTgt)): FactoredMap {
  const { d } = p;
  const nc = p.classes.length;
  const pc = principal(p, k); // [d, k]
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
  return { kind: 'procrustes', lambda: 0, m: k, head: times(inv, m, k, k, dTgt), dims: k }; // head W [k, dTgt], W·Wᵀ = I
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
