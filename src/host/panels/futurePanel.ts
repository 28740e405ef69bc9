import { viewOnlyPanel } from './resultPanel';
import type { FutureHostApi, FutureView } from '../../protocol/futurePanel';

export const FUTURE_VIEW_TYPE = 'tensorloupe.futureTokens';

/** The future-token panel: the layer × k grid beside the n-gram lookup, and the selection's guesses. */
export const FuturePanel = viewOnlyPanel<FutureHostApi, FutureView>(
  { viewType: FUTURE_VIEW_TYPE, title: 'Future Tokens', bundle: 'futureTokens', command: { id: 'tensorloupe.futureTokens', title: 'Tensorloupe: Probe Future Tokens' } },
  (view) => view.result.model,
);
