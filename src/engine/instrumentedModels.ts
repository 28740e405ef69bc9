import { homedir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { instrumentModel } from './instrument/instrumentModel';
import { createInstrumentedSession, fetchActivations, outputsFor, toDense, type Activations, type GraphExtension } from './instrument/fetchActivations';
import { resolveHooks } from './instrument/hookNames';
import { pastSlotsOfGraph, textFeeds } from './instrument/textFeeds';
import { SessionCache, sessionOptions } from './sessions';
import type { LanguageModels, LoadedLm } from './languageModels';
import type { InstrumentResult } from './instrument/types';
import type { InternalsInfo } from '../protocol/internals';
import { ModelLoadError } from './errors';
import { LeanSessions, weightBytes } from './leanSessions';
import { explainOrtError } from './ortErrors';
import { RpcError } from '../protocol/rpc';
import { InstrumentError } from './instrument/errors';

/** Where instrumented copies go when the host does not say (CLI, tests). */
export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tensorloupe', 'instrumented');
}

/** A language model with its instrumented twin: the same weights, extra graph outputs. */
export interface InstrumentedLm {
  base: LoadedLm;
  result: InstrumentResult;
  info: InternalsInfo;
  /** lean sessions keyed by the hook names they expose (onnxruntime keeps every graph output of
   *  a run alive until it ends, so a session exposes only what its feature reads), within a budget */
  sessions: LeanSessions;
}

/**
 * Instruments models on first use (cached on disk by the model's hash, in memory by path) and
 * runs them for just the hooks a caller names.
 */
export class InstrumentedModels {
  /** a model pushed out gives its lean sessions back (each as soon as no run holds it) */
  private readonly cache = new SessionCache<InstrumentedLm>(2, (m) => m.sessions.evictAll());

  constructor(
    private readonly models: LanguageModels,
    private cacheDir: string,
    private threads: number,
  ) {}

  configure(cacheDir: string | undefined, threads: number): void {
    if (cacheDir) this.cacheDir = cacheDir;
    this.threads = threads;
  }

  /** intra-op threads the instrumented sessions use (the intervention copy's sessions too) */
  get threadCount(): number {
    return this.threads;
  }

  /** where instrumented copies are cached (Model Info instruments into the same folder) */
  get cacheFolder(): string {
    return this.cacheDir;
  }

  /** Releases every lean session (the engine is idle); the next request opens them again. */
  releaseAll(): Promise<void> {
    return this.cache.releaseAll((m) => m.sessions.releaseAll());
  }

  async load(model: string): Promise<InstrumentedLm> {
    const base = await this.models.load(model);
    return this.cache.get(`${base.folder.onnxPath}|${this.threads}`, async () => {
      const result = await instrumentModel(base.folder.onnxPath, this.cacheDir).catch((error: Error) => {
        throw new ModelLoadError(`Could not instrument ${base.folder.name}: ${error.message}`);
      });
      const recomputedLayers = [...new Set(result.hooks.filter((h) => h.recomputed && h.layer !== undefined).map((h) => h.layer as number))];
      const info: InternalsInfo = {
        nLayers: result.architecture.nLayers,
        nHeads: result.architecture.nHeads ?? 0,
        dModel: result.architecture.dModel,
        fusedAttention: result.architecture.fusedAttention,
        recomputedLayers,
        unavailable: result.unavailable,
        instrumentMs: result.timing.ms,
        cached: result.timing.cached,
      };
      return { base, result, info, sessions: new LeanSessions(weightBytes(base.folder.onnxPath)) };
    });
  }

  /** One forward pass over `ids` (batch 1) returning only the named hooks (globs allowed). */
  async run(m: InstrumentedLm, ids: number[], names: string[]): Promise<Activations> {
    m.base.lm.checkIds(ids);
    return this.withSession(m, names, undefined, (s) => fetchActivations(s, m.result, textFeeds(m.result.inputs, ids), names)).catch(ortFailure(m));
  }

  /**
   * One pass over `ids` (batch 1) of the lean session for `names` and `extension` (withSession), with `extra` feeds beside the text's; the outputs `fetches`.
   * `past`: the KV cache of the `past.length` tokens before `ids` (a chunk of a longer input: fetch the `present.*` outputs to go on).
   */
  async runExtended(m: InstrumentedLm, ids: number[], names: string[], extension: { key: string; extend: GraphExtension }, extra: Record<string, Tensor>, fetches: string[],
    past?: { length: number; tensors: ReadonlyMap<string, Tensor> }): Promise<Record<string, Tensor>> {
    m.base.lm.checkIds(ids);
    const feeds = { ...textFeeds(m.result.inputs, ids, past?.length ?? 0, past?.tensors), ...extra };
    return this.withSession(m, names, extension, (s) => s.run(feeds, fetches)).catch(ortFailure(m));
  }

  /**
   * Long inputs in chunks through the model's own KV cache: each chunk's attention rows are
   * [chunk, keys so far], so peak memory grows with chunk × T instead of T². `onChunk` receives
   * the hooks for rows [start, end). Models whose maps are recomputed from a fused op, or that
   * have no KV-cache inputs, run in one piece.
   */
  async runChunked(m: InstrumentedLm, ids: number[], names: string[], chunk: number, onChunk: (acts: Activations, start: number, end: number) => void | Promise<void>): Promise<void> {
    const hooks = resolveHooks(m.result, names);
    const slots = pastSlotsOfGraph(m.result.inputs);
    if (ids.length <= chunk || slots.length === 0 || hooks.some((h) => h.recomputed)) {
      await onChunk(await this.run(m, ids, names), 0, ids.length);
      return;
    }
    m.base.lm.checkIds(ids);
    const outputs = outputsFor(m.result, names);
    await this.withSession(m, names, undefined, async (session) => {
      let past = new Map<string, Tensor>();
      for (let start = 0; start < ids.length; start += chunk) {
        const end = Math.min(ids.length, start + chunk);
        const feeds = textFeeds(m.result.inputs, ids.slice(start, end), start, past);
        const fetched = await session.run(feeds, [...outputs, ...slots.map((s) => s.present)]).catch(ortFailure(m));
        const acts: Activations = new Map();
        for (const h of hooks) acts.set(h.name, toDense(fetched[h.onnxName]));
        past = new Map(slots.map((s) => [s.input, fetched[s.present]]));
        await onChunk(acts, start, end);
      }
    });
  }

  /** The lean session for `names`, not leased (LeanSessions may release it once others push it out): for benches that time runs of their own. */
  sessionFor(m: InstrumentedLm, names: string[]): Promise<InferenceSession> {
    return this.withSession(m, names, undefined, async (s) => s);
  }

  /**
   * `work` with the lean session that exposes the hooks `names` and, of the model's own outputs,
   * only the KV cache (runChunked hands it from chunk to chunk): these sessions are read for hooks
   * only, so the logits and the unembedding behind them are left out of the graph. `extension`
   * rewrites the graph further (a feature's own reductions in the graph), its key naming the
   * session. The session stays open until `work` ends (LeanSessions may release it after).
   */
  private withSession<T>(m: InstrumentedLm, names: string[], extension: { key: string; extend: GraphExtension } | undefined, work: (s: InferenceSession) => Promise<T>): Promise<T> {
    const key = [...names].sort().join('|') + (extension ? `|${extension.key}` : '');
    const create = () =>
      createInstrumentedSession(
        m.result,
        // onnxruntime's arena on: without it every tensor was a malloc of its own, and glibc's heap kept
        // the fragments (peak RSS over the loaded model, fresh process: gpt2-small attention at 512
        // tokens +647 → +206 MB, 1,024 +878 → +531; llama-100m 512 +587 → +187; the lens at 512
        // +255 → +181 MB and 929 → 599–619 ms). On the provider the model itself got (it started there),
        // so every session of a model runs in one place.
        { ...sessionOptions(this.threads), executionProviders: [m.base.info.provider] },
        names,
        pastSlotsOfGraph(m.result.inputs).map((s) => s.present),
        extension?.extend,
      ).catch(ortFailure(m));
    return m.sessions.use(key, create, work);
  }
}

/** onnxruntime's failures as one line naming the model; our own errors pass through as they are. */
function ortFailure(m: InstrumentedLm): (error: unknown) => never {
  return (error) => {
    if (error instanceof RpcError || error instanceof InstrumentError) throw error;
    throw new ModelLoadError(`${explainOrtError(error, m.base.folder.name)}.`);
  };
}
