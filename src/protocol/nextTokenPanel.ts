// host⇄next-token panel channel.
import type { GenerateParams, GenerateResult, NextTokenResult, PositionParams, PositionResult } from './engine';
import type { ReadyParams, ResultPanelApi } from './panel';

export interface NextTokenView {
  /** what was inspected, for the title line */
  source: { fileName: string; line: number; chars: number };
  result: NextTokenResult;
  /** the top-k the user set (tensorloupe.topK) */
  topK: number;
}

/** Calls the host serves for this panel. */
export type NextTokenHostApi = {
  ready: [ReadyParams, null];
  position: [PositionParams, PositionResult];
  generate: [GenerateParams, GenerateResult];
  /** run the last inspection again (after an error) */
  retry: [Record<string, never>, null];
};

/** Calls the panel serves. */
export type NextTokenPanelApi = ResultPanelApi<NextTokenView>;
