// host⇄logit-lens panel channel.
import type { LensResult, LensTargetParams, LensTargetResult } from './internals';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface LensView {
  source: SelectionSource;
  result: LensResult;
}

export type LensHostApi = ResultHostApi & {
  /** rank and probability of a token across layers at one position */
  target: [LensTargetParams, LensTargetResult];
};

export type LensPanelApi = ResultPanelApi<LensView>;
