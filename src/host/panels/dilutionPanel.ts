import { viewOnlyPanel } from './resultPanel';
import type { DilutionHostApi, DilutionView } from '../../protocol/dilutionPanel';

export const DILUTION_VIEW_TYPE = 'tensorloupe.dilution';

/** The attention-dilution panel: per-layer curves against prefix length, drawn as lengths arrive. */
export const DilutionPanel = viewOnlyPanel<DilutionHostApi, DilutionView>(
  { viewType: DILUTION_VIEW_TYPE, title: 'Attention Dilution', bundle: 'dilution', command: { id: 'tensorloupe.attentionDilution', title: 'Tensorloupe: Attention Dilution' }, fromSelection: true },
  (view) => view.result.model.name,
);
