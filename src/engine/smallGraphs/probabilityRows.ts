// Entropy and maximum of every row of a block of attention probabilities, as a tiny onnxruntime
// graph. A log per cell in JavaScript was most of an attention summary's time at long inputs
// (2048 tokens: 36M cells); onnxruntime's vectorised Log takes a fraction of it. Shapes are
// dynamic: one session per thread setting serves every model.
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, FLOAT, KEEPDIMS_0, sessionsPerThreads, valueInfo as vi } from './smallGraphs';

/** p [n, k] → entropy [n] = −Σ p·ln(p + 1e-38) (a 0 adds 0), max [n] */
function rowsGraph(): Uint8Array {
  return encodeGraph({
    name: 'tensorloupe_probability_rows',
    initializer: [
      { name: 'axes', dims: [1], dataType: 7, int64Data: [-1] },
      { name: 'tiny', dims: [], dataType: FLOAT, floatData: [1e-38] },
    ],
    input: [vi('p', ['n', 'k'])],
    output: [vi('entropy', ['n']), vi('max', ['n'])],
    node: [
      { opType: 'Add', input: ['p', 'tiny'], output: ['p_safe'] },
      { opType: 'Log', input: ['p_safe'], output: ['log_p'] },
      { opType: 'Mul', input: ['p', 'log_p'], output: ['plogp'] },
      { opType: 'ReduceSum', input: ['plogp', 'axes'], output: ['neg_entropy'], attribute: KEEPDIMS_0 },
      { opType: 'Neg', input: ['neg_entropy'], output: ['entropy'] },
      { opType: 'ReduceMax', input: ['p'], output: ['max'], attribute: [{ name: 'axes', type: 7, ints: [-1] }, ...KEEPDIMS_0] },
    ],
  });
}

const sessionFor = sessionsPerThreads(rowsGraph);

/** For rows of `rowLength` probabilities laid end to end in `p`: each row's entropy in bits and its maximum. */
export async function rowEntropyAndMax(p: Float32Array, rowLength: number, threads: number): Promise<{ entropyBits: Float32Array; max: Float32Array }> {
  const out = await (await sessionFor(threads)).run({ p: new Tensor('float32', p, [p.length / rowLength, rowLength]) });
  return { entropyBits: (out.entropy.data as Float32Array).map((h) => h / Math.LN2), max: out.max.data as Float32Array };
}
