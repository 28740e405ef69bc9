// host⇄attention-dilution panel channel.
import type { DilutionResult } from './internals';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface DilutionView {
  source: SelectionSource;
  /** lengths measured so far (the host asks for one at a time and sends each step) */
  result: DilutionResult;
  /** every length that will be measured */
  plan: number[];
  /** no more lengths will come: the sweep finished, or it was cancelled */
  complete: boolean;
  /** the user cancelled the sweep: `result` holds the lengths measured before that */
  cancelled: boolean;
}

export type DilutionHostApi = ResultHostApi;

export type DilutionPanelApi = ResultPanelApi<DilutionView>;
