// host⇄attention-dilution panel channel.
import type { DilutionResult } from './internals';
import type { ReadyParams, ResultPanelApi } from './panel';

export interface DilutionView {
  source: { fileName: string; line: number; chars: number };
  /** lengths measured so far (the host asks for one at a time and sends each step) */
  result: DilutionResult;
  /** every length that will be measured */
  plan: number[];
  complete: boolean;
}

export type DilutionHostApi = {
  ready: [ReadyParams, null];
  retry: [Record<string, never>, null];
};

export type DilutionPanelApi = ResultPanelApi<DilutionView>;
