import { homedir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { instrumentModel } from '../instrument/instrumentModel';
import { createInstrumentedSession, fetchActivations, type Activations } from '../instrument/fetchActivations';
import { textFeeds } from '../instrument/textFeeds';
import { SessionCache } from '../sessions';
import type { LanguageModels, LoadedLm } from '../languageModels';
import type { InstrumentResult } from '../instrument/types';
import type { InternalsInfo } from '../../protocol/internals';
import { ModelLoadError } from '../errors';

/** Where instrumented copies go when the host does not say (CLI, tests). */
export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tensorloupe', 'instrumented');
}

/** A language model with its instrumented twin: the same weights, extra graph outputs. */
export interface InstrumentedLm {
  base: LoadedLm;
  result: InstrumentResult;
  session: InferenceSession;
  info: InternalsInfo;
}

/**
 * Instruments models on first use (cached on disk by the model's hash, in memory by path) and
 * runs them for just the hooks a caller names.
 */
export class InstrumentedModels {
  private readonly cache = new SessionCache<InstrumentedLm>(2);

  constructor(
    private readonly models: LanguageModels,
    private cacheDir: string,
    private threads: number,
  ) {}

  configure(cacheDir: string | undefined, threads: number): void {
    if (cacheDir) this.cacheDir = cacheDir;
    this.threads = threads;
  }

  async load(model: string): Promise<InstrumentedLm> {
    const base = await this.models.load(model);
    return this.cache.get(`${base.folder.onnxPath}|${this.threads}`, async () => {
      const result = await instrumentModel(base.folder.onnxPath, this.cacheDir).catch((error: Error) => {
        throw new ModelLoadError(`Could not instrument ${base.folder.name}: ${error.message}`);
      });
      const session = await createInstrumentedSession(result, {
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        ...(this.threads > 0 ? { intraOpNumThreads: this.threads } : {}),
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
      return { base, result, session, info };
    });
  }

  /** One forward pass over `ids` (batch 1) returning only the named hooks (globs allowed). */
  run(m: InstrumentedLm, ids: number[], names: string[]): Promise<Activations> {
    return fetchActivations(m.session, m.result, textFeeds(m.result.inputs, ids), names);
  }
}
