// host⇄Compare Checkpoints panel channel.
import type { CheckpointsResult } from './checkpoints';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface CheckpointsView {
  result: CheckpointsResult;
  /** the selection the ICL score and CKA read, when there was one */
  source?: SelectionSource;
}

export type CheckpointsHostApi = ResultHostApi;
export type CheckpointsPanelApi = ResultPanelApi<CheckpointsView>;
