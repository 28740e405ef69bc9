/** Public types of the instrumenter. Everything here is plain data (structured-clone and JSON safe)
 * so an InstrumentResult can be cached as result.json and sent across the engine process boundary. */

/** TransformerLens names. Pre-LN: resid_pre = block input, resid_mid = after the attention Add,
 * resid_post = after the MLP Add (= next resid_pre); attention-only blocks have no resid_mid.
 * Post-LN (BERT, original Transformer), as TransformerLens's BertBlock: resid_pre = block input (the
 * previous block's final LN output; the embedding LN output for block 0), resid_mid / resid_post =
 * the raw sums before the block's two LNs, so resid_post(L) ≠ resid_pre(L+1) there.
 * ln_final.hook_normalized = the norm after the last residual Add (post-LN: the last block's LN2).
 * hook_embed = what enters block 0 (= blocks.0.hook_resid_pre).
 * blocks.{L}.hook_attn_out / hook_mlp_out = the branch each residual Add adds (output bias included);
 * blocks.{L}.attn.hook_z = the attention-weighted values, [batch, pos, head, d_head], as the output
 * projection reads them (see interventionPoints.ts). */
export type HookKind = 'embed' | 'resid_pre' | 'resid_mid' | 'resid_post' | 'pattern' | 'normalized' | 'attn_out' | 'mlp_out' | 'z';

/** Columns [offset, offset + width) of the last dimension of an ONNX tensor ([batch, pos, hidden]). */
export interface TensorSlice {
  onnxName: string;
  offset: number;
  width: number;
}

/** How to rebuild softmax(QKᵀ·scale + mask) for a fused attention op that never materialises it. */
export interface RecomputeSpec {
  op: 'Attention' | 'MultiHeadAttention' | 'GroupQueryAttention';
  q: TensorSlice;
  k: TensorSlice;
  /** bias added inside the op to Q and K (MultiHeadAttention's `bias` input), if any */
  qBias?: number[];
  kBias?: number[];
  numHeads: number;
  kvNumHeads: number;
  headDim: number;
  scale: number;
  causal: boolean;
  /** [batch, key_pos] 1 = attend, 0 = masked */
  keyPaddingMask?: string;
  /** additive bias broadcastable to [batch, head, query_pos, key_pos] */
  attentionBias?: string;
  /** GroupQueryAttention: [batch] int32 index of the last valid key */
  seqlensK?: string;
  /** sliding window (keys older than this many positions are masked); absent = none */
  localWindow?: number;
  /** tanh soft-capping of the scores (GroupQueryAttention `softcap`); absent = none */
  softcap?: number;
  /** rotary applied inside the op; cos/sin are [max_pos, rotary_dim / 2] (a key of
   *  InstrumentResult.constants when they are initializers, else an ONNX tensor to fetch) */
  rotary?: { cos: string; sin: string; interleaved: boolean; positionIds?: string };
  /** past key input of the op: recompute only supports runs where it is empty */
  pastKey?: string;
}

export interface HookInfo {
  /** TransformerLens name, e.g. blocks.3.attn.hook_pattern */
  name: string;
  /** the ONNX tensor added as a graph output (for recomputed patterns: the op's Q input) */
  onnxName: string;
  layer?: number;
  kind: HookKind;
  recomputed?: RecomputeSpec;
}

export interface GraphInputInfo {
  name: string;
  /** onnx TensorProto.DataType number (1 float, 7 int64, 6 int32, 10 float16, 9 bool) */
  elemType: number;
  /** number for fixed dims, the dim_param string (or '?') for symbolic ones */
  dims: (number | string)[];
}

export interface InstrumentResult {
  /** small graph file in the cache; its weights are external data pointing into the user's files */
  instrumentedPath: string;
  /** folder the external data `location`s are relative to: the user's model folder (never written) */
  externalDataDir: string;
  /** cache key: sha256 of the .onnx (≤ 64 MB) or of its size, mtime and sampled bytes; see modelKey */
  modelHash: string;
  hooks: HookInfo[];
  unavailable: { name: string; reason: string }[];
  architecture: {
    nLayers: number;
    nHeads?: number;
    dModel?: number;
    fusedAttention: boolean;
    layerNorm: 'pre' | 'post' | 'unknown';
  };
  inputs: GraphInputInfo[];
  /** the model's own graph outputs (logits, present.*), always kept */
  modelOutputs: string[];
  /** small initializers the TypeScript recompute needs (rotary cos/sin caches), row-major */
  constants: Record<string, { dims: number[]; data: number[] }>;
  /** how long instrumentModel took, and whether it came from the cache */
  timing: { ms: number; cached: boolean };
}
