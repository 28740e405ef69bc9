// host⇄probes panel channel.
import type { ProbePreviewResult, ProbeTrainResult } from './probes';
import type { ResultHostApi, ResultPanelApi } from './panel';

export interface ProbesView {
  result: ProbeTrainResult;
  /** what the dataset was, in words: a file name, or the builtin task and how many files it read */
  datasetLabel: string;
}

/** the dataset before training: its size and class counts, and a Train button */
export interface ProbesPreview {
  preview: ProbePreviewResult;
  datasetLabel: string;
}

export type ProbesHostApi = ResultHostApi & {
  /** train on the previewed dataset (the host answers with loading, then show or error) */
  train: [Record<string, never>, null];
  /** save one layer's probe of the shown run; the host asks where; null when the user cancelled */
  save: [{ layer: number }, { path: string; bytes: number } | null];
};

export type ProbesPanelApi = ResultPanelApi<ProbesView> & {
  preview: [ProbesPreview, null];
};
