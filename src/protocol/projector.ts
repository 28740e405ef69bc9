// Engine calls of the projector: 2-D projections (PCA, UMAP) of the embedding matrix, the
// unembedding or a layer's residual stream, and cosine neighbours and analogies in the original
// space.

/** The built-in tagger's token categories (the probes' builtin:category labels), in legend order. */
export const TOKEN_CATEGORIES = ['keyword', 'identifier', 'string', 'number', 'comment', 'operator', 'punctuation', 'whitespace'] as const;

/** 'patches': an inspected image's patch hidden states (vision/patchProjection), shown in the same panel */
export type ProjectorSource = 'embeddings' | 'unembedding' | 'resid' | 'patches';
export type ProjectorMethod = 'pca' | 'umap';

/** a text whose tokens' hidden states are projected; `file` (workspace-relative) labels its points */
export interface ProjectorText {
  text: string;
  file?: string;
}

export interface ProjectParams {
  model: string;
  source: ProjectorSource;
  /** resid only: blocks.{layer}.hook_resid_post */
  layer?: number;
  /** resid only: the texts whose token positions are projected */
  texts?: ProjectorText[];
  method: ProjectorMethod;
  seed: number;
  /** points kept at most, sampled evenly with the seed (default and cap 50,000) */
  maxPoints?: number;
}

export interface ProjectedPoint {
  x: number;
  y: number;
  /** token id */
  id: number;
  /** token text */
  text: string;
  /** resid: the text's file, 1-based line and token position */
  file?: string;
  line?: number;
  position?: number;
  layer?: number;
  /**
   * the token's lexical category from the probes' built-in TS/JS tagger (keyword, identifier,
   * string, number, comment, operator, punctuation, whitespace): in its file for resid points of
   * a TS/JS text, the token's own text scanned alone for the vocabulary; absent elsewhere
   */
  category?: string;
  /** patches: the image patch's place in the grid (0-based) and its CLS rollout weight (÷ max) */
  patch?: { row: number; col: number; rollout: number };
}

export interface ProjectResult {
  model: string;
  source: ProjectorSource;
  method: ProjectorMethod;
  /** PCA: each component's share of the variance, largest first */
  explainedVariance?: number[];
  /** PCA: 'exact' or 'randomized' */
  pcaAlgorithm?: 'exact' | 'randomized';
  /** the hook projected (resid) */
  hook?: string;
  dims: number;
  /** positions before sampling */
  totalPoints: number;
  points: ProjectedPoint[];
  /** resid: the points' hidden states are kept a while under this id, for projector/predict */
  projectionId?: string;
  ms: number;
}

/** which probe colours the points: a saved probe file, or the newest probe/train run's probe at the points' layer */
export type ProbeChoice = { file: string } | { latest: true };

export interface PredictParams {
  projectionId: string;
  probe: ProbeChoice;
}

export interface PredictResult {
  /** the probe's labels, index = `label` value */
  labels: string[];
  /** what the probe reads (the points' hook) */
  hook: string;
  /** what the probe was trained on, for the legend's title */
  dataset: string;
  /** per point, in the projection's order: index into labels, and its probability */
  label: number[];
  confidence: number[];
}

/** a token by its text (one token of the vocabulary) or its id */
export type TokenRef = string | number;

export interface NeighboursParams {
  model: string;
  token: TokenRef;
  k: number;
}

export interface NeighbourToken {
  id: number;
  text: string;
  cosine: number;
  rank: number;
}

export interface NeighboursResult {
  model: string;
  query: { id: number; text: string };
  neighbours: NeighbourToken[];
}

export interface AnalogyParams {
  model: string;
  a: TokenRef;
  b: TokenRef;
  c: TokenRef;
  k: number;
}

export interface AnalogyResult {
  model: string;
  inputs: { id: number; text: string }[];
  /** nearest to a − b + c, the inputs excluded */
  answers: NeighbourToken[];
}

export type ProjectorApi = {
  'projector/project': [ProjectParams, ProjectResult];
  'projector/neighbours': [NeighboursParams, NeighboursResult];
  'projector/analogy': [AnalogyParams, AnalogyResult];
  'projector/predict': [PredictParams, PredictResult];
};
