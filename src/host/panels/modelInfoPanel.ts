import { viewOnlyPanel } from './resultPanel';
import type { ModelInfoHostApi, ModelInfoView } from '../../protocol/modelInfoPanel';

export const MODEL_INFO_VIEW_TYPE = 'tensorloupe.modelInfo';

/** Model Info: what the model is, where it runs and what instrumentation found (tables only). */
export const ModelInfoPanel = viewOnlyPanel<ModelInfoHostApi, ModelInfoView>(
  { viewType: MODEL_INFO_VIEW_TYPE, title: 'Model Info', bundle: 'modelInfo', command: { id: 'tensorloupe.showModelInfo', title: 'Tensorloupe: Show Model Info' } },
  (view) => view.report.name,
);
