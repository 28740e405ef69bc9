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
 *   lse = ReduceLogSumExp(logits), entropy = −Σ softmax·logsoftmax,
 *   targetLogit = logits[target], rank = 1 + #(logits > targetLogit) + #(logits == targetLogit, id < target).
 */
function statsGraph(): Uint8Array {
  const ints = (name: string, values: number[]): onnx.ITensorProto => ({ name, dims: [values.length], dataType: INT64, int64Data: values });
  const scalar = (name: string, value: number): onnx.ITensorProto => ({ name, dims: [], dataType: INT64, int64Data: [value] });
  return encodeGraph({
    name: 'tensorloupe_logit_stats',
    initializer: [ints('axes', [1]), ints('one_index', [1]), scalar('zero', 0), scalar('step', 1), { name: 'one_f', dims: [], dataType: FLOAT, floatData: [1] }],
    input: [vi('logits', ['n', 'V']), vi('target', ['n', 1], INT64)],
    output: [vi('lse', ['n']), vi('entropy', ['n']), vi('target_logit', ['n']), vi('rank', ['n'])],
    node: [
      { opType: 'ReduceLogSumExp', input: ['logits'], output: ['lse'], attribute: [{ name: 'axes', type: 7, ints: [1] }, ...KEEPDIMS_0] },
      { opType: 'Softmax', input: ['logits'], output: ['p'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      // entropy = −Σ p·log p from LogSoftmax: every term has one sign. lse − Σ p·logits cancels two
      // numbers near the largest logit in float32 and was off by 1.5e-4 bits on peaked rows
      { opType: 'LogSoftmax', input: ['logits'], output: ['logp'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      { opType: 'Mul', input: ['p', 'logp'], output: ['plogp'] },
      { opType: 'ReduceSum', input: ['plogp', 'axes'], output: ['neg_entropy'], attribute: KEEPDIMS_0 },
      { opType: 'Neg', input: ['neg_entropy'], output: ['entropy'] },
      { opType: 'GatherElements', input: ['logits', 'target'], output: ['t2'], attribute: [{ name: 'axis', type: 2, i: 1 }] }, // [n, 1]
      { opType: 'Squeeze', input: ['t2', 'axes'], output: ['target_logit'] },
      { opType: 'Greater', input: ['logits', 't2'], output: ['above'] },
      { opType: 'Cast', input: ['above'], output: ['above_f'], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
      { opType: 'ReduceSum', input: ['above_f', 'axes'], output: ['n_above'], attribute: KEEPDIMS_0 },
      // ties: equal logits at a lower id rank first, as in util/distribution.rankOf
      { opType: 'Shape', input: ['logits'], output: ['shape'] },
      { opType: 'Gather', input: ['shape', 'one_index'], output: ['v1'], attribute: [{ name: 'axis', type: 2, i: 0 }] },
      { opType: 'Squeeze', input: ['v1'], output: ['v'] },
      { opType: 'Range', input: ['zero', 'v', 'step'], output: ['ids'] }, // [V]
      { opType: 'Less', input: ['ids', 'target'], output: ['lower'] }, // [n, V]
      { opType: 'Equal', input: ['logits', 't2'], output: ['same'] },
      { opType: 'And', input: ['same', 'lower'], output: ['tie'] },
      { opType: 'Cast', input: ['tie'], output: ['tie_f'], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
      { opType: 'ReduceSum', input: ['tie_f', 'axes'], output: ['n_tie'], attribute: KEEPDIMS_0 },
      { opType: 'Add', input: ['n_above', 'n_tie'], output: ['n_before'] },
      { opType: 'Add', input: ['n_before', 'one_f'], output: ['rank'] },
    ],
  });
}

const sessionFor = sessionsPerThreads(statsGraph);

/**
 * Statistics of every row of `logits` ([rows, vocab]); `targets[r]` is row r's target id (any
 * valid id where a row has none). `threads`: the engine's intra-op thread setting.
 */
export async function logitStats(logits: Float32Array, vocab: number, targets: ArrayLike<number>, threads: number): Promise<LogitStats> {
  const rows = logits.length / vocab;
  const s = await sessionFor(threads);
  const target = BigInt64Array.from({ length: rows }, (_, r) => BigInt(targets[r] ?? 0));
  const out = await s.run({ logits: new Tensor('float32', logits, [rows, vocab]), target: new Tensor('int64', target, [rows, 1]) });
  return {
    logSumExp: out.lse.data as Float32Array,
    entropyNats: out.entropy.data as Float32Array,
    targetLogit: out.target_logit.data as Float32Array,
    targetRank: out.rank.data as Float32Array,
  };
}

/** Row r's target as the panels show it: logit, probability, surprisal in bits and rank. */
export function targetOf(s: LogitStats, r: number): { logit: number; prob: number; bits: number; rank: number } {
  const gap = s.logSumExp[r] - s.targetLogit[r]; // −ln p
  return { logit: s.targetLogit[r], prob: Math.exp(-gap), bits: gap / Math.LN2, rank: s.targetRank[r] };
}
