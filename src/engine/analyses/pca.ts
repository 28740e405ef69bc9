// Principal components of a point cloud: exact (the d × d covariance's eigenvectors, float64) for
// small inputs, randomized SVD (Halko, Martinsson & Tropp 2011: a Gaussian sketch, power
// iterations, QR) for large ones, where the n·d² covariance would cost seconds.
import { seededRandom } from '../../util/distribution';
import { centredTimes, centredTransposeTimes, columnMeans, orthonormalizeColumns } from './matrix';
import { symmetricEigen } from './symmetricEigen';
import type { Matrix } from './matrix';

export type PcaMethod = 'exact' | 'randomized';

export interface PcaOptions {
  /** components wanted (default 2, at most the column count) */
  components?: number;
  /** 'auto' (default) picks exact while n·d² stays under EXACT_BUDGET */
  method?: PcaMethod | 'auto';
  /** seeds the randomized sketch */
  seed?: number;
  /** power iterations of the randomized method (default 3) */
  powerIterations?: number;
  /** extra sketch columns beyond `components` (default 10) */
  oversample?: number;
  /** hears each stage as it starts: `done` of `total` stages, and its name ("power iteration 2/3") */
  onStage?(done: number, total: number, stage: string): void;
}

export interface PcaResult {
  method: PcaMethod;
  /** k × d, unit rows, by decreasing variance */
  components: Float64Array;
  /** the variance along each component (ddof 1) */
  variance: number[];
  /** each component's share of the total variance */
  explainedVarianceRatio: number[];
  /** n × k coordinates of the centred points */
  projected: Float64Array;
  mean: Float64Array;
}

/** n·d² multiply-adds the exact covariance may cost before 'auto' switches to randomized (about 0.2 s). */
export const EXACT_BUDGET = 2e8;
/**
 * The widest rows 'auto' gives the exact method: its d × d eigen-decomposition (symmetricEigen.ts)
 * is cubic, 42 ms at d = 128, 75 ms at 256, 0.55 s at 512 and 1.6 s at 768 on the 2-core VM (the
 * Jacobi method before it: 43 s at 768); the randomized method needs none, and past 256 it is the
 * faster of the two by far.
 */
export const EXACT_MAX_DIMS = 256;

/** What 'auto' runs for n points of d dimensions. */
export function autoPcaMethod(n: number, d: number): PcaMethod {
  return n * d * d <= EXACT_BUDGET && d <= EXACT_MAX_DIMS ? 'exact' : 'randomized';
}

/**
 * The two products the randomized method and the projection need, on the centred X without
 * materialising it. The engine hands in onnxruntime MatMul/Gemm kernels (vectorised and threaded:
 * 50,000 × 256 takes ms, plain JavaScript seconds); the default runs them here in float64.
 */
export interface CentredProducts {
  /** (X − 1μᵀ) · B for B of d × l: n × l */
  times(b: Float64Array, l: number): Promise<Float64Array>;
  /** (X − 1μᵀ)ᵀ · Q for Q of n × l: d × l */
  transposeTimes(q: Float64Array, l: number): Promise<Float64Array>;
}

export function jsProducts(m: Matrix, mean: Float64Array): CentredProducts {
  return {
    times: async (b, l) => centredTimes(m, mean, b, l),
    transposeTimes: async (q, l) => centredTransposeTimes(m, mean, q, l),
  };
}

export async function pca(m: Matrix, options: PcaOptions = {}, productsFor: (mean: Float64Array) => CentredProducts = (mean) => jsProducts(m, mean)): Promise<PcaResult> {
  const { rows: n, cols: d } = m;
  if (n < 2 || d < 1) throw new RangeError(`PCA needs at least 2 points of at least 1 dimension (got ${n} × ${d}).`);
  const k = Math.min(options.components ?? 2, d, n);
  const method = options.method && options.method !== 'auto' ? options.method : autoPcaMethod(n, d);
  const mean = columnMeans(m);
  const total = totalVariance(m, mean);
  const products = productsFor(mean);
  // stages: exact = covariance, projection; randomized = sketch + each power iteration + rotation, projection
  const stages = method === 'exact' ? 2 : (options.powerIterations ?? 3) + 3;
  const stage = (done: number, name: string) => options.onStage?.(done, stages, name);
  stage(0, method === 'exact' ? 'covariance' : 'sketch');
  const { components, variance } = method === 'exact' ? exactComponents(m, mean, k) : await randomizedComponents(m, k, options, products, stage);
  stage(stages - 1, 'projection');
  const projected = await products.times(transposed(components, k, d), k);
  stage(stages, 'done');
  return { method, components, variance, explainedVarianceRatio: variance.map((v) => (total > 0 ? v / total : 0)), projected, mean };
}

/** trace of the covariance: the sum of every column's variance */
function totalVariance(m: Matrix, mean: Float64Array): number {
  const { rows, cols, data } = m;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) sum += (data[o + j] - mean[j]) ** 2;
  }
  return sum / (rows - 1);
}

function exactComponents(m: Matrix, mean: Float64Array, k: number): { components: Float64Array; variance: number[] } {
  const { rows, cols: d, data } = m;
  const cov = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) r[j] = data[o + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = r[a];
      const co = a * d;
      for (let b = a; b < d; b++) cov[co + b] += ra * r[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / (rows - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  const { values, vectors } = symmetricEigen(cov, d);
  return { components: canonicalSigns(vectors.slice(0, k * d), k, d), variance: Array.from(values.slice(0, k), (v) => Math.max(v, 0)) };
}

async function randomizedComponents(m: Matrix, k: number, o: PcaOptions, products: CentredProducts, stage: (done: number, name: string) => void): Promise<{ components: Float64Array; variance: number[] }> {
  const { rows: n, cols: d } = m;
  const l = Math.min(k + (o.oversample ?? 10), d, n);
  const random = seededRandom(o.seed ?? 0);
  const omega = new Float64Array(d * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(random);
  // range finder on the row space: V spans the top right singular vectors of the centred X
  let v: Float64Array = omega;
  orthonormalizeColumns(v, d, l);
  // orthogonal iteration on XᵀX: V ← orth(Xᵀ(XV)). Orthonormalising the d × l V every step keeps
  // it as stable as Halko's QR of both factors, without the n × l Gram–Schmidt (most of the time
  // at 50,000 points).
  const iterations = o.powerIterations ?? 3;
  for (let it = 0; it < iterations; it++) {
    stage(1 + it, `power iteration ${it + 1}/${iterations}`);
    const y = await products.times(v, l); // n × l
    v = await products.transposeTimes(y, l); // d × l
    orthonormalizeColumns(v, d, l);
  }
  // the covariance restricted to span(V): (XV)ᵀ(XV)/(n−1), l × l, then rotate V by its eigenvectors
  stage(iterations + 1, 'rotation');
  const w = await products.times(v, l);
  const small = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < l; a++) {
      const wa = w[i * l + a];
      for (let b = a; b < l; b++) small[a * l + b] += wa * w[i * l + b];
    }
  }
  for (let a = 0; a < l; a++) {
    for (let b = a; b < l; b++) {
      small[a * l + b] /= n - 1;
      small[b * l + a] = small[a * l + b];
    }
  }
  const { values, vectors } = symmetricEigen(small, l);
  const components = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let b = 0; b < l; b++) s += v[j * l + b] * vectors[c * l + b];
      components[c * d + j] = s;
    }
  }
  return { components: canonicalSigns(components, k, d), variance: Array.from(values.slice(0, k), (x) => Math.max(x, 0)) };
}

/** A component's sign is arbitrary; fix it (largest-magnitude entry positive) so runs and methods agree. */
function canonicalSigns(c: Float64Array, k: number, d: number): Float64Array {
  for (let r = 0; r < k; r++) {
    let best = 0;
    for (let j = 1; j < d; j++) if (Math.abs(c[r * d + j]) > Math.abs(c[r * d + best])) best = j;
    if (c[r * d + best] < 0) for (let j = 0; j < d; j++) c[r * d + j] = -c[r * d + j];
  }
  return c;
}

function transposed(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** Box–Muller on the seeded uniform stream */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
