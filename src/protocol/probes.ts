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
  ms: number;
}

export type ProbesApi = {
  'probe/train': [ProbeTrainParams, ProbeTrainResult];
};
