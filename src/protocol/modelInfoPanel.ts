// host⇄Model Info panel channel: the engine's report, shown as it is.
import type { ModelInfoReport } from './modelInfo';
import type { ResultHostApi, ResultPanelApi } from './panel';

export interface ModelInfoView {
  report: ModelInfoReport;
}

export type ModelInfoHostApi = ResultHostApi;
export type ModelInfoPanelApi = ResultPanelApi<ModelInfoView>;
