import * as ort from 'onnxruntime-node';
import { ModelLoadError, InputError } from '../errors';
import { contextLengthOf, type ModelFolder } from '../modelFolder';
import { float16ToFloat32 } from '../../util/float16';
import { explainOrtError } from '../ortErrors';
import { CacheShapeError, decoderFeeds, OPTIMUM_CACHE_NAMES, pastSlotsOf, UnfillableInputError, type CacheNames, type FeedInput, type PastSlot } from './decoderFeeds';

type FloatType = 'float32' | 'float16';

/** present.* tensors from the previous step, keyed by the past_key_values.* input they feed. */
export type KvCache = Map<string, ort.Tensor>;

export interface LogitsResult {
  /** [seq, vocab] logits of the new tokens, batch 1, always float32 */
  logits: Float32Array;
  vocab: number;
}

export interface ForwardResult extends LogitsResult {
  present: KvCache;
}

export interface DecoderLmOptions {
  /** cache input/output names (onnxruntime-genai folders name them in genai_config.json) */
  cacheNames?: CacheNames;
  /** the tokenizer's size: the vocabulary when neither config.json nor the graph gives one */
  tokenizerVocab?: number;
  /** from genai_config.json when there is no config.json */
  contextLength?: number;
  layers?: number;
}

/**
 * Runs a decoder-only LM (Optimum, onnxruntime-genai, onnxruntime's GPT-2 export). Inputs are fed
 * by the graph's own names and per-input types (decoderFeeds.ts): input_ids, attention_mask,
 * position_ids, token_type_ids, use_cache_branch when present, and the KV cache (empty on the
 * first step) in its own layout and float type.
 */
export class DecoderLm {
  readonly kind = 'decoder-lm' as const;
  readonly contextLength: number;
  readonly dtype: FloatType;
  private readonly inputs: FeedInput[];
  private readonly pasts: PastSlot[];
  readonly nLayers: number;
  /** the vocabulary: config.json's vocab_size, else the graph's last logits dimension, else the tokenizer's size
   *  (never more than the logits' rows); ids at or above it are refused before a run */
  readonly vocab: number | undefined;
  private readonly name: string;
  private withPast?: DecoderLm;
  /** the ids behind each cache a cache-less model handed out, so its next step can re-run them */
  private readonly histories = new WeakMap<KvCache, number[]>();

  constructor(
    readonly session: ort.InferenceSession,
    folder: ModelFolder,
    options: DecoderLmOptions = {},
  ) {
    const cacheNames = options.cacheNames ?? OPTIMUM_CACHE_NAMES;
    const meta = new Map(session.inputMetadata.filter((m) => m.isTensor).map((m) => [m.name, m as ort.InferenceSession.TensorValueMetadata]));
    const ids = meta.get('input_ids');
    if (!ids) {
      throw new ModelLoadError(
        `${folder.name} is not a decoder language model: its graph has no input_ids input (inputs: ${session.inputNames.join(', ')}).`,
      );
    }
    if (!session.outputNames.includes('logits')) {
      throw new ModelLoadError(`${folder.name} has no logits output (outputs: ${session.outputNames.slice(0, 6).join(', ')}).`);
    }
    const cfg = folder.config;
    const hidden = cfg.n_embd ?? cfg.hidden_size;
    const qHeads = cfg.n_head ?? cfg.num_attention_heads;
    const headDim = cfg.head_dim ?? (hidden && qHeads ? hidden / qHeads : undefined);
    this.inputs = session.inputNames.map((name) => {
      const m = meta.get(name);
      return { name, type: m?.type ?? 'int64', dims: m?.shape ?? [] };
    });
    try {
      this.pasts = pastSlotsOf(this.inputs, cacheNames, { kvHeads: cfg.num_key_value_heads ?? qHeads, headDim }, folder.name);
    } catch (error) {
      if (error instanceof CacheShapeError) throw new ModelLoadError(error.message);
      throw error;
    }
    const floatType: FloatType = this.pasts.some((p) => p.type === 'float16') ? 'float16' : 'float32';
    this.dtype = floatType;
    // split caches have a key and a value input per layer, packed ones (past_{i}) one
    const cacheLayers = this.pasts.filter((p) => p.layout === 'packed').length + this.pasts.filter((p) => p.layout === 'split').length / 2;
    this.nLayers = cfg.n_layer ?? cfg.num_hidden_layers ?? options.layers ?? cacheLayers;
    const ctx = contextLengthOf(cfg) ?? options.contextLength;
    this.contextLength = ctx ?? 2048;
    this.name = folder.name;
    const logitsMeta = session.outputMetadata.find((m) => m.name === 'logits') as ort.InferenceSession.TensorValueMetadata | undefined;
    const last = logitsMeta?.isTensor ? logitsMeta.shape[logitsMeta.shape.length - 1] : undefined;
    const rows = typeof last === 'number' && last > 0 ? last : undefined;
    const said = cfg.vocab_size ?? rows ?? (options.tokenizerVocab && options.tokenizerVocab > 0 ? options.tokenizerVocab : undefined);
    // ids index the embedding, whose rows the logits mirror: a config.json larger than the graph must not let ids through
    this.vocab = rows !== undefined && said !== undefined ? Math.min(rows, said) : said;
  }

  /**
   * Token ids index the embedding: one past it failed deep in onnxruntime ("indices element out
   * of data bounds"). Say which id, and that the tokenizer does not belong to the model.
   */
  checkIds(ids: readonly number[]): void {
    const limit = this.vocab;
    if (limit === undefined) return;
    const bad = ids.find((id) => id >= limit || id < 0);
    if (bad !== undefined) {
      throw new ModelLoadError(`Token id ${bad} is outside ${this.name}'s vocabulary of ${limit.toLocaleString('en-US')}: its tokenizer.json and its model do not belong together.`);
    }
  }

  get hasKvCache(): boolean {
    return this.pasts.length > 0;
  }

  /**
   * One forward pass over `ids` (batch 1), logits only: the KV cache is not copied out.
   * `finiteChecked: false` skips the pass over every logit that refuses NaN/±Inf, for a caller
   * whose own statistics reveal them (next-token's log-sum-exp and entropy are NaN/±Inf then)
   * and that calls checkLogitsFinite itself when they do.
   */
  async forward(ids: readonly number[], options: { finiteChecked?: boolean } = {}): Promise<LogitsResult> {
    const { logits, vocab } = await this.run(ids, undefined, 0, [], options.finiteChecked ?? true);
    return { logits, vocab };
  }

  /** Refuses NaN/±Inf logits, naming the position and token (what forward does unless told not to). */
  checkLogitsFinite(logits: Float32Array, vocab: number): void {
    checkFinite(logits, vocab, this.name);
  }

  /**
   * One generation step: `past` holds `pastLength` positions already seen (none on the first
   * step); ids are the new tokens. Returns their logits and the KV cache for the next step.
   * A model without cache inputs (Optimum's decoder_model.onnx) hands its present.* outputs to
   * its decoder_with_past_model.onnx twin; one with neither re-runs the whole sequence per step.
   */
  async forwardCached(ids: readonly number[], past?: KvCache, pastLength = 0): Promise<ForwardResult> {
    if (this.pasts.length > 0) return this.run(ids, past, pastLength, this.pasts);
    const twin = this.withPast;
    if (twin) {
      if (past && pastLength > 0) return twin.forwardCached(ids, past, pastLength);
      const names = new Set(this.session.outputNames);
      if (twin.pasts.every((p) => names.has(p.present))) return this.run(ids, undefined, 0, twin.pasts);
    }
    const seen = [...((past && this.histories.get(past)) ?? []), ...ids];
    const all = await this.run(seen, undefined, 0, []);
    const present: KvCache = new Map();
    this.histories.set(present, seen);
    return { logits: all.logits.slice((seen.length - ids.length) * all.vocab), vocab: all.vocab, present };
  }

  /** Pairs decoder_model.onnx with decoder_with_past_model.onnx (same weights, past inputs): generation steps run there. */
  attachWithPast(twin: DecoderLm): void {
    if (twin.hasKvCache) this.withPast = twin;
  }

  /** how generation steps run: on this model's own cache, on the with-past twin, or by re-running the sequence */
  get generationPath(): 'kv-cache' | 'with-past twin' | 'full recompute' {
    if (this.pasts.length > 0) return 'kv-cache';
    return this.withPast ? 'with-past twin' : 'full recompute';
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.withPast?.session.release();
  }

  /** present.* (about 4 MB at 512 tokens on the bundled LM) is copied out only for generation, the one caller that reads it. */
  private async run(ids: readonly number[], past: KvCache | undefined, pastLength: number, presents: readonly PastSlot[], finiteChecked = true): Promise<ForwardResult> {
    if (ids.length === 0) throw new InputError('Nothing to run: the selection has no tokens.');
    if (pastLength + ids.length > this.contextLength) {
      throw new InputError(`${pastLength + ids.length} tokens exceed the model's context of ${this.contextLength}.`);
    }
    this.checkIds(ids);
    let feeds: Record<string, ort.Tensor>;
    try {
      feeds = decoderFeeds(this.inputs, this.pasts, ids, pastLength, past);
    } catch (error) {
      if (error instanceof UnfillableInputError) throw new ModelLoadError(`The model needs an input Tensorloupe does not know how to fill: ${error.input}.`);
      throw error;
    }
    const fetches = ['logits', ...presents.map((p) => p.present)];
    const out = await this.session.run(feeds, fetches).catch((error: unknown) => {
      throw new ModelLoadError(`${explainOrtError(error, this.name)}.`);
    });
    const logitsTensor = out.logits; // [batch, seq, vocab]
    const vocab = Number(logitsTensor.dims[logitsTensor.dims.length - 1]);
    const logits = toFloat32(logitsTensor);
    if (finiteChecked) checkFinite(logits, vocab, this.name);
    const present: KvCache = new Map();
    for (const p of presents) present.set(p.input, out[p.present]);
    return { logits, vocab, present };
  }
}

/** A broken export or weights give NaN/Inf logits, which would print as a table of NaN; refuse them. */
function checkFinite(logits: Float32Array, vocab: number, name: string): void {
  // fast path: x·0 is 0 for every finite x and NaN otherwise, so four running sums stay 0 unless a
  // logit is NaN/±Inf. 128 × 50,257 logits: 10.9 → 4.5 ms (Number.isFinite per element); this
  // runs on every forward pass. Only a broken model pays the second, locating loop.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n4 = logits.length & ~3;
  for (let i = 0; i < n4; i += 4) {
    a += logits[i] * 0;
    b += logits[i + 1] * 0;
    c += logits[i + 2] * 0;
    d += logits[i + 3] * 0;
  }
  for (let i = n4; i < logits.length; i++) a += logits[i] * 0;
  if (a + b + c + d === 0) return;
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i])) {
      throw new ModelLoadError(`${name} produced NaN or infinite logits (${logits[i]} at position ${Math.floor(i / vocab)}, token ${i % vocab}): its weights or its export are broken.`);
    }
  }
}

export function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') return float16ToFloat32(t.data as Uint16Array);
  throw new ModelLoadError(`Unsupported logits type ${t.type}.`);
}
