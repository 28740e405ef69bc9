// host⇄projector panel channel.
import type { AnalogyResult, NeighboursResult, PredictResult, ProjectorMethod, ProjectResult, TokenRef } from './projector';
import type { ResultHostApi, ResultPanelApi, SelectionSource } from './panel';

export interface ProjectorView {
  /** the selection the resid points came from; null for the embedding matrix */
  source: SelectionSource | null;
  result: ProjectResult;
  /** blocks in the model, for the layer picker */
  nLayers: number;
  /** the choices that produced `result`, shown in the controls */
  choice: ProjectorChoice;
}

export interface ProjectorChoice {
  /** 'patches': an inspected image's patches (Inspect Image's button), not a text source */
  source: 'embeddings' | 'resid' | 'patches';
  layer: number;
  method: ProjectorMethod;
  seed: number;
}

export type ProjectorHostApi = ResultHostApi & {
  /** run another projection (the host answers with loading, then show or error) */
  project: [ProjectorChoice, null];
  neighbours: [{ token: TokenRef; k: number }, NeighboursResult];
  analogy: [{ a: TokenRef; b: TokenRef; c: TokenRef; k: number }, AnalogyResult];
  /** the shown (resid) points' labels under a probe: the last trained one, or a file the host asks for; null when the user cancelled */
  predict: [{ probe: 'latest' | 'file' }, PredictResult | null];
  /** save the shown 2-D points; the host asks where; null when the user cancelled */
  export: [{ format: 'json' | 'csv' }, { path: string } | null];
};

export type ProjectorPanelApi = ResultPanelApi<ProjectorView>;
