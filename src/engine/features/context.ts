import type { LanguageModels } from '../languageModels';
import type { InstrumentedModels } from '../instrumentedModels';
import type { Handlers } from '../../protocol/rpc';
import type { EngineApi } from '../../protocol/engine';

/** What every engine feature gets from the engine (engineHandlers.ts builds one and hands it to each). */
export interface FeatureContext {
  models: LanguageModels;
  instrumented: InstrumentedModels;
  /** registers what to drop when the engine has been idle a while (the runs a feature keeps) */
  whenIdle?(release: () => void): void;
}

/** Each feature folder serves some of the engine's methods; engineHandlers.ts spreads them together. */
export type FeatureHandlers<M extends keyof EngineApi> = Pick<Handlers<EngineApi>, M>;
