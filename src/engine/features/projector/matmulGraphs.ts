// PCA's heavy products as onnxruntime graphs: X·B (MatMul) and Xᵀ·Q (Gemm transA) on the float32
// points, the mean's correction applied here on the small result. onnxruntime's threaded SGEMM
// takes 50,000 × 256 × 13 in milliseconds where a JavaScript loop takes about a second.
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, sessionsPerThreads, valueInfo as vi } from '../../smallGraphs/smallGraphs';
import type { CentredProducts } from '../../analyses/pca';
import type { Matrix } from '../../analyses/matrix';

const timesSession = sessionsPerThreads(() =>
  encodeGraph({ name: 'tensorloupe_x_times_b', input: [vi('x', ['n', 'd']), vi('b', ['d', 'l'])], output: [vi('y', ['n', 'l'])], node: [{ opType: 'MatMul', input: ['x', 'b'], output: ['y'] }] }),
);
const transposeTimesSession = sessionsPerThreads(() =>
  encodeGraph({
    name: 'tensorloupe_xt_times_q',
    input: [vi('x', ['n', 'd']), vi('q', ['n', 'l'])],
    output: [vi('z', ['d', 'l'])],
    node: [{ opType: 'Gemm', input: ['x', 'q'], output: ['z'], attribute: [{ name: 'transA', type: 2, i: 1 }] }],
  }),
);

export function ortProducts(m: Matrix, mean: Float64Array, threads: number): CentredProducts {
  const { rows: n, cols: d } = m;
  const x = new Tensor('float32', m.data instanceof Float32Array ? m.data : Float32Array.from(m.data), [n, d]);
  return {
    times: async (b, l) => {
      const session = await timesSession(threads);
      const out = await session.run({ x, b: new Tensor('float32', Float32Array.from(b), [d, l]) });
      const y = out.y.data as Float32Array;
      const shift = new Float64Array(l); // μᵀB, subtracted from every row
      for (let a = 0; a < d; a++) for (let c = 0; c < l; c++) shift[c] += mean[a] * b[a * l + c];
      const result = new Float64Array(n * l);
      for (let i = 0; i < n * l; i++) result[i] = y[i] - shift[i % l];
      return result;
    },
    transposeTimes: async (q, l) => {
      const session = await transposeTimesSession(threads);
      const out = await session.run({ x, q: new Tensor('float32', Float32Array.from(q), [n, l]) });
      const z = out.z.data as Float32Array;
      const colSum = new Float64Array(l); // 1ᵀQ, for the −μ(1ᵀQ) term
      for (let i = 0; i < n; i++) for (let c = 0; c < l; c++) colSum[c] += q[i * l + c];
      const result = new Float64Array(d * l);
      for (let a = 0; a < d; a++) for (let c = 0; c < l; c++) result[a * l + c] = z[a * l + c] - mean[a] * colSum[c];
      return result;
    },
  };
}
