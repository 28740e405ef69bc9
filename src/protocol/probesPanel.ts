// host⇄probes panel channel.
import type { ProbeTrainResult } from './probes';
import type { ResultHostApi, ResultPanelApi } from './panel';

export interface ProbesView {
  result: ProbeTrainResult;
  /** what the dataset was, in words: a file name, or the builtin task and how many files it read */
  datasetLabel: string;
}

export type ProbesHostApi = ResultHostApi & {
  /** save one layer's probe of the shown run; the host asks where; null when the user cancelled */
  save: [{ layer: number }, { path: string; bytes: number } | null];
};

export type ProbesPanelApi = ResultPanelApi<ProbesView>;
