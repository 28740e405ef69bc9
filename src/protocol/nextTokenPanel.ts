// host⇄next-token panel channel.
import type { GenerateParams, GenerateResult, NextTokenResult, PositionParams, PositionResult } from './engine';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface NextTokenView {
  /** what was inspected, for the title line */
  source: SelectionSource;
  result: NextTokenResult;
  /** the top-k the user set (tensorloupe.topK) */
  topK: number;
}

/** Calls the host serves for this panel. */
export type NextTokenHostApi = ResultHostApi & {
  position: [PositionParams, PositionResult];
  generate: [GenerateParams, GenerateResult];
  /** Why This Token? on a candidate after the last token (runs tensorloupe.directLogitAttribution) */
  whyToken: [{ id: number }, null];
};

/** Calls the panel serves. */
export type NextTokenPanelApi = ResultPanelApi<NextTokenView>;
