import { viewOnlyPanel } from './resultPanel';
import type { CrossModalHostApi, CrossModalView } from '../../protocol/crossModalPanel';

export const CROSS_MODAL_VIEW_TYPE = 'tensorloupe.crossModal';

/** The Fit Cross-Modal Map panel: retrieval per source layer and the held-out classes' nearest tokens. */
export const CrossModalPanel = viewOnlyPanel<CrossModalHostApi, CrossModalView>(
  { viewType: CROSS_MODAL_VIEW_TYPE, title: 'Cross-Modal Map', bundle: 'crossModal', command: { id: 'tensorloupe.fitCrossModalMap', title: 'Tensorloupe: Fit Cross-Modal Map' } },
  (view) => `${view.result.from} → ${view.result.to}`,
);
