import type { onnx } from 'onnx-proto';
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, KEEPDIMS_0, sessionsPerThreads, valueInfo } from '../../smallGraphs/smallGraphs';
import type { Objective } from '../../analyses/logisticRegression';

// The probe objective's data term and gradient as a small onnxruntime graph in float64: the two
// [n, d] × [d, k] products dominate training, and onnxruntime's GEMM does them many times faster
// than a JavaScript loop (10,000 × 256 × 8: ~300 ms an evaluation in JS). Same numbers as
// analyses/logisticRegression.logisticLoss (the integration test compares them).
const DOUBLE = 11;

/**
 * x [n, d], xt [d, n], y [n, k] one-hot, w [d, k], b [k] →
 *   nll = Σ y · logsoftmax(x w + b)   (a scalar, summed, not yet negated or averaged)
 *   gw = xᵀ (softmax − y) [d, k],  gb = Σ_rows (softmax − y) [k]
 */
function lossGraph(): Uint8Array {
  const vi = (name: string, dims: (number | string)[]) => valueInfo(name, dims, DOUBLE);
  const axes: onnx.ITensorProto = { name: 'axes0', dims: [1], dataType: 7, int64Data: [0] };
  return encodeGraph({
    name: 'tensorloupe_probe_loss',
    initializer: [axes],
    input: [vi('x', ['n', 'd']), vi('xt', ['d', 'n']), vi('y', ['n', 'k']), vi('w', ['d', 'k']), vi('b', ['k'])],
    output: [vi('nll', []), vi('gw', ['d', 'k']), vi('gb', ['k'])],
    node: [
      { opType: 'MatMul', input: ['x', 'w'], output: ['z'] },
      { opType: 'Add', input: ['z', 'b'], output: ['zb'] },
      { opType: 'LogSoftmax', input: ['zb'], output: ['ls'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      { opType: 'Exp', input: ['ls'], output: ['p'] },
      { opType: 'Sub', input: ['p', 'y'], output: ['r'] },
      { opType: 'MatMul', input: ['xt', 'r'], output: ['gw'] },
      { opType: 'ReduceSum', input: ['r', 'axes0'], output: ['gb'], attribute: KEEPDIMS_0 },
      { opType: 'Mul', input: ['y', 'ls'], output: ['yl'] },
      { opType: 'ReduceSum', input: ['yl'], output: ['nll'], attribute: KEEPDIMS_0 },
    ],
  });
}

const sessionFor = sessionsPerThreads(lossGraph);

/** The objective of analyses/logisticRegression for features x [n, d] (float32) and labels y, run by onnxruntime. */
export function graphObjective(x: Float32Array, y: Int32Array, n: number, d: number, k: number, l2: number, threads: number): Objective {
  const x64 = Float64Array.from(x); // [n, d]
  const xt = new Float64Array(d * n); // [d, n]
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = x64[i * d + j];
  const onehot = new Float64Array(n * k); // [n, k]
  for (let i = 0; i < n; i++) onehot[i * k + y[i]] = 1;
  const feeds = { x: new Tensor('float64', x64, [n, d]), xt: new Tensor('float64', xt, [d, n]), y: new Tensor('float64', onehot, [n, k]) };
  const w = new Float64Array(d * k); // [d, k]
  return async (theta, grad) => {
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) w[j * k + c] = theta[c * d + j];
    const session = await sessionFor(threads);
    const out = await session.run({ ...feeds, w: new Tensor('float64', w, [d, k]), b: new Tensor('float64', theta.slice(k * d), [k]) });
    const gw = out.gw.data as Float64Array;
    const gb = out.gb.data as Float64Array;
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const t = theta[c * d + j];
        penalty += t * t;
        grad[c * d + j] = gw[j * k + c] / n + l2 * t;
      }
      grad[k * d + c] = gb[c] / n;
    }
    return -(out.nll.data as Float64Array)[0] / n + 0.5 * l2 * penalty;
  };
}
