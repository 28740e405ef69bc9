// host⇄attention panel channel.
import type { AttentionHeadParams, AttentionHeadResult, AttentionSummaryResult } from './internals';
import type { ReadyParams, ResultPanelApi } from './panel';

export interface AttentionView {
  source: { fileName: string; line: number; chars: number };
  summary: AttentionSummaryResult;
}

export type AttentionHostApi = {
  ready: [ReadyParams, null];
  head: [AttentionHeadParams, AttentionHeadResult];
  retry: [Record<string, never>, null];
};

export type AttentionPanelApi = ResultPanelApi<AttentionView>;
