import './telemetryOff';
import * as ort from 'onnxruntime-node';
import { performance } from 'node:perf_hooks';
import { ModelLoadError } from './errors';
import { chooseProviders, type ProviderSetting } from './executionProviders';
import type { ModelFolder } from './modelFolder';
import { explainOrtError, ortReason } from './ortErrors';

export interface EngineOptions {
  provider: ProviderSetting;
  /** intra-op threads; 0 lets onnxruntime decide */
  threads: number;
  /** which transformers.js variant file of a folder to read (models/variants.ts) */
  variant?: import('./models/variants').Variant;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  provider: string;
  providerNote?: string;
  /** the user named a provider and did not get it, or one that was tried failed: worth a notice in panels (auto on a CPU-only machine is not) */
  providerFallback?: boolean;
  loadMs: number;
}

/**
 * Options every onnxruntime session in the engine shares. No busy-waiting worker threads: after a
 * run they would burn the user's cores while the editor sits idle, and on a 2-core machine one
 * session's spinning threads slowed the next session's run by up to a third (bench/internals.ts).
 */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
    graphOptimizationLevel: 'all',
    // errors reach the user as exceptions; onnxruntime's own log lines (coloured, with source paths) would only repeat them on stderr
    logSeverityLevel: 4,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/**
 * Creates an onnxruntime session on the best available provider, falling back to CPU and saying
 * why. Errors from onnxruntime are wrapped with the file name so the user knows what broke.
 */
export async function createSession(folder: ModelFolder, options: EngineOptions, onnxPath = folder.onnxPath): Promise<LoadedSession> {
  const { candidates, skipped } = chooseProviders(options.provider);
  const notes = skipped.map((s) => `${s.provider}: ${s.reason}`);
  let failed = false;
  const t0 = performance.now();
  let lastError: unknown;
  for (const provider of candidates) {
    try {
      const session = await ort.InferenceSession.create(onnxPath, { ...sessionOptions(options.threads), executionProviders: [provider] });
      return {
        session,
        provider,
        providerNote: notes.length > 0 ? `Running on ${provider}; ${notes.join('; ')}.` : undefined,
        providerFallback: failed || (options.provider !== 'auto' && provider !== options.provider),
        loadMs: performance.now() - t0,
      };
    } catch (error) {
      lastError = error;
      failed = provider !== 'cpu';
      if (provider !== 'cpu') notes.push(`${provider} failed to start: ${ortReason(error)}`);
    }
  }
  throw new ModelLoadError(`${explainOrtError(lastError, folder.name, `load ${onnxPath}`)}.`);
}

/** A small keyed cache so every panel shares one session per model and settings. */
export class SessionCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  constructor(
    private readonly limit = 3,
    /** told of an entry pushed out by a newer one (it may still be in use by a running request) */
    private readonly onEvict?: (entry: T) => void,
  ) {}

  get(key: string, create: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // refresh recency
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const created = create();
    created.catch(() => this.entries.delete(key)); // a failed load is retried next time
    this.entries.set(key, created);
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      const evicted = this.entries.get(oldest);
      this.entries.delete(oldest);
      if (this.onEvict) evicted?.then(this.onEvict, () => undefined);
    }
    return created;
  }

  /**
   * Empties the cache and hands each loaded entry to `release` (an idle engine gives its
   * sessions' memory back now rather than whenever the garbage collector gets to them). Only
   * when no request is running: a request may still hold an entry.
   */
  async releaseAll(release: (entry: T) => Promise<void>): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      const loaded = await entry.catch(() => undefined);
      if (loaded !== undefined) await release(loaded).catch(() => undefined);
    }
  }
}
