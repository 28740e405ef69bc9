// Exact k nearest neighbours (Euclidean) for UMAP as an onnxruntime graph: ‖q‖² + ‖x‖² − 2q·xᵀ by
// MatMul, then TopK smallest, a block of query rows at a time. umap-js's own NN-descent took
// 8 s of the 16 s UMAP of 5,000 × 32 points; this takes well under a second, and is exact.
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, INT64, sessionsPerThreads, valueInfo as vi } from '../../smallGraphs/smallGraphs';
import type { Matrix } from '../../analyses/matrix';
import type { Knn } from '../../analyses/umap';

/** query rows per run: a [rows, n] distance block stays ≤ 40 MB at 10,000 points */
const BLOCK = 1024;

const knnSession = sessionsPerThreads(() =>
  encodeGraph({
    name: 'tensorloupe_knn',
    input: [vi('q', ['c', 'd']), vi('x', ['n', 'd']), vi('xnorm', [1, 'n']), vi('k', [1], INT64)],
    output: [vi('dist2', ['c', 'k']), vi('index', ['c', 'k'], INT64)],
    initializer: [{ name: 'minus_two', dims: [], dataType: 1, floatData: [-2] }, { name: 'axes', dims: [1], dataType: INT64, int64Data: [1] }],
    node: [
      { opType: 'Transpose', input: ['x'], output: ['xt'] },
      { opType: 'MatMul', input: ['q', 'xt'], output: ['dots'] },
      { opType: 'Mul', input: ['q', 'q'], output: ['q2'] },
      { opType: 'ReduceSum', input: ['q2', 'axes'], output: ['qnorm'] }, // [c, 1]
      { opType: 'Mul', input: ['dots', 'minus_two'], output: ['m2'] },
      { opType: 'Add', input: ['m2', 'qnorm'], output: ['s1'] },
      { opType: 'Add', input: ['s1', 'xnorm'], output: ['d2'] },
      { opType: 'TopK', input: ['d2', 'k'], output: ['dist2', 'index'], attribute: [{ name: 'largest', type: 2, i: 0 }, { name: 'sorted', type: 2, i: 1 }] },
    ],
  }),
);

export function ortKnn(threads: number): (m: Matrix, k: number) => Promise<Knn> {
  return async (m, k) => {
    const { rows: n, cols: d } = m;
    const x32 = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
    const xnorm = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x32[i * d + j] ** 2;
      xnorm[i] = s;
    }
    const session = await knnSession(threads);
    const x = new Tensor('float32', x32, [n, d]);
    const xn = new Tensor('float32', xnorm, [1, n]);
    const kt = new Tensor('int64', BigInt64Array.of(BigInt(k)), [1]);
    const indices: number[][] = [];
    const distances: number[][] = [];
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      const q = new Tensor('float32', x32.subarray(start * d, end * d), [end - start, d]);
      const out = await session.run({ q, x, xnorm: xn, k: kt });
      const dist2 = out.dist2.data as Float32Array;
      const index = out.index.data as BigInt64Array;
      for (let r = 0; r < end - start; r++) {
        const row: number[] = [];
        const dist: number[] = [];
        for (let c = 0; c < k; c++) {
          const j = Number(index[r * k + c]);
          row.push(j);
          // the point itself first at distance 0, as umap-learn's exact search gives (rounding may leave a tiny negative)
          dist.push(j === start + r ? 0 : Math.sqrt(Math.max(0, dist2[r * k + c])));
        }
        indices.push(row);
        distances.push(dist);
      }
    }
    return { indices, distances };
  };
}
