import type { AblationRequest, AblationSummary } from './ablationPanel';
// host⇄induction-scan panel channel.
import type { InductionResult } from './internals';
import type { ResultHostApi, ResultPanelApi } from './panel';

/** What the user can change between scans; the model comes from the settings. */
export interface InductionScanSettings {
  seqLen: number;
  batch: number;
  seed: number;
}

export const INDUCTION_DEFAULTS: InductionScanSettings = { seqLen: 50, batch: 4, seed: 0 };
export const INDUCTION_LIMITS = { seqLen: [2, 512], batch: [1, 64], seed: [0, 2 ** 31 - 1] } as const;

export interface InductionView {
  settings: InductionScanSettings;
  result: InductionResult;
}

export type InductionHostApi = ResultHostApi & {
  /** scan again with other settings (the panel's form) */
  scan: [InductionScanSettings, null];
  /** ablate heads on the editor's selection (the scan's own text is random tokens) */
  ablate: [AblationRequest, AblationSummary];
};

export type InductionPanelApi = ResultPanelApi<InductionView>;
