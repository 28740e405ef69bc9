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
import { encodeGraph, FLOAT, INT64, KEEPDIMS_0, valueInfo as vi } from '../../smallGraphs/smallGraphs';
import type { UnembedParams } from '../../analyses/logitLens';
import type { LensRows, LogProbs } from './lensCompute';

export interface LensHead {
  /** x: [rows, d_model] final-normed residuals → log-probabilities [rows, vocab] and entropy [rows] */
  logProbs: LogProbs;
  /** the grid's per-row summaries, computed in the graph */
  rows: LensRows;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * x [n, d_model] → MatMul W [d_model, vocab] (+ b) → LogSoftmax → y [n, vocab], entropy h [n]
 * (nats) and TopK(y, k) → top_v, top_i [n, k]. `compare` takes a reference's log-probabilities
 * ref [n, vocab] as well and gives kl [n] = Σ exp(ref)·(ref − y) (nats) instead of y.
 */
export function unembedGraph(u: UnembedParams, kind: 'reference' | 'compare'): Uint8Array {
  const initializer: onnx.ITensorProto[] = [
    { name: 'w', dims: [u.dModel, u.vocab], dataType: FLOAT, rawData: bytesOf(u.weight) },
    { name: 'axes', dims: [1], dataType: INT64, int64Data: [-1] },
  ];
  const node: onnx.INodeProto[] = [{ opType: 'MatMul', input: ['x', 'w'], output: [u.bias ? 'z0' : 'z'] }];
  if (u.bias) {
    initializer.push({ name: 'b', dims: [u.vocab], dataType: FLOAT, rawData: bytesOf(u.bias) });
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

export async function createLensHead(u: UnembedParams, threads = 0): Promise<LensHead> {
  const [reference, compare] = await Promise.all([
    InferenceSession.create(unembedGraph(u, 'reference'), sessionOptions(threads)),
    InferenceSession.create(unembedGraph(u, 'compare'), sessionOptions(threads)),
  ]);
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
        const out = await compare.run({ ...feeds(x, k), ref: new Tensor('float32', refLogp, [x.length / u.dModel, u.vocab]) });
        return { ...summary(out), klBits: (out.kl.data as Float32Array).map((v) => Math.max(0, v / Math.LN2)) };
      },
    },
  };
}
