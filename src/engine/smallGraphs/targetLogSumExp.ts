// Each row's log-sum-exp of a [rows, vocab] logits block, read off the target's softmax
// probability: lse = x_t − ln p_t. What the next-token panel shows at every position (the actual
// next token's surprisal and p) needs nothing more, and onnxruntime's Softmax (one fused MLAS
// kernel: max, vectorised exp and sum, scale) is the cheapest full pass it has: on a 124M model at
// 128 tokens × 50,257 ids, 12 of logitStats' generic element-wise passes took 18–34 ms (12–20 %
// of the forward); this graph's two passes take a few ms. Entropy and rank, which need those
// passes, are computed only when asked for (logitStats.ts).
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, INT64, KEEPDIMS_0, sessionsPerThreads, valueInfo as vi } from './smallGraphs';
import { logSumExp } from '../../util/distribution';

/**
 * logits [n, V], target [n, 1] (int64) →
 *   p_t [n, 1] = softmax(row)[target]: the row's log-sum-exp is x_t − ln p_t;
 *   total [n] = Σ row: NaN or ±∞ exactly when the row holds a NaN or ±∞ logit (or sums past
 *   float32, which finite logits of any real model do not), the finite check in the same pass.
 */
function graph(): Uint8Array {
  return encodeGraph({
    name: 'tensorloupe_target_lse',
    initializer: [{ name: 'axes', dims: [1], dataType: INT64, int64Data: [1] }],
    input: [vi('logits', ['n', 'V']), vi('target', ['n', 1], INT64)],
    output: [vi('p_t', ['n', 1]), vi('total', ['n'])],
    node: [
      { opType: 'Softmax', input: ['logits'], output: ['p'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      { opType: 'GatherElements', input: ['p', 'target'], output: ['p_t'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      { opType: 'ReduceSum', input: ['logits', 'axes'], output: ['total'], attribute: KEEPDIMS_0 },
    ],
  });
}

const sessionFor = sessionsPerThreads(graph);

/**
 * Below this p_t, float32's relative precision thins out (subnormals start at 1.2e-38, and the
 * exp of a logit ~88 nats below the row's maximum underflows): that row's log-sum-exp is
 * recomputed in float64 in JavaScript. A next token 100 bits unlikely is rare; each costs one row.
 */
const SMALLEST_TRUSTED_P = 1e-30;

/**
 * Rows per onnxruntime call: ~2M floats (41 rows of GPT-2's 50,257 ids). 128 × 50,257 real logits
 * of the bench's GPT-2, 2 threads, quiet VM: chunks of 128K floats 14–27 ms, 512K 7–11, 1M 5–8,
 * 2M 4–6, 4M 4–7; at 512 tokens 48–58, 22–26, 17–18, 16–17, 17–21.
 */
const CHUNK_FLOATS = 2 * 1024 * 1024;

export interface TargetLogSumExp {
  /** [rows] natural-log normaliser of softmax(row) */
  logSumExp: Float32Array;
  /** false when some row holds a NaN or ±∞ logit (the caller locates and reports it) */
  finite: boolean;
}

/** `targets[r]`: row r's target id (rows past targets' end use id 0: their lse is exact all the same). */
export async function targetLogSumExp(logits: Float32Array, vocab: number, targets: ArrayLike<number>, threads: number, chunkFloats = CHUNK_FLOATS): Promise<TargetLogSumExp> {
  const rows = logits.length / vocab;
  const s = await sessionFor(threads);
  const target = BigInt64Array.from({ length: rows }, (_, r) => BigInt(targets[r] ?? 0));
  const lse = new Float32Array(rows);
  let finite = true;
  const chunk = Math.max(1, Math.floor(chunkFloats / vocab));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    const n = r1 - r0;
    const out = await s.run({ logits: new Tensor('float32', logits.subarray(r0 * vocab, r1 * vocab), [n, vocab]), target: new Tensor('int64', target.subarray(r0, r1), [n, 1]) });
    const pt = out.p_t.data as Float32Array;
    const total = out.total.data as Float32Array;
    for (let r = r0; r < r1; r++) {
      if (!Number.isFinite(total[r - r0])) finite = false;
      const p = pt[r - r0];
      const xt = logits[r * vocab + Number(target[r])];
      lse[r] = p >= SMALLEST_TRUSTED_P ? xt - Math.log(p) : logSumExp(logits.subarray(r * vocab, (r + 1) * vocab));
    }
  }
  return { logSumExp: lse, finite };
}
