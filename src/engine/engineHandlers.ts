import * as ort from 'onnxruntime-node';
import { LanguageModels } from './languageModels';
import { LmService } from './lmService';
import { InstrumentedModels, defaultCacheDir } from './internals/instrumentedModels';
import { attentionHandlers } from './internals/attention';
import { lensHandlers } from './internals/lens';
import { inductionHandlers } from './internals/induction';
import { dilutionHandlers } from './internals/dilution';
import { exportHandlers } from './internals/exportActivations';
import { validators, withValidation } from './validateParams';
import type { Handlers } from '../protocol/rpc';
import type { EngineApi, EngineSettings } from '../protocol/engine';

export const DEFAULT_SETTINGS: EngineSettings = { provider: 'auto', threads: 0 };

/**
 * The engine's API as plain async functions, each behind its params' validator. The engine
 * process serves them over IPC; the CLI, tests and benchmarks call them in-process.
 */
export function createEngineHandlers(initial: EngineSettings = DEFAULT_SETTINGS): Handlers<EngineApi> {
  let settings = validators['engine/configure'](initial);
  const models = new LanguageModels(settings);
  const lm = new LmService(models);
  const instrumented = new InstrumentedModels(models, settings.cacheDir ?? defaultCacheDir(), settings.threads);
  const ctx = { models, instrumented };
  return withValidation({
    'engine/info': () => ({ pid: process.pid, ortVersion: ort.env.versions.node ?? 'unknown', platform: `${process.platform}-${process.arch}`, settings }),
    'engine/configure': (s) => {
      const cacheDir = s.cacheDir ?? settings.cacheDir; // no cacheDir keeps the one in use
      settings = cacheDir ? { ...s, cacheDir } : s;
      models.configure(s);
      instrumented.configure(s.cacheDir, s.threads);
      return null;
    },
    'model/load': async ({ model }) => (await models.load(model)).info,
    'lm/nextToken': (p, signal) => lm.nextToken(p, signal),
    'lm/position': (p, signal) => lm.position(p, signal),
    'lm/generate': (p, signal) => lm.generate(p, signal),
    'lm/surprisal': (p, signal) => lm.surprisal(p, signal),
    ...attentionHandlers(ctx),
    ...lensHandlers(ctx),
    ...inductionHandlers(ctx),
    ...dilutionHandlers(ctx),
    ...exportHandlers(ctx),
  });
}
