import type { LogisticModel } from '../../analyses/logisticRegression';
import type { Standardisation } from '../../analyses/standardise';
import { seededRandom } from '../../../util/distribution';

// The pieces of a future-token probe that are plain arithmetic: which target tokens get a class,
// seeded row samples, and a probe's class probabilities on one row (held-out scoring runs in
// scoreProbeGraph.ts; the "other" class is never a guess: a probe that answers "something rare"
// has not predicted a token).

export interface FutureProbe {
  layer: number;
  k: number;
  standardisation: Standardisation;
  /** classes 0..n-2 are `classIds`, class n-1 is "other" */
  model: LogisticModel;
}

/** The `n - 1` most frequent ids among `ids[rows]` (ties: the lower id), most frequent first. */
export function topTargetIds(ids: Int32Array, rows: ArrayLike<number>, n: number): Int32Array {
  const counts = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) counts.set(ids[rows[i]], (counts.get(ids[rows[i]]) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return Int32Array.from(sorted.slice(0, n - 1).map(([id]) => id));
}

/** At most `max` of `rows`, drawn without replacement by a seeded PRNG, in ascending order. */
export function sampleRows(rows: Int32Array, max: number, seed: number): Int32Array {
  if (rows.length <= max) return rows;
  const a = Int32Array.from(rows);
  const random = seededRandom(seed >>> 0);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, max).sort();
}

/** Softmax probabilities over all classes ("other" included) of one standardised row. */
export function classProbabilities(model: LogisticModel, x: Float32Array): Float64Array {
  const { d, k, weights, bias } = model;
  const z = new Float64Array(k);
  let max = -Infinity;
  for (let c = 0; c < k; c++) {
    let s = bias[c];
    for (let j = 0; j < d; j++) s += weights[c * d + j] * x[j];
    z[c] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c] - max);
  for (let c = 0; c < k; c++) z[c] /= sum;
  return z;
}
