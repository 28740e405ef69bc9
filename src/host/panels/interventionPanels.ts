import { viewOnlyPanel } from './resultPanel';
import type { DlaHostApi, DlaView, PatchingHostApi, PatchingView } from '../../protocol/interventionPanels';

export const DLA_VIEW_TYPE = 'tensorloupe.directLogitAttribution';
export const PATCHING_VIEW_TYPE = 'tensorloupe.activationPatching';

/** Why This Token?: the logit split into embedding, heads, MLPs and bias, as sorted bars. */
export const DlaPanel = viewOnlyPanel<DlaHostApi, DlaView>(
  { viewType: DLA_VIEW_TYPE, title: 'Why This Token?', bundle: 'interventions', command: { id: 'tensorloupe.directLogitAttribution', title: 'Tensorloupe: Why This Token?' }, fromSelection: true },
  (view) => view.result.model.name,
);

/** Compare Prompts: patching heatmaps, filled layer by layer. */
export const PatchingPanel = viewOnlyPanel<PatchingHostApi, PatchingView>(
  { viewType: PATCHING_VIEW_TYPE, title: 'Compare Prompts', bundle: 'interventions', command: { id: 'tensorloupe.activationPatching', title: 'Tensorloupe: Compare Prompts (Activation Patching)' }, fromSelection: true },
  (view) => view.hooks[0]?.result.model.name ?? '',
);
