import type { InferenceSession } from 'onnxruntime-node';
import { instrumentModel } from '../../instrument/instrumentModel';
import { createInstrumentedSession } from '../../instrument/fetchActivations';
import { findLensParams, type LensParams } from '../../instrument/lensParams';
import { ModelLoadError } from '../../errors';
import { SessionCache, sessionOptions, type EngineOptions } from '../../sessions';
import { loadVisionClassifier, type VisionClassifier } from '../../runners/visionClassifier';
import type { InstrumentResult } from '../../instrument/types';

/** A vision model with what its panel needs: the instrumented graph, lean sessions and the lens's weights. */
export interface LoadedVision {
  runner: VisionClassifier;
  instrumented?: Promise<InstrumentResult>;
  sessions: Map<string, Promise<InferenceSession>>;
  lens?: Promise<LensParams | string>;
}

/** Loads and caches vision models for the vision feature; the text models' caches never see them. */
export class VisionModels {
  private readonly cache = new SessionCache<LoadedVision>(2);

  constructor(
    private readonly options: () => EngineOptions,
    private readonly cacheDir: () => string,
  ) {}

  load(model: string): Promise<LoadedVision> {
    const o = this.options();
    return this.cache.get(`${model}|${o.provider}|${o.threads}|${o.variant ?? ''}`, async () => ({ runner: await loadVisionClassifier(model, o), sessions: new Map() }));
  }

  instrumented(m: LoadedVision): Promise<InstrumentResult> {
    m.instrumented ??= instrumentModel(m.runner.folder.onnxPath, this.cacheDir()).catch((error: Error) => {
      m.instrumented = undefined;
      throw new ModelLoadError(`Could not instrument ${m.runner.name}: ${error.message}`);
    });
    return m.instrumented;
  }

  /** A session exposing only the hooks `names` need (onnxruntime keeps every output alive until a run ends). */
  async session(m: LoadedVision, names: string[]): Promise<InferenceSession> {
    const result = await this.instrumented(m);
    const key = [...names].sort().join('|');
    let s = m.sessions.get(key);
    if (!s) {
      s = createInstrumentedSession(result, { ...sessionOptions(this.options().threads), executionProviders: [m.runner.loaded.provider] }, names);
      s.catch(() => m.sessions.delete(key));
      m.sessions.set(key, s);
    }
    return s;
  }

  /** The final norm and classifier read from the graph, or why they could not be. */
  lens(m: LoadedVision): Promise<LensParams | string> {
    m.lens ??= findLensParams(m.runner.folder.onnxPath).catch((error: Error) => `the final norm and classifier were not found in the graph (${error.message})`);
    return m.lens;
  }

  releaseAll(): Promise<void> {
    return this.cache.releaseAll(async (m) => {
      for (const s of m.sessions.values()) await (await s).release().catch(() => undefined);
      m.sessions.clear();
      await m.runner.release();
    });
  }
}
