// The lens's unembedding as a tiny onnxruntime graph: log_softmax(x · W (+ b)). A JavaScript
// matmul of [T, d_model] × [d_model, vocab] per lens row was the lens's whole cost (5 rows × 128
// tokens × 128 × 4096 ≈ 0.34 G multiply-adds: seconds); onnxruntime's MatMul does it in
// milliseconds. The weight is encoded once into the graph; the session is kept per model.
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from '../sessions';
import type { UnembedParams } from '../analyses/logitLens';

import type { LogProbs } from './lensCompute';

export interface LensHead {
  /** x: [rows, d_model] final-normed residuals → log-probabilities [rows, vocab] and entropy [rows] */
  logProbs: LogProbs;
}

const FLOAT = 1;

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The graph: x [n, d_model] → MatMul W [d_model, vocab] → (+ b [vocab]) → LogSoftmax → y [n, vocab],
 *  and h [n] = −Σ exp(y)·y (entropy in nats), so JavaScript never takes vocab exps per row. */
export function unembedGraph(u: UnembedParams): Uint8Array {
  const initializer: onnx.ITensorProto[] = [{ name: 'w', dims: [u.dModel, u.vocab], dataType: FLOAT, rawData: bytesOf(u.weight) }];
  const node: onnx.INodeProto[] = [{ opType: 'MatMul', input: ['x', 'w'], output: [u.bias ? 'z0' : 'z'] }];
  if (u.bias) {
    initializer.push({ name: 'b', dims: [u.vocab], dataType: FLOAT, rawData: bytesOf(u.bias) });
    node.push({ opType: 'Add', input: ['z0', 'b'], output: ['z'] });
  }
  node.push(
    { opType: 'LogSoftmax', input: ['z'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: -1 }] },
    { opType: 'Exp', input: ['y'], output: ['p'] },
    { opType: 'Mul', input: ['p', 'y'], output: ['py'] },
    { opType: 'ReduceSum', input: ['py', 'axes'], output: ['negh'], attribute: [{ name: 'keepdims', type: 2, i: 0 }] },
    { opType: 'Neg', input: ['negh'], output: ['h'] },
  );
  initializer.push({ name: 'axes', dims: [1], dataType: 7, int64Data: [-1] });
  const vi = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'tensorloupe_lens_unembed', node, initializer, input: [vi('x', ['n', u.dModel])], output: [vi('y', ['n', u.vocab]), vi('h', ['n'])] },
  });
  return onnx.ModelProto.encode(model).finish();
}

export async function createLensHead(u: UnembedParams, threads = 0): Promise<LensHead> {
  const session = await InferenceSession.create(unembedGraph(u), sessionOptions(threads));
  return {
    async logProbs(x: Float32Array) {
      const rows = x.length / u.dModel;
      const out = await session.run({ x: new Tensor('float32', x, [rows, u.dModel]) }); // x: [rows, d_model]
      const h = out.h.data as Float32Array; // [rows] nats
      return { logp: out.y.data as Float32Array /* [rows, vocab] */, entropyBits: h.map((v) => v / Math.LN2) };
    },
  };
}
