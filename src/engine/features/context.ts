import type { LanguageModels } from '../languageModels';
import type { InstrumentedModels } from '../instrumentedModels';
import type { Handlers } from '../../protocol/rpc';
import type { EngineApi } from '../../protocol/engine';

/**
 * What every engine feature gets from the engine (engineHandlers.ts builds one and hands it to each).
 * What belongs to one call comes with the call instead: a handler's second argument carries its
 * cancel and its `progress` (report through RequestProgress in ../progress.ts, at the points where
 * it checks for a cancel), so nothing here is per request.
 */
export interface FeatureContext {
  models: LanguageModels;
  instrumented: InstrumentedModels;
  /** registers what to drop when the engine has been idle a while (the runs a feature keeps) */
  whenIdle?(release: () => void): void;
}

/** Each feature folder serves some of the engine's methods; engineHandlers.ts spreads them together. */
export type FeatureHandlers<M extends keyof EngineApi> = Pick<Handlers<EngineApi>, M>;
