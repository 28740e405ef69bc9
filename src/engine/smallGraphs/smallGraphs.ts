// Scaffolding for the engine's own small onnxruntime graphs (logit statistics, probability rows,
// the lens unembedding, the attention recompute): value infos, encoding, and sessions kept per
// thread setting.
import { onnx } from 'onnx-proto';
import { InferenceSession } from 'onnxruntime-node';
import { sessionOptions } from '../sessions';

export const FLOAT = 1;
export const INT64 = 7;
/** reduce attributes */
export const KEEPDIMS_0 = [{ name: 'keepdims', type: 2, i: 0 }];

/** A graph input or output; numbers are fixed sizes, strings symbolic ones. */
export function valueInfo(name: string, dims: (number | string)[], elemType = FLOAT): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** A model around `graph` in the default domain at `opset`. */
export function encodeGraph(graph: onnx.IGraphProto, opset = 13): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph })).finish();
}

/** A float32 initializer holding `data` as raw little-endian bytes (a view: nothing is copied). */
export function floatInitializer(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * One session of the graph `build(shape)` returns per shape (named by `keyOf`) and intra-op
 * thread setting, created on first use; a failed creation is forgotten so the next call tries again.
 */
export function sessionsPerShape<S>(keyOf: (shape: S) => string, build: (shape: S) => Uint8Array): (shape: S, threads: number) => Promise<InferenceSession> {
  const sessions = new Map<string, Promise<InferenceSession>>();
  return (shape, threads) => {
    const key = `${keyOf(shape)}|${threads}`;
    let session = sessions.get(key);
    if (!session) {
      session = InferenceSession.create(build(shape), sessionOptions(threads));
      session.catch(() => sessions.delete(key));
      sessions.set(key, session);
    }
    return session;
  };
}

/** One session of the graph `build` returns per intra-op thread setting (sessionsPerShape with one shape). */
export function sessionsPerThreads(build: () => Uint8Array): (threads: number) => Promise<InferenceSession> {
  const perShape = sessionsPerShape(() => '', build);
  return (threads) => perShape(undefined, threads);
}
