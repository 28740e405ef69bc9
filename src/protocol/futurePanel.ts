// host⇄future-token panel channel.
import type { FutureApplyResult, FutureTrainResult } from './futureTokens';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface FutureView {
  /** the corpus glob the probes trained on */
  corpus: string;
  result: FutureTrainResult;
  /** the selection's per-position guesses for t+2 … t+K, when there was a selection */
  selection?: { source: SelectionSource; view: FutureApplyResult };
}

export type FutureHostApi = ResultHostApi;
export type FuturePanelApi = ResultPanelApi<FutureView>;
