// Engine calls that look inside a model: attention maps, logit lens, induction scan, attention
// dilution and activation export. Tensors travel as typed arrays with their shape in a comment;
// panels ask for slices (one head, a summary), never for every layer at full size.
import type { ModelInfo, TokenInfo, Truncation } from './engine';

/** What instrumentation found in the graph, shown to the user (what is recomputed or missing). */
export interface InternalsInfo {
  nLayers: number;
  nHeads: number;
  dModel?: number;
  fusedAttention: boolean;
  /** layers whose attention map is recomputed from a fused op's Q and K */
  recomputedLayers: number[];
  /** hooks that could not be found, each with the reason */
  unavailable: { name: string; reason: string }[];
  instrumentMs: number;
  cached: boolean;
}

interface TextRequest {
  model: string;
  text: string;
  maxTokens: number;
}

// ── attention ────────────────────────────────────────────────────────────────────────────────
export type AttentionSummaryParams = TextRequest;

export interface HeadStats {
  layer: number;
  head: number;
  /** mean over query positions of the row entropy, bits */
  entropyBits: number;
  /** mean attention from each position to the one before it */
  prevToken: number;
  /** mean attention to position 0 (the "sink") */
  firstToken: number;
  /** mean attention from a token to the token after its previous occurrence (null: no repeats) */
  induction: number | null;
}

export interface AttentionSummaryResult {
  model: ModelInfo;
  internals: InternalsInfo;
  tokens: TokenInfo[];
  truncation: Truncation | null;
  runId: string;
  nLayers: number;
  nHeads: number;
  /** side of each thumbnail (the sequence, max-pooled down to at most 64) */
  thumbSize: number;
  /** [layer, head, thumbSize, thumbSize], 0–255 = 0–1 of that head's maximum */
  thumbnails: Uint8Array;
  stats: HeadStats[];
  ms: number;
}

export interface AttentionHeadParams {
  runId: string;
  layer: number;
  head: number;
}

export interface AttentionHeadResult {
  layer: number;
  head: number;
  /** sequence length: data is [query_pos, key_pos] */
  size: number;
  /** [size, size] row-major; probability ≈ data[q, k] * rowScale[q] */
  data: Uint8Array;
  /** [size] one scale per query row (its maximum / 255) */
  rowScale: Float32Array;
  recomputed: boolean;
}

// ── logit lens ───────────────────────────────────────────────────────────────────────────────
export interface LensParams extends TextRequest {
  /** how many candidates per cell travel (the top one is drawn; the rest are in the tooltip) */
  topK: number;
  /**
   * Optional: compute only positions [from, to) now (negative values count from the end, as in a
   * slice; clamped to the selection) and the rest later with `lens/page`. Each lens cell costs a
   * full unembedding, so the whole grid of a 124M model is ~5 forward passes; the panel asks first
   * for the columns it shows. Absent: every position (the original contract).
   */
  positions?: { from: number; to: number };
}

/** The positions a lens result holds values for; the arrays keep their full [layer, positions, …] shape, 0 elsewhere. */
export interface LensComputed {
  from: number;
  to: number;
}

export interface LensPageParams {
  runId: string;
  /** positions [from, to), clamped to the run's */
  from: number;
  to: number;
  topK: number;
}

/** The lens grid of positions [from, to) of a kept run: the same fields as LensResult's, [layer, to − from, …]. */
export interface LensPageResult {
  from: number;
  to: number;
  topK: number;
  topIds: Int32Array;
  topProbs: Float32Array;
  tokenTexts: Record<number, string>;
  klToFinal: Float32Array;
  entropyBits: Float32Array;
  ms: number;
}

export interface LensResult {
  model: ModelInfo;
  tokens: TokenInfo[];
  truncation: Truncation | null;
  runId: string;
  /** one label per lens row, e.g. "blocks.0.hook_resid_pre" … "ln_final (output)" */
  layers: string[];
  positions: number;
  topK: number;
  /** [layer, position, topK] token ids, best first */
  topIds: Int32Array;
  /** [layer, position, topK] probabilities */
  topProbs: Float32Array;
  /** id → text for every id in topIds */
  tokenTexts: Record<number, string>;
  /** [layer, position] KL(final ‖ layer) in bits */
  klToFinal: Float32Array;
  /** [layer, position] entropy in bits */
  entropyBits: Float32Array;
  /** the positions computed (every one unless `positions` asked for fewer); the rest via `lens/page` */
  computed: LensComputed;
  ms: number;
}

export interface LensTargetParams {
  runId: string;
  position: number;
  /** token text (encoded without specials; its first token is used) or a token id */
  target: string | number;
}

export interface LensTargetResult {
  targetId: number;
  targetText: string;
  /** the tokens a typed target encodes to, in order; the first is the one traced. One entry for a
   *  single-token text or an id, several when the text is more than one token (say so to the user) */
  pieces: { id: number; text: string }[];
  /** [layer] 1-based rank of the target */
  ranks: Int32Array;
  /** [layer] probability of the target */
  probs: Float32Array;
}

// ── induction scan ───────────────────────────────────────────────────────────────────────────
export interface InductionParams {
  model: string;
  /** length of the random block, repeated once */
  seqLen: number;
  /** sequences averaged */
  batch: number;
  seed: number;
}

export interface InductionResult {
  model: ModelInfo;
  nLayers: number;
  nHeads: number;
  seqLen: number;
  /** [layer, head] mean attention from each token of the second copy to the token after its first occurrence */
  induction: Float32Array;
  /** [layer, head] mean attention from each token of the second copy to its first occurrence (prefix matching) */
  prefixMatching: Float32Array;
  /** mean loss (nats) on the first and the second copy */
  lossFirstHalf: number;
  lossSecondHalf: number;
  best: { layer: number; head: number; score: number };
  /** [layer, head] mean attention from each token to the one before it (optional) */
  previousToken?: Float32Array;
  /** [pos − 1] loss (nats) predicting token t + 1 from position t, averaged over the batch */
  lossPerPosition?: Float32Array;
  /** [layer, head, patternSize, patternSize] the first sequence's maps, 0–255 = probability 0–1 */
  patterns?: Uint8Array;
  /** 2 · seqLen + 1 (BOS + two copies) */
  patternSize?: number;
  /** layers whose maps were recomputed from a fused attention op */
  recomputedLayers?: number[];
  ms: number;
}

// ── attention dilution ──────────────────────────────────────────────────────────────────────
export interface DilutionParams extends TextRequest {
  /** prefix lengths to measure; empty = powers of two up to the selection */
  lengths: number[];
  /** measure only this index of the plan (the lengths above, or the default plan), so a caller
   *  can show progress and stop between lengths; the result's `plan` lists them all (optional) */
  planIndex?: number;
}

export interface DilutionResult {
  model: ModelInfo;
  lengths: number[];
  nLayers: number;
  /** [length, layer] mean attention entropy / log n */
  entropyRatio: Float32Array;
  /** [length, layer] mean attention mass on the first token */
  firstTokenMass: Float32Array;
  /** [length, layer] mean cosine similarity of residual vectors (resid_post) to their mean */
  residCosine: Float32Array;
  /** tokens in the (fitted) selection, so a caller can plan the remaining lengths (optional) */
  totalTokens?: number;
  /** the selection was longer than the context (or tensorloupe.maxTokens): what was dropped */
  truncation: Truncation | null;
  /** every length of the plan, when `planIndex` was given (optional) */
  plan?: number[];
  ms: number;
}

// ── export ───────────────────────────────────────────────────────────────────────────────────
export interface ExportParams extends TextRequest {
  /** hook names or globs, e.g. blocks.*.attn.hook_pattern; empty = every hook */
  names: string[];
  /** .safetensors path to write */
  out: string;
}

export interface ExportResult {
  out: string;
  tensors: { name: string; shape: number[] }[];
  bytes: number;
  ms: number;
}

export type InternalsApi = {
  'attention/summary': [AttentionSummaryParams, AttentionSummaryResult];
  'attention/head': [AttentionHeadParams, AttentionHeadResult];
  'lens/get': [LensParams, LensResult];
  'lens/target': [LensTargetParams, LensTargetResult];
  'lens/page': [LensPageParams, LensPageResult];
  'induction/scan': [InductionParams, InductionResult];
  'dilution/get': [DilutionParams, DilutionResult];
  'activations/export': [ExportParams, ExportResult];
};
