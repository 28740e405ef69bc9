// Per-row statistics of a [rows, vocab] logits block, as a tiny onnxruntime graph: log-sum-exp,
// entropy, and each row's target logit and rank (next-token's stats: 'full'; the default request
// needs only the log-sum-exp, which targetLogSumExp.ts gets in two passes instead of twelve). In JavaScript, vocab exps per row were a
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
 * logits [n, V], t [n, 1] = each row's target logit, t_below [n, 1] = the float32 just below it →
 *   m = max(logits), e = exp(logits − m): s = Σ e, dot = Σ e·(logits − m),
 *   above = #(logits > t), at_least = #(logits > t_below) = #(logits ≥ t);
 * and in JavaScript (per row, float64): lse = m + log s, entropy = log s − dot / s (both terms
 * ≥ 0: no cancellation), ties = at_least − above.
 * Every [n, V] pass counts: at GPT-2's 50,257 ids and 128 tokens one pass is 25 MB. The first
 * version (ReduceLogSumExp, Softmax and LogSoftmax: three exp passes; ties by Range/Less/Equal/
 * And: five more) took 25–45 % of a 124M model's forward (84 ms at 128 tokens under load); then
 * one exp pass and one compare pass per count (47 ms, same load; a batched MatMul for Σ e·(x − m)
 * was slower than Mul + ReduceSum). Now also no per-row op in the graph (the target's logit is read
 * in JavaScript, the [n]-sized arithmetic done there: 7 of 19 ops, each a thread-pool dispatch on
 * every ~100-call chunk loop) and the tie count is a second Greater rather than Equal (Equal over
 * floats was the graph's slowest op: 21 of 93 ms kernel time at 512 × 50,257, Greater 8).
 */
function statsGraph(): Uint8Array {
  const ints = (name: string, values: number[]): onnx.ITensorProto => ({ name, dims: [values.length], dataType: INT64, int64Data: values });
  const count = (than: string, out: string): onnx.INodeProto[] => [
    { opType: 'Greater', input: ['logits', than], output: [`${out}_b`] },
    { opType: 'Cast', input: [`${out}_b`], output: [`${out}_f`], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
    { opType: 'ReduceSum', input: [`${out}_f`, 'axes'], output: [out], attribute: KEEPDIMS_0 },
  ];
  return encodeGraph({
    name: 'tensorloupe_logit_stats',
    initializer: [ints('axes', [1])],
    input: [vi('logits', ['n', 'V']), vi('t', ['n', 1]), vi('t_below', ['n', 1])],
    output: [vi('m', ['n', 1]), vi('s', ['n']), vi('dot', ['n']), vi('above', ['n']), vi('at_least', ['n'])],
    node: [
      { opType: 'ReduceMax', input: ['logits'], output: ['m'], attribute: [{ name: 'axes', type: 7, ints: [1] }] }, // [n, 1]
      { opType: 'Sub', input: ['logits', 'm'], output: ['xm'] }, // ≤ 0
      { opType: 'Exp', input: ['xm'], output: ['e'] },
      { opType: 'ReduceSum', input: ['e', 'axes'], output: ['s'], attribute: KEEPDIMS_0 }, // [n]
      { opType: 'Mul', input: ['e', 'xm'], output: ['exm'] },
      { opType: 'ReduceSum', input: ['exm', 'axes'], output: ['dot'], attribute: KEEPDIMS_0 }, // [n] = Σ e·(x − m) ≤ 0
      ...count('t', 'above'),
      ...count('t_below', 'at_least'),
    ],
  });
}

/** The largest float32 below x (x finite or +∞): x > below(t) ⟺ x ≥ t for float32 x. */
export function float32Below(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  if (f[0] === 0) return -1.401298464324817e-45; // −(smallest subnormal), for +0 and −0 alike
  bits[0] += f[0] > 0 ? -1 : 1; // the magnitude shrinks for positives and grows for negatives
  return f[0];
}

const sessionFor = sessionsPerThreads(statsGraph);

/**
 * Rows per onnxruntime call: ~1M floats (20 rows of GPT-2's 50,257 ids), so the graph's [rows,
 * vocab] intermediates stay near the CPU's caches from one op to the next and one call over a
 * 512-token block does not grow the session's arena by 600 MB (it did, and kept it). 128 × 50,257
 * real logits of the bench's GPT-2, 2 threads, quiet VM: chunks of 128K floats 31–34 ms, 512K
 * 21–22, 1M 18–19, 2M 18–20, 4M 19–35 (an earlier 40 → 20 ms at 128K was against one 4M call).
 */
const CHUNK_FLOATS = 1024 * 1024;

/**
 * Statistics of every row of `logits` ([rows, vocab]); `targets[r]` is row r's target id (any
 * valid id where a row has none). `threads`: the engine's intra-op thread setting.
 */
export async function logitStats(logits: Float32Array, vocab: number, targets: ArrayLike<number>, threads: number, chunkFloats = CHUNK_FLOATS): Promise<LogitStats> {
  const rows = logits.length / vocab;
  const s = await sessionFor(threads);
  const target = Int32Array.from({ length: rows }, (_, r) => targets[r] ?? 0);
  const t = Float32Array.from({ length: rows }, (_, r) => logits[r * vocab + target[r]]);
  const tBelow = t.map(float32Below);
  const stats: LogitStats = { logSumExp: new Float32Array(rows), entropyNats: new Float32Array(rows), targetLogit: t, targetRank: new Float32Array(rows) };
  const chunk = Math.max(1, Math.floor(chunkFloats / vocab));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    const n = r1 - r0;
    const out = await s.run({ logits: new Tensor('float32', logits.subarray(r0 * vocab, r1 * vocab), [n, vocab]), t: new Tensor('float32', t.subarray(r0, r1), [n, 1]), t_below: new Tensor('float32', tBelow.subarray(r0, r1), [n, 1]) });
    const [m, sum, dot, above, atLeast] = ['m', 's', 'dot', 'above', 'at_least'].map((k) => out[k].data as Float32Array);
    for (let r = r0; r < r1; r++) {
      const i = r - r0;
      const logS = Math.log(sum[i]);
      stats.logSumExp[r] = m[i] + logS;
      stats.entropyNats[r] = logS - dot[i] / sum[i];
      // ties: equal logits at a lower id rank first, as in util/distribution.rankOf
      let tiesBefore = 0;
      if (atLeast[i] - above[i] > 1) {
        const v = t[r];
        for (let j = r * vocab; j < r * vocab + target[r]; j++) if (logits[j] === v) tiesBefore++;
      }
      stats.targetRank[r] = above[i] + tiesBefore + 1;
    }
  }
  return stats;
}

/** Row r's target as the panels show it: logit, probability, surprisal in bits and rank. */
export function targetOf(s: LogitStats, r: number): { logit: number; prob: number; bits: number; rank: number } {
  const gap = s.logSumExp[r] - s.targetLogit[r]; // −ln p
  return { logit: s.targetLogit[r], prob: Math.exp(-gap), bits: gap / Math.LN2, rank: s.targetRank[r] };
}
