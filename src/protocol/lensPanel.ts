// host⇄logit-lens panel channel.
import type { LensResult, LensTargetParams, LensTargetResult } from './internals';
import type { ReadyParams, ResultPanelApi } from './panel';

export interface LensView {
  source: { fileName: string; line: number; chars: number };
  result: LensResult;
}

export type LensHostApi = {
  ready: [ReadyParams, null];
  /** rank and probability of a token across layers at one position */
  target: [LensTargetParams, LensTargetResult];
  retry: [Record<string, never>, null];
};

export type LensPanelApi = ResultPanelApi<LensView>;
