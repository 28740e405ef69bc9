// host⇄baselines panel channel.
import type { BaselineResult } from './baselines';
import type { ResultHostApi, ResultPanelApi } from './panel';

/** what the editor's decorations show: each token's surprisal under one model, or the difference */
export type BaselineMode = 'model' | 'ngram' | 'difference';
export const BASELINE_MODES: readonly BaselineMode[] = ['model', 'ngram', 'difference'];

export interface BaselinesView {
  result: BaselineResult;
  mode: BaselineMode;
  /** where the selection came from, and what the corpus was */
  source: { fileName: string; line: number };
  corpusLabel: string;
}

export type BaselinesHostApi = ResultHostApi & {
  /** switch the editor's decorations */
  mode: [{ mode: BaselineMode }, null];
  /** open the corpus file of match `index` at its line */
  openMatch: [{ index: number }, null];
};

export type BaselinesPanelApi = ResultPanelApi<BaselinesView>;
