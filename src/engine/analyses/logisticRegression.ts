// Multinomial logistic regression with L2, minimised by L-BFGS (pure maths, no model).
//
//   loss(W, b) = (1/n) Σ_i −log softmax(W x_i + b)[y_i] + (l2 / 2) ‖W‖²     (the bias is not penalised)
//
// Parameters are one Float64Array θ = [W (k × d, row-major) | b (k)]. Features come in as float32
// [n, d] row-major (already standardised); sums run in float64.

export interface LogisticModel {
  d: number;
  k: number;
  /** [k, d] row-major */
  weights: Float64Array;
  /** [k] */
  bias: Float64Array;
}

export interface FitOptions {
  /** most L-BFGS iterations (each one gradient evaluation, more when the line search backtracks) */
  maxIterations?: number;
  /** stop when ‖∇‖∞ falls below this */
  tolerance?: number;
  /** start from these parameters (a warm start along an L2 path) */
  init?: LogisticModel;
}

/** The loss at θ, its gradient written into `grad`: logisticLoss, or the same sums done elsewhere (an onnxruntime graph). */
export type Objective = (theta: Float64Array, grad: Float64Array) => number | Promise<number>;

/** logisticLoss over fixed data, as an Objective. */
export function jsObjective(x: Float32Array, y: Int32Array, n: number, d: number, k: number, l2: number): Objective {
  return (theta, grad) => logisticLoss(x, y, n, d, k, l2, theta, grad);
}

export interface FitResult {
  model: LogisticModel;
  loss: number;
  iterations: number;
}

/** The objective above at θ; writes its gradient into `grad`. */
export function logisticLoss(x: Float32Array, y: Int32Array, n: number, d: number, k: number, l2: number, theta: Float64Array, grad: Float64Array): number {
  grad.fill(0);
  const b0 = k * d;
  const z = new Float64Array(k);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = theta[b0 + c];
      const w = c * d;
      for (let j = 0; j < d; j++) s += theta[w + j] * x[row + j];
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    const label = y[i];
    loss -= Math.log(z[label] / sum);
    for (let c = 0; c < k; c++) {
      const r = (z[c] / sum - (c === label ? 1 : 0)) / n; // ∂loss/∂logit
      if (r === 0) continue;
      grad[b0 + c] += r;
      const w = c * d;
      for (let j = 0; j < d; j++) grad[w + j] += r * x[row + j];
    }
  }
  loss /= n;
  let penalty = 0;
  for (let p = 0; p < b0; p++) {
    penalty += theta[p] * theta[p];
    grad[p] += l2 * theta[p];
  }
  return loss + 0.5 * l2 * penalty;
}

/** Minimises the objective (over k × d weights and k biases) by L-BFGS (memory 10) with a backtracking Armijo line search. */
export async function fitLogistic(objective: Objective, d: number, k: number, options: FitOptions = {}): Promise<FitResult> {
  const size = k * d + k;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const theta = new Float64Array(size);
  if (options.init) {
    theta.set(options.init.weights);
    theta.set(options.init.bias, k * d);
  }
  const grad = new Float64Array(size);
  let loss = await objective(theta, grad);
  const memory = 10;
  const s: Float64Array[] = [];
  const g: Float64Array[] = [];
  const rho: number[] = [];
  const next = new Float64Array(size);
  const nextGrad = new Float64Array(size);
  let iterations = 0;
  while (iterations < maxIterations && maxAbs(grad) > tolerance) {
    iterations++;
    const dir = twoLoop(grad, s, g, rho);
    let slope = dot(dir, grad);
    if (!(slope < 0)) {
      // not a descent direction (curvature lost): restart from steepest descent
      s.length = g.length = rho.length = 0;
      for (let p = 0; p < size; p++) dir[p] = -grad[p];
      slope = dot(dir, grad);
    }
    let step = s.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let nextLoss = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let p = 0; p < size; p++) next[p] = theta[p] + step * dir[p];
      nextLoss = await objective(next, nextGrad);
      if (nextLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextLoss < loss) && !(nextLoss <= loss + 1e-4 * step * slope)) break; // no progress possible at float64
    const sk = new Float64Array(size);
    const gk = new Float64Array(size);
    for (let p = 0; p < size; p++) {
      sk[p] = next[p] - theta[p];
      gk[p] = nextGrad[p] - grad[p];
    }
    const sy = dot(sk, gk);
    if (sy > 1e-12) {
      s.push(sk);
      g.push(gk);
      rho.push(1 / sy);
      if (s.length > memory) {
        s.shift();
        g.shift();
        rho.shift();
      }
    }
    theta.set(next);
    grad.set(nextGrad);
    const previous = loss;
    loss = nextLoss;
    if (previous - loss <= 1e-12 * Math.max(1, Math.abs(loss))) break;
  }
  return { model: { d, k, weights: theta.slice(0, k * d), bias: theta.slice(k * d) }, loss, iterations };
}

/** −H⁻¹∇ from the stored pairs (Nocedal & Wright, algorithm 7.4). */
function twoLoop(grad: Float64Array, s: Float64Array[], g: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(grad);
  const alpha = new Array<number>(s.length);
  for (let i = s.length - 1; i >= 0; i--) {
    alpha[i] = rho[i] * dot(s[i], q);
    axpy(-alpha[i], g[i], q);
  }
  if (s.length > 0) {
    const last = s.length - 1;
    const gamma = dot(s[last], g[last]) / dot(g[last], g[last]);
    for (let p = 0; p < q.length; p++) q[p] *= gamma;
  }
  for (let i = 0; i < s.length; i++) {
    const beta = rho[i] * dot(g[i], q);
    axpy(alpha[i] - beta, s[i], q);
  }
  for (let p = 0; p < q.length; p++) q[p] = -q[p];
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Class probabilities [n, k] of standardised features [n, d]. */
export function predictProbabilities(model: LogisticModel, x: Float32Array, n: number): Float32Array {
  const { d, k, weights, bias } = model;
  const out = new Float32Array(n * k);
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = bias[c];
      for (let j = 0; j < d; j++) s += weights[c * d + j] * x[i * d + j];
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += (z[c] = Math.exp(z[c] - max));
    for (let c = 0; c < k; c++) out[i * k + c] = z[c] / sum;
  }
  return out;
}

/** The most probable class of each row (ties: the lower class index). */
export function predictClasses(model: LogisticModel, x: Float32Array, n: number): Int32Array {
  const p = predictProbabilities(model, x, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < model.k; c++) if (p[i * model.k + c] > p[i * model.k + best]) best = c;
    out[i] = best;
  }
  return out;
}
