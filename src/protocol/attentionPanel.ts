// host⇄attention panel channel.
import type { AttentionHeadParams, AttentionHeadResult, AttentionSummaryResult } from './internals';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';
import type { AblationSummary, AblationRequest } from './ablationPanel';

export interface AttentionView {
  source: SelectionSource;
  summary: AttentionSummaryResult;
}

export type AttentionHostApi = ResultHostApi & {
  head: [AttentionHeadParams, AttentionHeadResult];
  /** ablate heads on the panel's text; the host highlights the tokens whose loss moved most */
  ablate: [AblationRequest, AblationSummary];
};

export type AttentionPanelApi = ResultPanelApi<AttentionView>;
