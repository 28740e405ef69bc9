// The cross-modal fit on embeddings already collected: per source layer, ridge and Procrustes
// maps fitted on the training classes' samples, scored by retrieval of the held-out classes'
// tokens among every class's token, against the same fit on shuffled pairs. Pure maths (no
// models): test/unit/crossModalFit.test.ts checks it against models/train/fixtures/crossmodal_reference.py.
import { classTargets, expandMap, prepareSource, procrustesFactored, ridgeFactored, rowBasis, type FactoredMap, type FittedMap, type PreparedSource } from '../../analyses/linearMap';
import type { CrossModalMethod } from '../../../protocol/crossModal';

/** ridge strengths tried (relative to the mean eigenvalue of XcᵀXc); ties go to the stronger */
export const RIDGE_LAMBDAS = [10, 1, 0.1, 0.01, 0.001];

export interface FitInput {
  /** per layer: every sample's embedding [n, dSrc] */
  layers: Float32Array[];
  dSrc: number;
  /** [n] each sample's class */
  classOf: Int32Array;
  /** [classes, dTgt] each class's target (its text's input embedding) */
  targets: Float64Array;
  dTgt: number;
  train: number[];
  test: number[];
  folds: number[][];
  /** shuffled controls: class c's samples are paired with target perm[c] */
  permutations: Int32Array[];
  methods: CrossModalMethod[];
}

/** retrieval among every class's token, and among the held-out classes' tokens only */
export interface RetrievalScores {
  retrievalAt1: number;
  retrievalAt5: number;
  heldOutRetrievalAt1: number;
  heldOutRetrievalAt5: number;
}

export interface MethodScore extends RetrievalScores {
  /** mean reciprocal rank of each fold's left-out training classes among those classes' own tokens */
  cvScore: number;
  lambda?: number;
  dims?: number;
  /** ridge: the cross-validated score of each λ in RIDGE_LAMBDAS */
  cvByLambda?: number[];
}

export interface LayerScores {
  methods: Partial<Record<CrossModalMethod, MethodScore>>;
  shuffled: Partial<Record<CrossModalMethod, RetrievalScores>>;
  /** set when every sample has the same embedding at this layer (a ViT's CLS before the first block) */
  constant: boolean;
  /** true pairs: the fitted maps (for the held-out table) */
  maps: Partial<Record<CrossModalMethod, FittedMap>>;
  /** the training rows' target mean, the origin of the centred target space */
  targetMean: Float64Array;
}

function rowsOf(classOf: Int32Array, classes: Iterable<number>): Int32Array {
  const set = new Set(classes);
  const rows: number[] = [];
  for (let i = 0; i < classOf.length; i++) if (set.has(classOf[i])) rows.push(i);
  return Int32Array.from(rows);
}

/** [classes, dTgt] target rows − mean, each scaled to unit length (cosine by dot product) */
export function unitCandidates(targets: Float64Array, dTgt: number, mean: Float64Array): Float64Array {
  const n = targets.length / dTgt;
  const out = new Float64Array(targets.length);
  for (let c = 0; c < n; c++) {
    let norm = 0;
    for (let j = 0; j < dTgt; j++) {
      const v = targets[c * dTgt + j] - mean[j];
      out[c * dTgt + j] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dTgt; j++) out[c * dTgt + j] *= inv;
  }
  return out;
}

/** cosine of a prediction [dTgt] to each unit candidate row */
export function cosines(pred: Float64Array, unit: Float64Array, dTgt: number): Float64Array {
  let norm = 0;
  for (const v of pred) norm += v * v;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const n = unit.length / dTgt;
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let dot = 0;
    for (let j = 0; j < dTgt; j++) dot += pred[j] * unit[c * dTgt + j];
    out[c] = dot * inv;
  }
  return out;
}

/**
 * The rank (1 = first) of each row's own target among the candidate classes' targets, by cosine.
 * Ties count against the row: a map that predicts nothing (a constant layer) retrieves nothing.
 */
function ranks(map: FactoredMap, basis: Float64Array, rows: Int32Array, classOf: Int32Array, assign: ArrayLike<number>, candidates: number[], unit: Float64Array, dTgt: number): Int32Array {
  const out = new Int32Array(rows.length);
  const pred = new Float64Array(dTgt);
  const { m, head } = map;
  rows.forEach((r, i) => {
    pred.fill(0);
    for (let k = 0; k < m; k++) {
      const v = basis[i * m + k];
      if (v === 0) continue;
      for (let j = 0; j < dTgt; j++) pred[j] += v * head[k * dTgt + j];
    }
    // the prediction's own norm is the same for every candidate: dot products rank as cosines do
    const dot = (c: number) => {
      let s = 0;
      const o = assign[c] * dTgt;
      for (let j = 0; j < dTgt; j++) s += pred[j] * unit[o + j];
      return s;
    };
    const own = dot(classOf[r]);
    let rank = 1;
    for (const c of candidates) if (c !== classOf[r] && dot(c) >= own) rank++;
    out[i] = rank;
  });
  return out;
}

function fitWith(method: CrossModalMethod, p: PreparedSource, lambda: number, targets: Float64Array, dTgt: number, assign: ArrayLike<number>): { map: FactoredMap; mean: Float64Array } {
  const { t, mean } = classTargets(p, targets, dTgt, assign);
  return { map: method === 'ridge' ? ridgeFactored(p, lambda, t) : procrustesFactored(p, t, dTgt), mean };
}

interface Prepared {
  full: PreparedSource;
  trainRows: Int32Array;
  testRows: Int32Array;
  folds: { prep: PreparedSource; rows: Int32Array }[];
}

function prepareLayer(input: FitInput, x: Float32Array): Prepared {
  const { classOf, dSrc } = input;
  const trainRows = rowsOf(classOf, input.train);
  return {
    full: prepareSource(x, dSrc, trainRows, classOf),
    trainRows,
    testRows: rowsOf(classOf, input.test),
    folds: input.folds.map((fold) => ({
      prep: prepareSource(x, dSrc, rowsOf(classOf, input.train.filter((c) => !fold.includes(c))), classOf),
      rows: rowsOf(classOf, fold),
    })),
  };
}

/**
 * Mean reciprocal rank of each fold's rows among the fold's own classes' targets, fitted without
 * the fold: how well the map generalises to classes it did not see, which is what λ and the layer
 * are chosen for. (Among all training classes' targets a left-out class is nearly never first: a
 * map pulls every prediction towards the targets it was fitted on.)
 */
function cvScore(method: CrossModalMethod, lambda: number, input: FitInput, x: Float32Array, prep: Prepared, assign: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (const f of prep.folds) {
    const { map, mean } = fitWith(method, f.prep, lambda, input.targets, input.dTgt, assign);
    const unit = unitCandidates(input.targets, input.dTgt, mean);
    const fold = [...new Set(Array.from(f.rows, (r) => input.classOf[r]))];
    for (const r of ranks(map, rowBasis(f.prep, map, x, f.rows, 'fold'), f.rows, input.classOf, assign, fold, unit, input.dTgt)) {
      sum += 1 / r;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** One assignment of targets (the true pairs or a shuffle): λ by cross-validation, then the held-out retrieval. */
function scoreAssignment(method: CrossModalMethod, input: FitInput, x: Float32Array, prep: Prepared, assign: ArrayLike<number>): MethodScore & { map: FactoredMap; mean: Float64Array } {
  const all = Array.from({ length: input.targets.length / input.dTgt }, (_, c) => c);
  let lambda = 0;
  let best = -1;
  let cvByLambda: number[] | undefined;
  if (method === 'ridge') {
    cvByLambda = RIDGE_LAMBDAS.map((l) => cvScore(method, l, input, x, prep, assign));
    cvByLambda.forEach((s, i) => {
      if (s > best + 1e-12) {
        best = s;
        lambda = RIDGE_LAMBDAS[i];
      }
    });
  } else {
    best = cvScore(method, 0, input, x, prep, assign);
  }
  const { map, mean } = fitWith(method, prep.full, lambda, input.targets, input.dTgt, assign);
  const unit = unitCandidates(input.targets, input.dTgt, mean);
  const basis = rowBasis(prep.full, map, x, prep.testRows, 'test');
  const r = ranks(map, basis, prep.testRows, input.classOf, assign, all, unit, input.dTgt);
  const h = ranks(map, basis, prep.testRows, input.classOf, assign, input.test, unit, input.dTgt);
  const at = (rs: Int32Array, k: number) => rs.reduce((s, v) => s + (v <= k ? 1 : 0), 0) / Math.max(1, rs.length);
  return {
    retrievalAt1: at(r, 1),
    retrievalAt5: at(r, 5),
    heldOutRetrievalAt1: at(h, 1),
    heldOutRetrievalAt5: at(h, 5),
    cvScore: best,
    ...(method === 'ridge' ? { lambda, cvByLambda } : { dims: map.dims }),
    map,
    mean,
  };
}

/** Every method on one layer, with the shuffled controls averaged. `onStep` is told after each fit. */
export function fitLayer(input: FitInput, layer: number, onStep?: () => void): LayerScores {
  const x = input.layers[layer];
  const prep = prepareLayer(input, x);
  const identity = Array.from({ length: input.targets.length / input.dTgt }, (_, c) => c);
  let trace = 0;
  for (let i = 0; i < input.dSrc; i++) trace += prep.full.gram[i * input.dSrc + i];
  let scale = 0;
  for (const v of prep.full.mean) scale += v * v;
  const out: LayerScores = { methods: {}, shuffled: {}, maps: {}, targetMean: new Float64Array(input.dTgt), constant: trace <= 1e-12 * Math.max(scale, 1e-30) * prep.full.rows };
  for (const method of input.methods) {
    const { map, mean, ...score } = scoreAssignment(method, input, x, prep, identity);
    out.methods[method] = score;
    out.maps[method] = expandMap(prep.full, map, input.dTgt);
    out.targetMean = mean;
    onStep?.();
    const sum = { retrievalAt1: 0, retrievalAt5: 0, heldOutRetrievalAt1: 0, heldOutRetrievalAt5: 0 };
    for (const perm of input.permutations) {
      const s = scoreAssignment(method, input, x, prep, perm);
      for (const key of Object.keys(sum) as (keyof RetrievalScores)[]) sum[key] += s[key] / input.permutations.length;
      onStep?.();
    }
    out.shuffled[method] = sum;
  }
  return out;
}
