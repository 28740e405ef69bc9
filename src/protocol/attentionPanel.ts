// host⇄attention panel channel.
import type { AttentionHeadParams, AttentionHeadResult, AttentionSummaryResult } from './internals';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface AttentionView {
  source: SelectionSource;
  summary: AttentionSummaryResult;
}

export type AttentionHostApi = ResultHostApi & {
  head: [AttentionHeadParams, AttentionHeadResult];
};

export type AttentionPanelApi = ResultPanelApi<AttentionView>;
