import type { InternalsApi } from './internals';
import type { BaselinesApi } from './baselines';
import type { ProbesApi } from './probes';
import type { ProjectorApi } from './projector';
import type { ModelInfoApi } from './modelInfo';
import type { InterventionsApi } from './interventions';
import type { VisionApi } from './vision';
import type { AudioApi } from './audio';
import type { FutureTokensApi } from './futureTokens';
import type { CheckpointsApi } from './checkpoints';
import type { CrossModalApi } from './crossModal';

// The host⇄engine channel. The engine serves EngineApi; the host serves nothing but may
// receive progress notifications (EngineEvents).

export interface ModelInfo {
  /** absolute folder of the model */
  dir: string;
  /** folder name, e.g. "tensorloupe-code-lm" */
  name: string;
  modelType: string;
  /** what it predicts: 'decoder-lm' | 'masked-lm' | 'sequence-classifier' | 'token-classifier' */
  kind?: 'decoder-lm' | 'masked-lm' | 'sequence-classifier' | 'token-classifier';
  vocabSize: number;
  /** longest sequence the model's positions cover */
  contextLength: number;
  nLayers: number;
  /** execution provider actually used, e.g. "cpu" */
  provider: string;
  /** why a preferred provider was not used, shown to the user */
  providerNote?: string;
  /** true when the note is a real fallback (a named provider not used, or one that failed), shown as a notice; auto's informative note stays in the status bar tooltip and the output channel */
  providerFallback?: boolean;
  /** element type of the graph's floating-point inputs/outputs */
  dtype: 'float32' | 'float16';
  loadMs: number;
}

export interface TokenInfo {
  id: number;
  text: string;
  /** UTF-16 offsets into the request's text; -1 for tokens the tokenizer added (BOS) */
  start: number;
  end: number;
  special: boolean;
}

export interface Candidate {
  id: number;
  text: string;
  prob: number;
  logit: number;
  /** 1 = most probable */
  rank: number;
}

export interface ActualToken {
  id: number;
  prob: number;
  logit: number;
  rank: number;
  bits: number;
}

/** What the model predicted after reading tokens[0..position]. */
export interface PositionPrediction {
  position: number;
  /** only when the request asked for positionTopK > 0; panels fetch one position on demand */
  top?: Candidate[];
  entropyBits: number;
  /** the token that actually came next, when there is one */
  actual?: ActualToken;
}

/**
 * Columns of length [seq]: index i is what the model predicted after token i, so the `next*`
 * fields describe token i + 1 (NaN, and rank 0, at the last position).
 * `entropyBits` and `nextRank` are there only when the request asked for `stats: 'full'` (or
 * positionTopK > 0), and always for masked LMs and classifiers: at a real vocabulary they cost
 * six more passes over every logit than the surprisal columns, which is as much as the
 * surprisal, and the panel shows them for one clicked position (from that row's logits).
 */
export interface PositionStats {
  entropyBits?: Float32Array;
  nextProb: Float32Array;
  nextLogit: Float32Array;
  nextBits: Float32Array;
  nextRank?: Int32Array;
}

export interface Truncation {
  /** tokens dropped from the start to fit the context */
  droppedTokens: number;
  reason: string;
}

export interface NextTokenParams {
  model: string;
  text: string;
  topK: number;
  maxTokens: number;
  /** candidates listed at every position (0, the default, lists none: cheaper to compute and send) */
  positionTopK?: number;
  /** 'surprisal' (the default): the next* columns but rank; 'full': every position's entropy and rank too */
  stats?: 'surprisal' | 'full';
}

export interface NextTokenResult {
  model: ModelInfo;
  tokens: TokenInfo[];
  truncation: Truncation | null;
  /** logits at the last position, [vocab], for renormalising without a forward pass */
  lastLogits: Float32Array;
  /** the topK best candidates at the last position */
  next: Candidate[];
  /** per-position statistics as columns (typed arrays cross the process boundary cheaply) */
  stats: PositionStats;
  /** per-position candidates, only when the request asked for positionTopK > 0 (CLI, tests) */
  positions?: PositionPrediction[];
  /**
   * What `next` is: 'causal' (the token after the text; absent means this too), 'masked' (a
   * masked LM's distribution at the last mask), 'sequence-classification' or
   * 'token-classification' (classes: Candidate.id indexes `labels`, Candidate.text is the label).
   * For the last three `stats` holds only entropies: entropyBits[i] of the distribution at
   * position i (classifiers: of the classes), the next* columns NaN.
   */
  objective?: PredictionObjective;
  /** masked LMs: the candidates at every masked position (positions index `tokens`) */
  masks?: { position: number; top: Candidate[] }[];
  /** masked LMs: the text had no mask, so its last token was masked (the one `masks` names) */
  maskedSelection?: boolean;
  /** classifiers: the class names from config.json id2label */
  labels?: string[];
  /** token classifiers: the classes at every token */
  tokenClasses?: { position: number; top: Candidate[] }[];
  /** key for later "lm/position" and "lm/generate" calls on the same input */
  runId: string;
  forwardMs: number;
  /** time inside the engine for the whole request (tokenise, forward, statistics) */
  engineMs: number;
}

export type PredictionObjective = 'causal' | 'masked' | 'sequence-classification' | 'token-classification';

export interface PositionParams {
  runId: string;
  position: number;
  topK: number;
}

export interface PositionResult {
  position: number;
  logits: Float32Array; // [vocab]
  top: Candidate[];
}

export interface GenerateParams {
  runId: string;
  mode: 'greedy' | 'sample';
  count: number;
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

export interface GeneratedToken {
  id: number;
  text: string;
  /** p under the model's own distribution: softmax of the logits, temperature 1, nothing filtered */
  prob: number;
  /** natural log of `prob`, computed in float64 from the logits (prob alone can underflow) */
  logProb: number;
  /** p under the distribution the token was drawn from (`GenerateResult.sampling`); 1 for greedy */
  sampleProb: number;
}

export interface Continuation {
  text: string;
  tokens: GeneratedToken[];
  /** sum of log2 p of the chosen tokens under the model's own distribution */
  log2Prob: number;
  /** sum of log2 p under the sampling distribution (temperature, top-k, top-p); 0 for greedy */
  sampleLog2Prob: number;
}

/** The distribution continuations were drawn from; greedy takes the model's most probable token. */
export type SamplingDistribution = { mode: 'greedy' } | { mode: 'sample'; temperature: number; topK: number; topP: number };

export interface GenerateResult {
  continuations: Continuation[];
  sampling: SamplingDistribution;
  ms: number;
}

export interface SurprisalParams {
  model: string;
  text: string;
  maxTokens: number;
  /** how many alternatives to list per token */
  alternatives: number;
}

export interface SurprisalToken extends TokenInfo {
  bits: number;
  prob: number;
  rank: number;
  alternatives: Candidate[];
}

export interface SurprisalResult {
  model: ModelInfo;
  /** the first token (and any token the model had no prediction for) has no entry */
  tokens: SurprisalToken[];
  truncation: Truncation | null;
  /** when the text is longer than the context, windows of this size overlap by half */
  window: { size: number; stride: number; count: number } | null;
  meanBits: number;
  /** 'causal' (−log₂ p(token | the tokens before); absent means this too) or, for masked LMs,
   *  'pseudo-log-likelihood' (−log₂ p(token | every other token), each token masked in turn) */
  objective?: 'causal' | 'pseudo-log-likelihood';
  ms: number;
}

export interface EngineInfo {
  pid: number;
  ortVersion: string;
  platform: string;
  /** the settings the engine runs with now (what the last good `engine/configure` set) */
  settings: EngineSettings;
}

export interface EngineSettings {
  provider: 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
  /** intra-op threads; 0 lets onnxruntime decide */
  threads: number;
  /** where instrumented model copies are cached (the extension's global storage) */
  cacheDir?: string;
  /** which transformers.js variant file a model folder is read from (tensorloupe.variant; absent: model.onnx, else the folder's own file) */
  variant?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
}

export type EngineApi = CoreApi & InternalsApi & ProbesApi & ProjectorApi & ModelInfoApi & BaselinesApi & InterventionsApi & VisionApi & AudioApi & FutureTokensApi & CheckpointsApi & CrossModalApi;

export type CoreApi = {
  'engine/info': [Record<string, never>, EngineInfo];
  'engine/configure': [EngineSettings, null];
  'model/load': [{ model: string }, ModelInfo];
  'lm/nextToken': [NextTokenParams, NextTokenResult];
  'lm/position': [PositionParams, PositionResult];
  'lm/generate': [GenerateParams, GenerateResult];
  'lm/surprisal': [SurprisalParams, SurprisalResult];
};

/** The host serves no calls; the engine only replies. */
export type HostApi = Record<string, never>;
