import { viewOnlyPanel } from './resultPanel';
import type { CheckpointsHostApi, CheckpointsView } from '../../protocol/checkpointsPanel';

export const CHECKPOINTS_VIEW_TYPE = 'tensorloupe.checkpoints';

/** The Compare Checkpoints panel: charts against the training step and a slider over the induction grid. */
export const CheckpointsPanel = viewOnlyPanel<CheckpointsHostApi, CheckpointsView>(
  { viewType: CHECKPOINTS_VIEW_TYPE, title: 'Checkpoints', bundle: 'checkpoints', command: { id: 'tensorloupe.compareCheckpoints', title: 'Tensorloupe: Compare Checkpoints' } },
  (view) => view.result.model,
);
