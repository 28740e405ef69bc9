// Nearest neighbours by cosine in the original space, and word2vec-style analogies (a − b + c,
// the three inputs excluded from the answers, as in Mikolov et al.'s evaluation).
import type { Matrix } from './matrix';

export interface Neighbour {
  index: number;
  cosine: number;
  /** 1-based place in the ranking after exclusions */
  rank: number;
}

/** Each row's Euclidean norm (float64). */
export function rowNorms(m: Matrix): Float64Array {
  const norms = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j] ** 2;
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

/** The k rows most cosine-similar to `query` (a vector of m.cols), skipping `exclude`; zero rows never match. */
export function nearestByCosine(m: Matrix, query: ArrayLike<number>, k: number, exclude: ReadonlySet<number> = new Set(), norms = rowNorms(m)): Neighbour[] {
  if (query.length !== m.cols) throw new RangeError(`query has ${query.length} dimensions; the matrix has ${m.cols}.`);
  let qn = 0;
  for (let j = 0; j < m.cols; j++) qn += query[j] ** 2;
  qn = Math.sqrt(qn);
  if (qn === 0 || k <= 0) return [];
  // a bounded list kept sorted descending: k is small (10), the rows many
  const best: { index: number; cosine: number }[] = [];
  for (let i = 0; i < m.rows; i++) {
    if (exclude.has(i) || norms[i] === 0) continue;
    let dot = 0;
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) dot += m.data[o + j] * query[j];
    const cosine = dot / (norms[i] * qn);
    if (best.length === k && cosine <= best[k - 1].cosine) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].cosine < cosine) at--;
    best.splice(at, 0, { index: i, cosine });
    if (best.length > k) best.pop();
  }
  return best.map((b, r) => ({ ...b, rank: r + 1 }));
}

/** Neighbours of row `index`, itself excluded. */
export function neighboursOfRow(m: Matrix, index: number, k: number, norms = rowNorms(m)): Neighbour[] {
  return nearestByCosine(m, m.data.subarray(index * m.cols, (index + 1) * m.cols), k, new Set([index]), norms);
}

/** a − b + c on unit-normalised rows (3CosAdd), the inputs excluded from the answers. */
export function analogy(m: Matrix, a: number, b: number, c: number, k: number, norms = rowNorms(m)): Neighbour[] {
  const q = new Float64Array(m.cols);
  for (const [row, sign] of [[a, 1], [b, -1], [c, 1]] as const) {
    const n = norms[row] || 1;
    for (let j = 0; j < m.cols; j++) q[j] += (sign * m.data[row * m.cols + j]) / n;
  }
  return nearestByCosine(m, q, k, new Set([a, b, c]), norms);
}
