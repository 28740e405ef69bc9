/** Runs the intervention copy of a model (instrument/interventionGraph.ts): one forward pass whose batch
 * entries each carry their own patches. Inputs are tiled along their batch axis; a graph whose shapes
 * pin batch 1 is run one entry at a time instead (the first batched failure is remembered). */
import { readFile } from 'node:fs/promises';
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { interventionModel, type InterventionResult } from '../../instrument/interventionGraph';
import { pastSlotsOfGraph, textFeeds } from '../../instrument/textFeeds';
import { toDense } from '../../instrument/fetchActivations';
import type { DenseTensor } from '../../instrument/recompute';
import { sessionOptions } from '../../sessions';
import { InputError } from '../../errors';
import type { InstrumentedLm } from '../../instrumentedModels';
import { pruneDeadNodes } from '../../instrument/pruneGraph';

/** One intervention at one hook: x' = x · scale + value at the chosen positions (and heads, for z). */
export interface Patch {
  /** TransformerLens name: blocks.{L}.hook_resid_pre | hook_attn_out | hook_mlp_out | attn.hook_z */
  point: string;
  /** positions to touch (default: all) */
  positions?: number[];
  /** z only: heads to touch (default: all) */
  heads?: number[];
  /** default 0: the value replaces the activation */
  scale?: number;
  /** [T, d_model] or, for z, [T, heads, d_head] (TransformerLens's layout); absent = 0 */
  value?: Float32Array;
}

export interface BatchOutput {
  /** [entries, vocab] logits at the last position, or [entries, T, vocab] with `allPositions` */
  logits: Float32Array;
  vocab: number;
  /** read name → [entries, ...] the tensor read (z in [entries, T, heads, d_head]) */
  reads: Map<string, DenseTensor>;
  /** with `presents`: the KV cache the run left, by past input name (batch 1) */
  presents?: Map<string, Tensor>;
}

export interface RunOptions {
  allPositions?: boolean;
  /** `ids` continue a prefix of this length whose KV cache is `past` (batch 1, tiled here) */
  prefix?: { length: number; past: ReadonlyMap<string, Tensor> };
  presents?: boolean;
}

/** what the runner needs of a model: its instrumented copy, a place for sessions, a provider (an
 * InstrumentedLm; the acceptance tier passes fixtures that have no tokenizer the same way) */
export interface IvModel {
  result: InstrumentedLm['result'];
  sessions: InstrumentedLm['sessions'];
  base: { info: { provider: InstrumentedLm['base']['info']['provider'] }; folder: { name: string }; lm: { checkIds(ids: readonly number[]): void } };
}

interface IvState { iv: InterventionResult; batchable: boolean }
const states = new WeakMap<IvModel, Promise<IvState>>();

export async function interventionsOf(m: IvModel): Promise<InterventionResult> {
  return (await stateOf(m)).iv;
}

function stateOf(m: IvModel): Promise<IvState> {
  let s = states.get(m);
  if (!s) {
    s = interventionModel(m.result).then((iv) => ({ iv, batchable: true }));
    s.catch(() => states.delete(m));
    states.set(m, s);
  }
  return s;
}

/** `work` with a lean session exposing `outputs` (onnxruntime keeps every output of a run alive), open until it ends */
function withSessionOf<T>(m: IvModel, iv: InterventionResult, outputs: string[], threads: number, work: (s: InferenceSession) => Promise<T>): Promise<T> {
  const key = `interventions|${[...outputs].sort().join('|')}`;
  const create = async () => {
    const model = onnx.ModelProto.decode(await readFile(iv.path));
    // the model's own outputs only when the full logits are read: left out, the nodes that only
    // they need go too (the unembedding of every position, when logitsLast gathers before it;
    // onnxruntime itself runs every node, needed or not)
    const keep = new Set(outputs.includes(iv.logits) ? [...outputs, ...iv.modelOutputs] : outputs);
    const graph = model.graph as onnx.GraphProto;
    graph.output = graph.output.filter((o) => keep.has(o.name ?? ''));
    pruneDeadNodes(graph);
    const opts = sessionOptions(threads);
    const given = (opts.extra ?? {}) as { session?: Record<string, unknown> };
    return InferenceSession.create(onnx.ModelProto.encode(model).finish(), {
      ...opts, enableCpuMemArena: false, executionProviders: [m.base.info.provider],
      extra: { ...given, session: { ...given.session, model_external_initializers_file_folder_path: iv.externalDataDir } },
    });
  };
  return m.sessions.use(key, create, work);
}

/** the first symbolic dimension of a declared input is its batch axis */
function batchAxis(dims: (number | string)[]): number {
  return dims.findIndex((d) => typeof d === 'string');
}

function tileFeeds(m: IvModel, feeds: Record<string, Tensor>, n: number): Record<string, Tensor> | undefined {
  if (n === 1) return feeds;
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const decl = m.result.inputs.find((i) => i.name === name);
    const axis = decl ? batchAxis(decl.dims) : -1;
    if (axis < 0) { out[name] = t; continue; }
    const dims = [...t.dims];
    if (dims[axis] !== 1) return undefined;
    dims[axis] = n;
    const data = t.data as unknown as { length: number; constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void } };
    if (data.length === 0) { out[name] = new Tensor(t.type, t.data as never, dims); continue; }
    if (axis !== 0) return undefined;
    const tiled = new data.constructor(data.length * n);
    for (let b = 0; b < n; b++) tiled.set(t.data as ArrayLike<unknown>, b * data.length);
    out[name] = new Tensor(t.type, tiled as never, dims);
  }
  return out;
}

function patchFeeds(m: IvModel, iv: InterventionResult, entries: Patch[][], T: number): Record<string, Tensor> {
  const byPoint = new Map<string, { entry: number; patch: Patch }[]>();
  entries.forEach((ps, entry) => ps.forEach((patch) => {
    if (!iv.inputs[patch.point]) {
      const why = iv.unavailable.find((u) => u.name === patch.point);
      throw new InputError(why ? `${patch.point} cannot be intervened on: ${why.reason}.` : `${patch.point} is not an intervention point of this model (known: ${Object.keys(iv.inputs).slice(0, 4).join(', ')}…).`);
    }
    byPoint.set(patch.point, [...(byPoint.get(patch.point) ?? []), { entry, patch }]);
  }));
  const B = entries.length;
  const D = m.result.architecture.dModel ?? 0;
  const H = m.result.architecture.nHeads ?? 0;
  const feeds: Record<string, Tensor> = {};
  for (const [point, list] of byPoint) {
    const isZ = point.endsWith('hook_z');
    const rows = isZ ? H : 1; // scale cells per position
    if (isZ && !H) throw new InputError(`the number of heads of ${m.base.folder.name} is unknown, so its heads cannot be ablated.`);
    const valued = list.find((l) => l.patch.value);
    const width = valued ? (valued.patch.value as Float32Array).length / (T * rows) : isZ ? 0 : D; // values per cell
    const scale = new Float32Array(B * T * rows).fill(1);
    const shift = valued ? new Float32Array(B * T * rows * width) : undefined;
    for (const { entry, patch } of list) {
      if (patch.value && patch.value.length !== T * rows * width) throw new InputError(`${point}: a patch value of ${patch.value.length} numbers does not fit ${T} positions × ${rows * width}.`);
      const positions = patch.positions ?? Array.from({ length: T }, (_, i) => i);
      const heads = isZ ? patch.heads ?? Array.from({ length: H }, (_, i) => i) : [0];
      for (const p of positions) for (const h of heads) {
        if (p < 0 || p >= T || h < 0 || h >= rows) throw new InputError(`${point}: position ${p}${isZ ? ` head ${h}` : ''} is outside the ${T} positions${isZ ? ` × ${H} heads` : ''}.`);
        const cell = (entry * T + p) * rows + h;
        scale[cell] = patch.scale ?? 0;
        if (shift && patch.value) shift.set(patch.value.subarray((p * rows + h) * width, (p * rows + h + 1) * width), cell * width);
      }
    }
    const { scale: sName, shift: aName } = iv.inputs[point];
    feeds[sName] = new Tensor('float32', scale, isZ ? [B, T, H, 1] : [B, T, 1]);
    if (shift) feeds[aName] = new Tensor('float32', shift, isZ ? [B, T, H, width] : [B, T, width]);
  }
  // the points nothing touches: x · 1 + 0
  for (const [point, { scale, shift }] of Object.entries(iv.inputs)) {
    const rank = point.endsWith('hook_z') ? 4 : 3;
    const shape = Array(rank).fill(1);
    feeds[scale] ??= new Tensor('float32', Float32Array.of(1), shape);
    feeds[shift] ??= new Tensor('float32', Float32Array.of(0), shape);
  }
  return feeds;
}

function sliceFeeds(feeds: Record<string, Tensor>, b: number, B: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) {
    if (t.dims[0] !== B || B === 1) { out[k] = t; continue; }
    const per = (t.data as Float32Array).length / B;
    out[k] = new Tensor(t.type, (t.data as Float32Array).slice(b * per, (b + 1) * per) as never, [1, ...t.dims.slice(1)]);
  }
  return out;
}

function concat(parts: DenseTensor[]): DenseTensor {
  if (parts.length === 1) return parts[0];
  const data = new Float32Array(parts.reduce((s, p) => s + p.data.length, 0));
  let o = 0;
  for (const p of parts) { data.set(p.data, o); o += p.data.length; }
  return { dims: [parts.length * parts[0].dims[0], ...parts[0].dims.slice(1)], data };
}

/**
 * One run over `ids` with one batch entry per element of `entries` (an empty list = the model's own
 * run). `reads` are hook names (or `embed` / `pos_embed`) whose values come back per entry.
 */
export async function runPatched(m: IvModel, ids: number[], entries: Patch[][], reads: string[], threads: number,
  options: RunOptions = {}): Promise<BatchOutput> {
  m.base.lm.checkIds(ids);
  const state = await stateOf(m);
  const { iv } = state;
  for (const r of reads) if (!iv.reads[r]) {
    const why = iv.unavailable.find((u) => u.name === r);
    throw new InputError(why ? `${r} cannot be read: ${why.reason}.` : `${r} is not readable in this model.`);
  }
  const logitsName = options.allPositions ? iv.logits : iv.logitsLast;
  const slots = options.presents || options.prefix ? pastSlotsOfGraph(m.result.inputs) : [];
  const outputs = [logitsName, ...reads.map((r) => iv.reads[r]), ...(options.presents ? slots.map((s) => s.present) : [])];
  const T = ids.length;
  const B = Math.max(1, entries.length);
  const base = textFeeds(m.result.inputs, ids, options.prefix?.length ?? 0, options.prefix?.past);
  const patches = patchFeeds(m, iv, entries.length ? entries : [[]], T);
  let lastFetched: InferenceSession.OnnxValueMapType | undefined;
  const collect = (fetched: InferenceSession.OnnxValueMapType): { logits: DenseTensor; reads: DenseTensor[] } => (lastFetched = fetched, {
    logits: toDense(fetched[logitsName] as Tensor),
    reads: reads.map((r) => toDense(fetched[iv.reads[r]] as Tensor)),
  });
  const parts = await withSessionOf(m, iv, outputs, threads, async (session) => {
    let got: { logits: DenseTensor; reads: DenseTensor[] }[] | undefined;
    const tiled = state.batchable ? tileFeeds(m, base, B) : undefined;
    if (tiled || B === 1) {
      try {
        got = [collect(await session.run({ ...(tiled ?? base), ...patches }, outputs))];
      } catch (error) {
        if (B === 1) throw error;
        state.batchable = false; // a graph with batch 1 baked into a Reshape: one entry at a time from now on
      }
    }
    if (!got) {
      got = [];
      for (let b = 0; b < B; b++) got.push(collect(await session.run({ ...base, ...sliceFeeds(patches, b, B) }, outputs)));
    }
    return got;
  });
  const logits = concat(parts.map((p) => p.logits));
  const vocab = logits.dims[logits.dims.length - 1];
  const out = new Map<string, DenseTensor>();
  reads.forEach((r, i) => {
    const t = concat(parts.map((p) => p.reads[i]));
    out.set(r, t);
  });
  const presents = options.presents && B === 1 ? new Map(slots.map((sl) => [sl.input, lastFetched?.[sl.present] as Tensor])) : undefined;
  return { logits: logits.data, vocab, reads: out, presents };
}
