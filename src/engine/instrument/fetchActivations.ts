/** Run an instrumented session for a subset of hooks. Only the ONNX outputs those hooks need are
 * fetched (session.run's fetches), and fused-attention patterns are recomputed from Q and K. */
import { readFile } from 'node:fs/promises';
import { onnx } from 'onnx-proto';
import { InferenceSession } from 'onnxruntime-node';
import type { Tensor } from 'onnxruntime-node';
import { InstrumentError } from './errors.js';
import { resolveHooks } from './hookNames.js';
import { recomputeInputs } from './instrumentModel.js';
import { recomputePatternNative } from './recomputeNative.js';
import type { DenseTensor } from './recompute.js';
import { float16ToFloat32 } from '../../util/float16';
import { slicePattern } from './patternSlice.js';
import { pruneDeadNodes } from './pruneGraph.js';
import type { PatternSelection } from './patternSlice.js';
import type { HookInfo, InstrumentResult } from './types.js';

/** the ONNX outputs that the hooks `names` need (globs allowed) */
export function outputsFor(result: InstrumentResult, names: string[]): string[] {
  const out = new Set<string>();
  for (const h of resolveHooks(result, names)) for (const n of h.recomputed ? recomputeInputs(h.recomputed) : [h.onnxName]) {
    if (!(n in result.constants) && !result.inputs.some((i) => i.name === n)) out.add(n);
  }
  return [...out];
}

/** Rewrites a lean graph before it is pruned (nodes, inputs and outputs of its own): see patternSummaryGraph.ts. */
export type GraphExtension = (model: onnx.IModelProto) => void;

/**
 * The instrumented graph with only the outputs in `keep` plus the model's own outputs
 * (`modelOutputs`: which of them; all by default).
 */
function leanGraph(bytes: Uint8Array, result: InstrumentResult, keep: Set<string>, modelOutputs: readonly string[] = result.modelOutputs, extend?: GraphExtension): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const added = new Set(result.hooks.flatMap((h) => (h.recomputed ? recomputeInputs(h.recomputed) : [h.onnxName])));
  const graph = model.graph as onnx.GraphProto;
  graph.output = graph.output.filter((o) => {
    const name = o.name ?? '';
    return keep.has(name) || (!added.has(name) && !result.modelOutputs.includes(name)) || modelOutputs.includes(name);
  });
  extend?.(model);
  pruneDeadNodes(graph);
  return onnx.ModelProto.encode(model).finish();
}

/** Open the instrumented graph; its weights are external data read from the user's model folder.
 * With `names`, the session exposes only the outputs those hooks need: ORT keeps every graph output
 * alive until a run ends (requested or not), so a lean session is what bounds memory at long inputs
 * (the code LM at 2048 tokens stays near +170 MB: `npm run bench -- internals`). Without `names`, every hook is available.
 * `modelOutputs`: which of the model's own outputs stay (all unless said). One left out takes the
 * nodes only it needs with it (pruneDeadNodes): without `logits`, the unembedding
 * of every position, a third of a GPT-2-small forward at 50,257 ids, is not computed for a
 * reader of hooks that never looks at it. */
export async function createInstrumentedSession(result: InstrumentResult, options: InferenceSession.SessionOptions = {},
  names?: string[], modelOutputs?: readonly string[], extend?: GraphExtension): Promise<InferenceSession> {
  const full = await readFile(result.instrumentedPath);
  const bytes = names ? leanGraph(full, result, new Set(outputsFor(result, names)), modelOutputs, extend) : full;
  const given = (options.extra ?? {}) as { session?: Record<string, unknown> };
  const extra = { ...given, session: { ...given.session, model_external_initializers_file_folder_path: result.externalDataDir } };
  return InferenceSession.create(bytes, { ...options, extra });
}

export function toDense(t: Tensor): DenseTensor {
  const dims = [...t.dims];
  const d = t.data;
  if (d instanceof Float32Array) return { dims, data: d };
  if (t.type === 'float16' && d instanceof Uint16Array) return { dims, data: float16ToFloat32(d) };
  if (d instanceof BigInt64Array) return { dims, data: Float32Array.from(d, Number) };
  if (d instanceof Int32Array || d instanceof Uint8Array || d instanceof Float64Array || d instanceof Int8Array) return { dims, data: Float32Array.from(d) };
  throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `tensor of type ${t.type} cannot be read as float32`);
}

function batchOf(feeds: Record<string, Tensor>): number {
  const first = Object.values(feeds).find((t) => t.dims.length >= 2);
  return first ? first.dims[0] : 1;
}

export type Activations = Map<string, { dims: number[]; data: Float32Array }>;

/** `select` cuts every pattern to some heads / query rows (recomputed ones compute only those) */
export async function fetchActivations(session: InferenceSession, result: InstrumentResult, feeds: Record<string, Tensor>,
  names: string[], select: PatternSelection = {}): Promise<Activations> {
  const hooks = resolveHooks(result, names);
  const needed = new Set<string>();
  for (const h of hooks) for (const n of h.recomputed ? recomputeInputs(h.recomputed) : [h.onnxName]) {
    if (!(n in feeds) && !(n in result.constants)) needed.add(n);
  }
  const fetched = needed.size ? await session.run(feeds, [...needed]) : {};
  const get = (name: string | undefined): DenseTensor | undefined => {
    if (!name) return undefined;
    const c = result.constants[name];
    if (c) return { dims: c.dims, data: Float32Array.from(c.data) };
    const t = fetched[name] ?? feeds[name];
    return t ? toDense(t) : undefined;
  };
  const out: Activations = new Map();
  const batch = batchOf(feeds);
  for (const h of hooks) out.set(h.name, await readHook(h, get, batch, select));
  return out;
}

async function readHook(h: HookInfo, get: (n: string | undefined) => DenseTensor | undefined, batch: number, select: PatternSelection): Promise<DenseTensor> {
  const spec = h.recomputed;
  if (spec) {
    const q = get(spec.q.onnxName);
    const k = get(spec.k.onnxName);
    if (!q || !k) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `${h.name}: Q or K was not produced by the run`);
    const past = get(spec.pastKey);
    // past key is [batch, kv_heads, past_len, head_dim] (or packed [2, batch, heads, past_len, head_dim])
    const pastLength = past ? past.dims[past.dims.length - 2] : 0;
    return recomputePatternNative(spec, {
      q, k, pastLength,
      keyPaddingMask: get(spec.keyPaddingMask),
      attentionBias: get(spec.attentionBias),
      seqlensK: get(spec.seqlensK),
      cos: get(spec.rotary?.cos),
      sin: get(spec.rotary?.sin),
      positionIds: get(spec.rotary?.positionIds),
    }, select);
  }
  const t = get(h.onnxName);
  if (!t) throw new InstrumentError('HOOK_UNKNOWN', `${h.name} (${h.onnxName}) was not produced by the run`);
  // fairseq-style exports keep scores as [batch * head, q, k]
  if (h.kind !== 'pattern') return t;
  const bhqk = t.dims.length === 3 ? { dims: [batch, t.dims[0] / batch, t.dims[1], t.dims[2]], data: t.data } : t;
  return slicePattern(bhqk, select);
}
