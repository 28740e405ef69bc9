// Per-row statistics of a [rows, vocab] logits block, as a tiny onnxruntime graph: log-sum-exp,
// entropy, and each row's target logit and rank. In JavaScript, vocab exps per row were a
// next-token request's largest cost (512 tokens × 4,096 ids: 32–58 ms, more than the forward
// pass); onnxruntime's vectorised kernels take a few ms. Shapes are dynamic: one session serves
// every model.
import type { onnx } from 'onnx-proto';
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, FLOAT, INT64, KEEPDIMS_0, sessionsPerThreads, valueInfo as vi } from './smallGraphs';

export interface LogitStats {
  /** [rows] natural-log normaliser of softmax(row) */
  logSumExp: Float32Array;
  /** [rows] entropy of softmax(row), nats */
  entropyNats: Float32Array;
  /** [rows] row[target] */
  targetLogit: Float32Array;
  /** [rows] 1-based rank of the target (1 = most probable; ties go to the lower id) */
  targetRank: Float32Array;
}

/**
 * logits [n, V], target [n, 1] int64 →
 *   m = max(logits), e = exp(logits − m), s = Σ e: lse = m + log s,
 *   entropy = log s − Σ e·(logits − m) / s (both terms ≥ 0: no cancellation),
 *   targetLogit = logits[target], above = #(logits > targetLogit), equal = #(logits == targetLogit).
 * Every [n, V] pass counts: at GPT-2's 50,257 ids and 128 tokens one pass is 25 MB. The first
 * version (ReduceLogSumExp, Softmax and LogSoftmax: three exp passes; ties by Range/Less/Equal/
 * And: five more) took 25–45 % of a 124M model's forward (84 ms at 128 tokens under load). Now
 * one exp pass and one compare pass per count (47 ms, same load; a batched MatMul for Σ e·(x − m)
 * was slower than Mul + ReduceSum); ties (rare: two equal float logits) are ranked in JavaScript.
 */
function statsGraph(): Uint8Array {
  const ints = (name: string, values: number[]): onnx.ITensorProto => ({ name, dims: [values.length], dataType: INT64, int64Data: values });
  return encodeGraph({
    name: 'tensorloupe_logit_stats',
    initializer: [ints('axes', [1])],
    input: [vi('logits', ['n', 'V']), vi('target', ['n', 1], INT64)],
    output: [vi('lse', ['n']), vi('entropy', ['n']), vi('target_logit', ['n']), vi('above', ['n']), vi('equal', ['n'])],
    node: [
      { opType: 'ReduceMax', input: ['logits'], output: ['m'], attribute: [{ name: 'axes', type: 7, ints: [1] }] }, // [n, 1]
      { opType: 'Sub', input: ['logits', 'm'], output: ['xm'] }, // ≤ 0
      { opType: 'Exp', input: ['xm'], output: ['e'] },
      { opType: 'ReduceSum', input: ['e', 'axes'], output: ['s'], attribute: KEEPDIMS_0 }, // [n]
      { opType: 'Log', input: ['s'], output: ['log_s'] },
      { opType: 'Squeeze', input: ['m', 'axes'], output: ['m1'] },
      { opType: 'Add', input: ['m1', 'log_s'], output: ['lse'] },
      { opType: 'Mul', input: ['e', 'xm'], output: ['exm'] },
      { opType: 'ReduceSum', input: ['exm', 'axes'], output: ['dot'], attribute: KEEPDIMS_0 }, // [n] = Σ e·(x − m) ≤ 0
      { opType: 'Div', input: ['dot', 's'], output: ['mean_xm'] },
      { opType: 'Sub', input: ['log_s', 'mean_xm'], output: ['entropy'] },
      { opType: 'GatherElements', input: ['logits', 'target'], output: ['t2'], attribute: [{ name: 'axis', type: 2, i: 1 }] }, // [n, 1]
      { opType: 'Squeeze', input: ['t2', 'axes'], output: ['target_logit'] },
      { opType: 'Greater', input: ['logits', 't2'], output: ['gt'] },
      { opType: 'Cast', input: ['gt'], output: ['gt_f'], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
      { opType: 'ReduceSum', input: ['gt_f', 'axes'], output: ['above'], attribute: KEEPDIMS_0 },
      { opType: 'Equal', input: ['logits', 't2'], output: ['eq'] },
      { opType: 'Cast', input: ['eq'], output: ['eq_f'], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
      { opType: 'ReduceSum', input: ['eq_f', 'axes'], output: ['equal'], attribute: KEEPDIMS_0 },
    ],
  });
}

const sessionFor = sessionsPerThreads(statsGraph);

/**
 * Statistics of every row of `logits` ([rows, vocab]); `targets[r]` is row r's target id (any
 * valid id where a row has none). `threads`: the engine's intra-op thread setting.
 */
/**
 * Rows per onnxruntime call: a few rows (2 of GPT-2's 50,257 ids, 4 of 32,000), so the graph's
 * [rows, vocab] intermediates (Sub, Exp, Mul, Greater, Cast, Equal: ~0.5 MB each) stay in the
 * CPU's cache from one op to the next instead of streaming through memory; the ~100 calls cost
 * less than that. 128 × 50,257 logits, min of 8 in one process, loaded VM: chunks of 4M floats
 * 40–48 → 19–20 ms (32,000 ids: 38 → 11 ms). One call over a 512-token × 50,257 block grew the
 * session's arena by 600 MB and kept it; chunks bound that too.
 */
const CHUNK_FLOATS = 128 * 1024;

export async function logitStats(logits: Float32Array, vocab: number, targets: ArrayLike<number>, threads: number, chunkFloats = CHUNK_FLOATS): Promise<LogitStats> {
  const rows = logits.length / vocab;
  const s = await sessionFor(threads);
  const target = BigInt64Array.from({ length: rows }, (_, r) => BigInt(targets[r] ?? 0));
  const stats: LogitStats = { logSumExp: new Float32Array(rows), entropyNats: new Float32Array(rows), targetLogit: new Float32Array(rows), targetRank: new Float32Array(rows) };
  const chunk = Math.max(1, Math.floor(chunkFloats / vocab));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    const out = await s.run({ logits: new Tensor('float32', logits.subarray(r0 * vocab, r1 * vocab), [r1 - r0, vocab]), target: new Tensor('int64', target.subarray(r0, r1), [r1 - r0, 1]) });
    stats.logSumExp.set(out.lse.data as Float32Array, r0);
    stats.entropyNats.set(out.entropy.data as Float32Array, r0);
    stats.targetLogit.set(out.target_logit.data as Float32Array, r0);
    const above = out.above.data as Float32Array;
    const equal = out.equal.data as Float32Array;
    for (let r = r0; r < r1; r++) {
      // ties: equal logits at a lower id rank first, as in util/distribution.rankOf
      let tiesBefore = 0;
      if (equal[r - r0] > 1) {
        const t = Number(target[r]);
        const v = logits[r * vocab + t];
        for (let i = r * vocab; i < r * vocab + t; i++) if (logits[i] === v) tiesBefore++;
      }
      stats.targetRank[r] = above[r - r0] + tiesBefore + 1;
    }
  }
  return stats;
}

/** Row r's target as the panels show it: logit, probability, surprisal in bits and rank. */
export function targetOf(s: LogitStats, r: number): { logit: number; prob: number; bits: number; rank: number } {
  const gap = s.logSumExp[r] - s.targetLogit[r]; // −ln p
  return { logit: s.targetLogit[r], prob: Math.exp(-gap), bits: gap / Math.LN2, rank: s.targetRank[r] };
}
