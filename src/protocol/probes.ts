// The probes channel: train linear probes on a model's hidden states (engine side:
// src/engine/features/probes/). Layer 0 is the embedding (blocks.0.hook_resid_pre), layer L + 1
// is blocks.L.hook_resid_post.

export type ProbePool = 'mean' | 'last';

export interface ProbeTrainParams {
  model: string;
  /** a .jsonl or .csv file, or builtin:category | builtin:in-string | builtin:depth */
  dataset: string;
  /** TS/JS files a builtin task reads (absolute paths; the host or CLI expands the glob) */
  files: string[];
  /** every layer, or one */
  layer: 'all' | number;
  /** how a sequence-level text becomes one feature vector */
  pool: ProbePool;
  seed: number;
}

export interface ProbeLayerResult {
  layer: number;
  hook: string;
  /** held-out (test texts) accuracy of the probe */
  accuracy: number;
  /** the same probe trained on the control task (Hewitt & Liang) */
  controlAccuracy: number;
  /** accuracy − controlAccuracy */
  selectivity: number;
  macroF1: number;
  /** the L2 strength the validation texts chose */
  l2: number;
  /** [k, k] test counts, row = true label, column = predicted (k = labels.length) */
  confusion: number[];
}

export interface ProbeTrainResult {
  model: string;
  dataset: string;
  task: 'sequence' | 'token';
  labels: string[];
  /** examples per label over the whole dataset */
  counts: Record<string, number>;
  /** accuracy on the test texts of always answering the training texts' most frequent label */
  majorityBaseline: number;
  layers: ProbeLayerResult[];
  /** texts, and examples in train / validation / test */
  texts: number;
  split: { train: number; validation: number; test: number };
  modelSha256: string;
  datasetSha256: string;
  /** the fitted probes are kept a while under this id for probe/save */
  runId: string;
  ms: number;
}

/** Writes one layer's fitted probe of a probe/train run as JSON. */
export interface ProbeSaveParams {
  runId: string;
  layer: number;
  /** absolute path ending in .json */
  out: string;
}

/** A saved probe (the file probe/save writes and probe/apply reads). */
export interface SavedProbe {
  format: 'tensorloupe-probe';
  version: 1;
  model: string;
  modelSha256: string;
  dataset: string;
  datasetSha256: string;
  task: 'sequence' | 'token';
  pool: ProbePool;
  layer: number;
  hook: string;
  labels: string[];
  /** features are (h − mean) / scale before the weights */
  standardisation: { mean: number[]; scale: number[] };
  /** [labels.length][dModel] */
  weights: number[][];
  bias: number[];
  accuracy: number;
  controlAccuracy: number;
}

/** Each token's predicted label under a saved probe (token-level probes only). */
export interface ProbeApplyParams {
  model: string;
  /** absolute path of a saved probe */
  probe: string;
  text: string;
  maxTokens: number;
}

export interface ProbeApplyResult {
  labels: string[];
  layer: number;
  hook: string;
  /** the text's tokens, BOS left out; `confidence` is the predicted label's probability */
  tokens: { start: number; end: number; label: string; confidence: number }[];
}

/** What probe/train would read: the dataset, labelled and tokenised, before any forward pass. */
export interface ProbePreviewParams {
  model: string;
  dataset: string;
  files: string[];
}

export interface ProbePreviewResult {
  model: string;
  dataset: string;
  task: 'sequence' | 'token';
  /** the file's rows, or the pieces a builtin task cut the files into */
  texts: number;
  /** source files a builtin task read */
  files?: number;
  /** the model's tokens over all texts (what the forward passes will run) */
  tokens: number;
  /** labelled examples: tokens (token task) or texts (sequence task) */
  examples: number;
  labels: string[];
  /** examples per label, as probe/train will count them */
  counts: Record<string, number>;
  datasetSha256: string;
}

export type ProbesApi = {
  'probe/train': [ProbeTrainParams, ProbeTrainResult];
  'probe/save': [ProbeSaveParams, { out: string; bytes: number }];
  'probe/apply': [ProbeApplyParams, ProbeApplyResult];
  'probe/preview': [ProbePreviewParams, ProbePreviewResult];
};
