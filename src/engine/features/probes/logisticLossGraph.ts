import type { onnx } from 'onnx-proto';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { encodeGraph, FLOAT, KEEPDIMS_0, sessionsPerThreads, valueInfo } from '../../smallGraphs/smallGraphs';
import type { Objective } from '../../analyses/logisticRegression';

// The probe objective's data term and gradient as a small onnxruntime graph: the two
// [n, d] × [d, k] products dominate training, and onnxruntime's GEMM does them many times faster
// than a JavaScript loop (10,000 × 256 × 8: ~300 ms an evaluation in JS). In float64 (the default)
// the same numbers as analyses/logisticRegression.logisticLoss (the integration test compares them);
// in float32 onnxruntime's own GEMM (MLAS) runs instead of the double path, several times faster,
// for fits that are capped at a few dozen iterations anyway (the future-token probes: 128 classes
// × 16k rows × 20 fits), where float32's ~1e-7 relative error in the loss is far below what a
// capped L-BFGS run resolves. L-BFGS itself still runs in float64.
const DOUBLE = 11;
export type ObjectivePrecision = 'float64' | 'float32';

/**
 * x [n, d], xt [d, n], y [n, k] one-hot, w [d, k], b [k] →
 *   nll = Σ y · logsoftmax(x w + b)   (a scalar, summed, not yet negated or averaged)
 *   gw = xᵀ (softmax − y) [d, k],  gb = Σ_rows (softmax − y) [k]
 */
function lossGraph(elemType: number): Uint8Array {
  const vi = (name: string, dims: (number | string)[]) => valueInfo(name, dims, elemType);
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

const sessionsFor: Record<ObjectivePrecision, (threads: number) => Promise<InferenceSession>> = {
  float64: sessionsPerThreads(() => lossGraph(DOUBLE)),
  float32: sessionsPerThreads(() => lossGraph(FLOAT)),
};

/** The objective of analyses/logisticRegression for features x [n, d] (float32) and labels y, run by onnxruntime. */
export function graphObjective(x: Float32Array, y: Int32Array, n: number, d: number, k: number, l2: number, threads: number, precision: ObjectivePrecision = 'float64'): Objective {
  const Arr = precision === 'float64' ? Float64Array : Float32Array;
  const xs = precision === 'float64' ? Float64Array.from(x) : x; // [n, d]
  const xt = new Arr(d * n); // [d, n]
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = xs[i * d + j];
  const onehot = new Arr(n * k); // [n, k]
  for (let i = 0; i < n; i++) onehot[i * k + y[i]] = 1;
  const feeds = { x: new Tensor(precision, xs, [n, d]), xt: new Tensor(precision, xt, [d, n]), y: new Tensor(precision, onehot, [n, k]) };
  const w = new Arr(d * k); // [d, k]
  const b = new Arr(k);
  return async (theta, grad) => {
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) w[j * k + c] = theta[c * d + j];
    b.set(theta.subarray(k * d));
    const session = await sessionsFor[precision](threads);
    const out = await session.run({ ...feeds, w: new Tensor(precision, w, [d, k]), b: new Tensor(precision, b, [k]) });
    const gw = out.gw.data as Float64Array | Float32Array;
    const gb = out.gb.data as Float64Array | Float32Array;
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const t = theta[c * d + j];
        penalty += t * t;
        grad[c * d + j] = gw[j * k + c] / n + l2 * t;
      }
      grad[k * d + c] = gb[c] / n;
    }
    return -Number(out.nll.data[0]) / n + 0.5 * l2 * penalty;
  };
}
