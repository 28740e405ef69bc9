import { Tensor } from 'onnxruntime-node';
import { encodeGraph, INT64, sessionsPerThreads, valueInfo } from '../../smallGraphs/smallGraphs';
import type { LogisticModel } from '../../analyses/logisticRegression';

// Held-out top-1 / top-5 of a future-token probe: the logits x Wᵀ + b of the real classes and
// their top 5 in a small onnxruntime graph (float32 GEMM + TopK). In JavaScript this was ~0.5 s a
// scoring (20,000 rows × 127 classes × d 128, twice per probe: 19 s of the 200k-position run).
// The "other" class is left out of W before the graph sees it: it is never a guess.

const TOP = 5;

function topGraph(): Uint8Array {
  return encodeGraph({
    name: 'tensorloupe_probe_top',
    input: [valueInfo('x', ['n', 'd']), valueInfo('w', ['d', 'c']), valueInfo('b', ['c']), valueInfo('top', [1], INT64)],
    output: [valueInfo('indices', ['n', 'top'], INT64)],
    node: [
      { opType: 'MatMul', input: ['x', 'w'], output: ['z'] },
      { opType: 'Add', input: ['z', 'b'], output: ['zb'] },
      // ties: the lower class first (TopK's rule), as a sort by class would give
      { opType: 'TopK', input: ['zb', 'top'], output: ['values', 'indices'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
    ],
  });
}

const sessionFor = sessionsPerThreads(topGraph);

/** top-1 and top-5 hit rates of the probe on standardised rows x [n, d] whose true classes are y (−1: not a class, a miss). */
export async function scoreProbe(model: LogisticModel, x: Float32Array, y: Int32Array, threads: number): Promise<{ top1: number; top5: number }> {
  const n = y.length;
  const { d, k, weights, bias } = model;
  const real = k - 1;
  if (n === 0) return { top1: 0, top5: 0 };
  const top = Math.min(TOP, real);
  const w = new Float32Array(d * real); // [d, real]
  for (let c = 0; c < real; c++) for (let j = 0; j < d; j++) w[j * real + c] = weights[c * d + j];
  const session = await sessionFor(threads);
  const out = await session.run({ x: new Tensor('float32', x, [n, d]), w: new Tensor('float32', w, [d, real]), b: new Tensor('float32', Float32Array.from(bias.subarray(0, real)), [real]), top: new Tensor('int64', BigInt64Array.of(BigInt(top)), [1]) });
  const best = out.indices.data as BigInt64Array; // [n, top], best first
  let h1 = 0;
  let h5 = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] < 0) continue;
    const want = BigInt(y[i]);
    if (best[i * top] === want) h1++;
    for (let r = 0; r < top; r++) if (best[i * top + r] === want) { h5++; break; }
  }
  return { top1: h1 / n, top5: h5 / n };
}
