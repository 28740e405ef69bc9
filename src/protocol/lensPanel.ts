// host⇄logit-lens panel channel.
import type { LensPageParams, LensPageResult, LensResult, LensTargetParams, LensTargetResult } from './internals';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface LensView {
  source: SelectionSource;
  result: LensResult;
}

export type LensHostApi = ResultHostApi & {
  /** rank and probability of a token across layers at one position */
  target: [LensTargetParams, LensTargetResult];
  /** more positions of the run (the panel gets the columns it shows first, then the rest of a page) */
  page: [LensPageParams, LensPageResult];
};

export type LensPanelApi = ResultPanelApi<LensView>;
