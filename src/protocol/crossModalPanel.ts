// host⇄Fit Cross-Modal Map panel channel.
import type { CrossModalResult } from './crossModal';
import type { ResultHostApi, ResultPanelApi } from './panel';

export interface CrossModalView {
  result: CrossModalResult;
}

export type CrossModalHostApi = ResultHostApi;
export type CrossModalPanelApi = ResultPanelApi<CrossModalView>;
