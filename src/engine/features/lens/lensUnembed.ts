// The lens's unembedding as tiny onnxruntime graphs: log_softmax(x · W (+ b)), and what the grid
// keeps of it. A JavaScript matmul of [T, d_model] × [d_model, vocab] per lens row was the lens's
// whole cost (5 rows × 128 tokens × 128 × 4096 ≈ 0.34 G multiply-adds: seconds); onnxruntime's
// MatMul does it in milliseconds. Then top-k and KL over the vocabulary took JavaScript 120 ms at
// 512 tokens, so they run in the graph too and only [rows, k] comes out, except for the reference
// row whose log-probabilities the other rows are compared with. The weight is encoded once into
// each graph; the sessions are kept per model.
import type { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from '../../sessions';
import { encodeGraph, floatInitializer, INT64, KEEPDIMS_0, valueInfo as vi } from '../../smallGraphs/smallGraphs';
import type { UnembedParams } from '../../analyses/logitLens';
import type { LensRows, LogProbs } from './lensCompute';

export interface LensHead {
  /** x: [rows, d_model] final-normed residuals → log-probabilities [rows, vocab] and entropy [rows] */
  logProbs: LogProbs;
  /** the grid's per-row summaries, computed in the graph */
  rows: LensRows;
}

/**
 * x [n, d_model] → MatMul W [d_model, vocab] (+ b) → LogSoftmax → y [n, vocab], entropy h [n]
 * (nats) and TopK(y, k) → top_v, top_i [n, k]. `compare` takes a reference's log-probabilities
 * ref [n, vocab] as well and gives kl [n] = Σ exp(ref)·(ref − y) (nats) instead of y.
 */
export function unembedGraph(u: UnembedParams, kind: 'reference' | 'compare'): Uint8Array {
  const initializer: onnx.ITensorProto[] = [
    floatInitializer('w', [u.dModel, u.vocab], u.weight),
    { name: 'axes', dims: [1], dataType: INT64, int64Data: [-1] },
  ];
  const node: onnx.INodeProto[] = [{ opType: 'MatMul', input: ['x', 'w'], output: [u.bias ? 'z0' : 'z'] }];
  if (u.bias) {
    initializer.push(floatInitializer('b', [u.vocab], u.bias));
    node.push({ opType: 'Add', input: ['z0', 'b'], output: ['z'] });
  }
  node.push(
    { opType: 'LogSoftmax', input: ['z'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: -1 }] },
    { opType: 'Exp', input: ['y'], output: ['p'] },
    { opType: 'Mul', input: ['p', 'y'], output: ['py'] },
    { opType: 'ReduceSum', input: ['py', 'axes'], output: ['negh'], attribute: KEEPDIMS_0 },
    { opType: 'Neg', input: ['negh'], output: ['h'] },
    // ties: the lower id first, as topKIndices does
    { opType: 'TopK', input: ['y', 'k'], output: ['top_v', 'top_i'], attribute: [{ name: 'axis', type: 2, i: -1 }, { name: 'largest', type: 2, i: 1 }, { name: 'sorted', type: 2, i: 1 }] },
  );
  if (kind === 'compare') {
    node.push(
      { opType: 'Exp', input: ['ref'], output: ['pr'] },
      { opType: 'Sub', input: ['ref', 'y'], output: ['gap'] },
      { opType: 'Mul', input: ['pr', 'gap'], output: ['kl_terms'] },
      { opType: 'ReduceSum', input: ['kl_terms', 'axes'], output: ['kl'], attribute: KEEPDIMS_0 },
    );
  }
  const input = [vi('x', ['n', u.dModel]), vi('k', [1], INT64), ...(kind === 'compare' ? [vi('ref', ['n', u.vocab])] : [])];
  const top = [vi('top_v', ['n', 'k']), vi('top_i', ['n', 'k'], INT64)];
  const output = kind === 'compare' ? [vi('h', ['n']), ...top, vi('kl', ['n'])] : [vi('y', ['n', u.vocab]), vi('h', ['n']), ...top];
  return encodeGraph({ name: `tensorloupe_lens_${kind}`, node, initializer, input, output });
}

/**
 * Every lens row of a chunk at once, in two graphs. The unembedding: x [n, d_model] → z = x·W (+ b)
 * [n, V], the weight read once per chunk of positions (it was once per row). Then, one position at
 * a time, z [L, 1, V] (that position's rows, layers first) → with m = max z, xm = z − m,
 * e = exp(xm), s = Σ e (one exp pass, as smallGraphs/logitStats):
 *   h = log s − Σ e·xm / s (nats, two non-negative terms), top-k of z (the order of log p) with
 *   log p = z − m − log s, and KL(ref ‖ row) = Σ p_ref·xm_ref − log s_ref − Σ p_ref·xm + log s
 *   where ref = the last layer (the reference's exp once, not once per compared row).
 * Why split: in one graph over [L, P, V] (13 × 12 × 50,257 floats at GPT-2 small) each of the ~12
 * element-wise steps wrote a 31 MB intermediate that streamed through memory; one position's
 * [13, 1, 50,257] (2.6 MB) stays in the CPU's cache from one step to the next. z's hand-over
 * between the graphs costs less than that (see the commit's figures).
 */
export function unembedOnlyGraph(u: UnembedParams): Uint8Array {
  const initializer: onnx.ITensorProto[] = [floatInitializer('w', [u.dModel, u.vocab], u.weight)];
  const node: onnx.INodeProto[] = [{ opType: 'MatMul', input: ['x', 'w'], output: [u.bias ? 'z0' : 'z'] }];
  if (u.bias) {
    initializer.push(floatInitializer('b', [u.vocab], u.bias));
    node.push({ opType: 'Add', input: ['z0', 'b'], output: ['z'] });
  }
  return encodeGraph({ name: 'tensorloupe_lens_unembed', node, initializer, input: [vi('x', ['n', u.dModel])], output: [vi('z', ['n', u.vocab])] });
}

export function gridStatsGraph(): Uint8Array {
  const ints = (name: string, values: number[]): onnx.ITensorProto => ({ name, dims: [values.length], dataType: INT64, int64Data: values });
  const initializer: onnx.ITensorProto[] = [ints('axes', [-1]), ints('last', [-1]), ints('end', [2 ** 31 - 1]), ints('axis0', [0])];
  const keep = [{ name: 'keepdims', type: 2, i: 1 }];
  const node: onnx.INodeProto[] = [
    { opType: 'ReduceMax', input: ['z'], output: ['m'], attribute: [{ name: 'axes', type: 7, ints: [-1] }, ...keep] }, // [L, P, 1]
    { opType: 'Sub', input: ['z', 'm'], output: ['xm'] },
    { opType: 'Exp', input: ['xm'], output: ['e'] },
    { opType: 'ReduceSum', input: ['e', 'axes'], output: ['s'], attribute: keep },
    { opType: 'Log', input: ['s'], output: ['log_s'] },
    { opType: 'Mul', input: ['e', 'xm'], output: ['exm'] },
    { opType: 'ReduceSum', input: ['exm', 'axes'], output: ['sum_exm'], attribute: keep },
    { opType: 'Div', input: ['sum_exm', 's'], output: ['mean_xm'] },
    { opType: 'Sub', input: ['log_s', 'mean_xm'], output: ['h'] }, // [L, P, 1]
    // ties: the lower id first, as topKIndices does
    { opType: 'TopK', input: ['z', 'k'], output: ['top_z', 'top_i'], attribute: [{ name: 'axis', type: 2, i: -1 }, { name: 'largest', type: 2, i: 1 }, { name: 'sorted', type: 2, i: 1 }] },
    { opType: 'Add', input: ['m', 'log_s'], output: ['lse'] },
    { opType: 'Sub', input: ['top_z', 'lse'], output: ['top_v'] }, // [L, P, k]
    // the reference: the last layer's rows
    { opType: 'Slice', input: ['xm', 'last', 'end', 'axis0'], output: ['xm_ref'] }, // [1, P, V]
    { opType: 'Slice', input: ['e', 'last', 'end', 'axis0'], output: ['e_ref'] },
    { opType: 'Slice', input: ['s', 'last', 'end', 'axis0'], output: ['s_ref'] }, // [1, P, 1]
    { opType: 'Slice', input: ['log_s', 'last', 'end', 'axis0'], output: ['log_s_ref'] },
    { opType: 'Div', input: ['e_ref', 's_ref'], output: ['p_ref'] },
    { opType: 'Mul', input: ['p_ref', 'xm_ref'], output: ['pxm_ref'] },
    { opType: 'ReduceSum', input: ['pxm_ref', 'axes'], output: ['a_ref'], attribute: keep }, // [1, P, 1]
    { opType: 'Mul', input: ['p_ref', 'xm'], output: ['pxm'] }, // [L, P, V]
    { opType: 'ReduceSum', input: ['pxm', 'axes'], output: ['b_dot'], attribute: keep }, // [L, P, 1]
    { opType: 'Sub', input: ['a_ref', 'log_s_ref'], output: ['c_ref'] },
    { opType: 'Sub', input: ['c_ref', 'b_dot'], output: ['kl0'] },
    { opType: 'Add', input: ['kl0', 'log_s'], output: ['kl'] }, // [L, P, 1]
  ];
  return encodeGraph({
    name: 'tensorloupe_lens_grid_stats',
    node,
    initializer,
    input: [vi('z', ['L', 'P', 'V']), vi('k', [1], INT64)],
    output: [vi('h', ['L', 'P', 1]), vi('top_v', ['L', 'P', 'k']), vi('top_i', ['L', 'P', 'k'], INT64), vi('kl', ['L', 'P', 1])],
  });
}

export async function createLensHead(u: UnembedParams, threads = 0): Promise<LensHead> {
  const [reference, unembedOnly, gridStats] = await Promise.all([
    InferenceSession.create(unembedGraph(u, 'reference'), sessionOptions(threads)),
    InferenceSession.create(unembedOnlyGraph(u), sessionOptions(threads)),
    InferenceSession.create(gridStatsGraph(), sessionOptions(threads)),
  ]);
  // the grid graph does the engine's compares; this session (another copy of the unembedding:
  // 154 MB at GPT-2 small, twice with onnxruntime's) exists only if a caller asks for rows.compare
  let compareSession: Promise<InferenceSession> | undefined;
  const compareOnce = () => (compareSession ??= InferenceSession.create(unembedGraph(u, 'compare'), sessionOptions(threads)));
  const feeds = (x: Float32Array, k: number): Record<string, Tensor> => ({
    x: new Tensor('float32', x, [x.length / u.dModel, u.dModel]), // [rows, d_model]
    k: new Tensor('int64', BigInt64Array.from([BigInt(Math.max(1, Math.min(k, u.vocab)))]), [1]),
  });
  const summary = (out: InferenceSession.OnnxValueMapType) => ({
    entropyBits: (out.h.data as Float32Array).map((v) => v / Math.LN2), // [rows]
    topIds: Int32Array.from(out.top_i.data as BigInt64Array, Number), // [rows, k]
    topLogp: out.top_v.data as Float32Array, // [rows, k]
  });
  const runReference = async (x: Float32Array, k: number) => {
    const out = await reference.run(feeds(x, k));
    return { ...summary(out), logp: out.y.data as Float32Array /* [rows, vocab] */ };
  };
  return {
    async logProbs(x) {
      const { logp, entropyBits } = await runReference(x, 1);
      return { logp, entropyBits };
    },
    rows: {
      reference: runReference,
      async compare(x, refLogp, k) {
        const out = await (await compareOnce()).run({ ...feeds(x, k), ref: new Tensor('float32', refLogp, [x.length / u.dModel, u.vocab]) });
        return { ...summary(out), klBits: (out.kl.data as Float32Array).map((v) => Math.max(0, v / Math.LN2)) };
      },
      async grid(x, layers, k) {
        const d = u.dModel;
        const V = u.vocab;
        const P = x.length / d / layers;
        // x [L, P, d] → [P, L, d], so that each position's rows of z are contiguous: [L, 1, V]
        const xt = new Float32Array(x.length);
        for (let l = 0; l < layers; l++) for (let p = 0; p < P; p++) xt.set(x.subarray((l * P + p) * d, (l * P + p + 1) * d), (p * layers + l) * d);
        const z = (await unembedOnly.run({ x: new Tensor('float32', xt, [P * layers, d]) })).z.data as Float32Array; // [P, L, V]
        const kT = feeds(x.subarray(0, d), k).k;
        const kk = Number(kT.data[0]);
        const entropyBits = new Float32Array(layers * P);
        const klBits = new Float32Array(layers * P);
        const topIds = new Int32Array(layers * P * kk);
        const topLogp = new Float32Array(layers * P * kk);
        for (let p = 0; p < P; p++) {
          const out = await gridStats.run({ z: new Tensor('float32', z.subarray(p * layers * V, (p + 1) * layers * V), [layers, 1, V]), k: kT });
          const h = out.h.data as Float32Array;
          const kl = out.kl.data as Float32Array;
          const ti = out.top_i.data as BigInt64Array;
          const tv = out.top_v.data as Float32Array;
          for (let l = 0; l < layers; l++) {
            const at = l * P + p; // [L, P] as the callers read it
            entropyBits[at] = h[l] / Math.LN2;
            klBits[at] = Math.max(0, kl[l] / Math.LN2);
            for (let j = 0; j < kk; j++) {
              topIds[at * kk + j] = Number(ti[l * kk + j]);
              topLogp[at * kk + j] = tv[l * kk + j];
            }
          }
        }
        return { entropyBits, topIds, topLogp, klBits };
      },
    },
  };
}
