// The future-token channel: linear probes from the residual stream at position t to the token at
// t + k (engine side: src/engine/features/futureTokens/). Layer 0 is the embedding
// (blocks.0.hook_resid_pre), layer L + 1 is blocks.L.hook_resid_post.

export interface FutureTrainParams {
  model: string;
  /** corpus files (absolute paths; the host or CLI expands the glob); split by file into train / validation / test */
  files: string[];
  /** the farthest step ahead probed (1..8); every k from 1 up is probed */
  k: number;
  seed: number;
}

export interface FutureCell {
  layer: number;
  hook: string;
  k: number;
  /** held-out (test files) share of positions whose token at t + k is the probe's first guess */
  top1: number;
  /** … is among its first five guesses */
  top5: number;
  /** the same positions, the n-gram lookup's guess from the tokens up to t (the same for every layer) */
  ngramTop1: number;
  /** validation-file top-1 (chooses the best layer per k without touching the test files) */
  validationTop1: number;
}

export interface FutureTrainResult {
  model: string;
  /** one cell per layer and k, layer-major */
  layers: FutureCell[];
  nLayers: number;
  /** the best layer for each k (index k - 1), by validation top-1 */
  bestLayer: number[];
  /** probe classes: the most frequent target tokens of the training files (the rest share one "other" class, never guessed) */
  classes: number;
  /** share of test targets that are one of those classes (the ceiling of top-1 and top-5) */
  coverage: number;
  /** leftOut: files the corpus matched beyond MAX_FUTURE_POSITIONS tokens (a seeded choice of whole files is read) */
  files: { train: number; validation: number; test: number; leftOut: number };
  /** positions the probes trained on (a seeded sample of the training files' positions), and test positions scored */
  trainPositions: number;
  testPositions: number;
  runId: string;
  ms: number;
}

export interface FutureApplyParams {
  runId: string;
  text: string;
  maxTokens: number;
}

export interface FutureGuess {
  k: number;
  layer: number;
  /** the probe's first guesses, most probable first */
  guesses: { id: number; text: string; prob: number }[];
  /** the token that came at t + k, when the text has one */
  actual?: { id: number; text: string };
  /** actual is the first guess */
  hit: boolean;
}

export interface FuturePosition {
  position: number;
  id: number;
  text: string;
  start: number;
  end: number;
  /** k = 2 … K at each k's best layer */
  ahead: FutureGuess[];
}

export interface FutureApplyResult {
  model: string;
  positions: FuturePosition[];
}

export type FutureTokensApi = {
  'future/train': [FutureTrainParams, FutureTrainResult];
  'future/apply': [FutureApplyParams, FutureApplyResult];
};
