// A panel's "Ablate" request (attention panel): the heads picked there, zero or mean, on the panel's
// own text; the answer is what the panel draws (the host keeps the per-token losses for the editor).
import type { HeadRef, NextCandidate } from './interventions';

export interface AblationRequest {
  heads: HeadRef[];
  mode: 'zero' | 'mean';
}

export interface AblationSummary {
  heads: HeadRef[];
  mode: 'zero' | 'mean';
  next: NextCandidate[];
  cleanNext: NextCandidate[];
  lossClean: number;
  lossAblated: number;
  /** the tokens whose next-token loss moved most (highlighted in the editor), largest change first */
  moved: { position: number; text: string; before: number; after: number }[];
}
