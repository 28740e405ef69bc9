// Causal interventions: head ablation, activation patching between two prompts, direct logit
// attribution. The engine runs the intervention copy of the model (src/engine/instrument/
// interventionGraph.ts); names follow TransformerLens.
import type { ModelInfo, TokenInfo } from './engine';

/** a token given as its text (its first piece is used) or as its id */
export type TokenRef = string | number;

export interface HeadRef {
  layer: number;
  head: number;
}

export interface NextCandidate {
  id: number;
  text: string;
  prob: number;
  logit: number;
}

export interface AblateParams {
  model: string;
  text: string;
  heads: HeadRef[];
  /** zero: z = 0; mean: z = its mean over the text's positions */
  mode: 'zero' | 'mean';
  topK: number;
}

export interface AblateResult {
  model: ModelInfo;
  tokens: TokenInfo[];
  heads: HeadRef[];
  mode: 'zero' | 'mean';
  /** top-k after the last token, heads ablated */
  next: NextCandidate[];
  clean: { next: NextCandidate[] };
  /** mean next-token cross-entropy in nats over the text (tokens 1…T-1 predicted) */
  lossClean: number;
  lossAblated: number;
  /** [T] per-token loss in nats (entry 0, which nothing predicts, is NaN) */
  tokenLossClean: Float32Array;
  tokenLossAblated: Float32Array;
  ms: number;
}

export type PatchHook = 'resid_pre' | 'attn_out' | 'mlp_out' | 'z';

export interface PatchParams {
  model: string;
  clean: string;
  corrupt: string;
  answer: TokenRef;
  wrong: TokenRef;
  hook: PatchHook;
  /** only these layers (a panel asks one layer at a time so a cancel keeps what is done); default all */
  layers?: number[];
}

export interface PatchCell {
  layer: number;
  /** resid_pre / attn_out / mlp_out: the position patched (tokens as the model sees them, BOS included) */
  position?: number;
  /** z: the head patched at every position */
  head?: number;
  logitDiff: number;
  /** (patched − corrupt) / (clean − corrupt) */
  normalized: number;
}

export interface PatchResult {
  model: ModelInfo;
  hook: PatchHook;
  cleanTokens: TokenInfo[];
  corruptTokens: TokenInfo[];
  answer: { id: number; text: string };
  wrong: { id: number; text: string };
  clean: { logitDiff: number };
  corrupt: { logitDiff: number };
  nLayers: number;
  nHeads: number;
  results: PatchCell[];
  /** forward passes run (batched) and patches they carried */
  runs: number;
  patches: number;
  ms: number;
}

export interface AttributeParams {
  model: string;
  text: string;
  target: TokenRef;
  vs?: TokenRef;
}

export interface AttributeResult {
  model: ModelInfo;
  tokens: TokenInfo[];
  target: { id: number; text: string };
  vs: { id: number; text: string } | null;
  /** the model's own logit of the target at the last position (minus vs's) */
  logit: number;
  /** TransformerLens names: embed, pos_embed, blocks.{L}.attn.hook_result.{H}, blocks.{L}.hook_mlp_out, bias */
  components: { name: string; value: number }[];
  sum: number;
  /** the final norm: layernorm (each component centred, then divided by the frozen scale) or rmsnorm */
  norm: 'layernorm' | 'rmsnorm';
  ms: number;
}

export type InterventionsApi = {
  'interventions/ablate': [AblateParams, AblateResult];
  'interventions/patch': [PatchParams, PatchResult];
  'interventions/attribute': [AttributeParams, AttributeResult];
};
