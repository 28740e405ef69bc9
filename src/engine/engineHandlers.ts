import './telemetryOff';
import * as ort from 'onnxruntime-node';
import { LanguageModels } from './languageModels';
import { InstrumentedModels, defaultCacheDir } from './instrumentedModels';
import { nextTokenHandlers } from './features/nextToken/nextToken';
import { surprisalHandlers } from './features/surprisal/surprisal';
import { attentionHandlers } from './features/attention/attention';
import { lensHandlers } from './features/lens/lens';
import { inductionHandlers } from './features/induction/induction';
import { dilutionHandlers } from './features/dilution/dilution';
import { exportHandlers } from './features/export/exportActivations';
import { probeHandlers } from './features/probes/probeHandlers';
import { projectorHandlers } from './features/projector/projectorHandlers';
import { modelInfoHandlers } from './features/modelInfo/modelInfo';
import { baselineHandlers } from './features/baselines/baselines';
import { interventionHandlers } from './features/interventions/interventions';
import { visionHandlers } from './features/vision/vision';
import { audioHandlers } from './features/audio/audioHandlers';
import { ProbeRuns } from './features/probes/probeRuns';
import { futureHandlers } from './features/futureTokens/futureHandlers';
import { checkpointHandlers } from './features/checkpoints/checkpointHandlers';
import { crossModalHandlers } from './features/crossModal/crossModalHandlers';
import { VisionModels } from './features/vision/visionModels';
import { AudioModels } from './features/audio/audioModels';
import { validators, withValidation } from './validateParams';
import { queueHeavy, RequestQueue } from './requestQueue';
import type { Handlers } from '../protocol/rpc';
import type { EngineApi, EngineSettings } from '../protocol/engine';

export const DEFAULT_SETTINGS: EngineSettings = { provider: 'auto', threads: 0 };
/** Heavy requests running at once; the rest wait their turn (memory grows with each running one). */
const HEAVY_AT_ONCE = 2;
/**
 * After this long without a heavy request the engine drops its kept runs and releases its
 * sessions, so an editor left open gives the memory back; the next request loads the model again
 * (and a panel's click on an old run says to run it again).
 */
export const IDLE_RELEASE_MS = 5 * 60 * 1000;

export interface EngineOptions {
  /** how long without a heavy request before the idle release (default IDLE_RELEASE_MS) */
  idleMs?: number;
  /** runs a full garbage collection after the idle release (the engine process has one; see main.ts) */
  collectGarbage?: () => void;
}

/**
 * The engine's API as plain async functions, each behind its params' validator, the heavy ones
 * taking turns. The engine process serves them over IPC; the CLI, tests and benchmarks call them
 * in-process.
 */
export function createEngineHandlers(initial: EngineSettings = DEFAULT_SETTINGS, options: EngineOptions = {}): Handlers<EngineApi> {
  let settings = validators['engine/configure'](initial);
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, settings.cacheDir ?? defaultCacheDir(), settings.threads);
  const releasers: (() => void)[] = [];
  const ctx = { models, instrumented, whenIdle: (release: () => void) => releasers.push(release) };
  const probeRuns = new ProbeRuns(); // probe/train's runs, which the projector colours by too
  // image and audio models, each loaded once for their panels and the cross-modal map alike
  const vision = new VisionModels(() => models.engineOptions, () => instrumented.cacheFolder);
  const audio = new AudioModels(() => models.engineOptions, () => instrumented.cacheFolder);
  releasers.push(() => void vision.releaseAll(), () => void audio.releaseAll());
  const releaseIdle = async () => {
    for (const release of releasers) release();
    // both caches empty at once, before any await: a request arriving meanwhile loads afresh
    await Promise.all([instrumented.releaseAll(), models.releaseAll()]);
    options.collectGarbage?.(); // nothing allocates while idle, so nothing else would collect the dropped runs
  };
  const queue = new RequestQueue(HEAVY_AT_ONCE, { ms: options.idleMs ?? IDLE_RELEASE_MS, onIdle: () => void releaseIdle() });
  return withValidation(queueHeavy({
    'engine/info': () => ({ pid: process.pid, ortVersion: ort.env.versions.node ?? 'unknown', platform: `${process.platform}-${process.arch}`, settings }),
    'engine/configure': (s) => {
      const cacheDir = s.cacheDir ?? settings.cacheDir; // no cacheDir keeps the one in use
      settings = cacheDir ? { ...s, cacheDir } : s;
      models.configure(s);
      instrumented.configure(s.cacheDir, s.threads);
      return null;
    },
    'model/load': async ({ model }) => (await models.load(model)).info,
    ...nextTokenHandlers(ctx),
    ...surprisalHandlers(ctx),
    ...attentionHandlers(ctx),
    ...lensHandlers(ctx),
    ...inductionHandlers(ctx),
    ...dilutionHandlers(ctx),
    ...exportHandlers(ctx),
    ...probeHandlers(ctx, probeRuns),
    ...projectorHandlers(ctx, probeRuns),
    ...modelInfoHandlers(ctx),
    ...baselineHandlers(ctx),
    ...interventionHandlers(ctx),
    ...visionHandlers(ctx, vision),
    ...audioHandlers(ctx, audio),
    ...futureHandlers(ctx),
    ...checkpointHandlers(ctx),
    ...crossModalHandlers(ctx, vision, audio),
  }, queue));
}
