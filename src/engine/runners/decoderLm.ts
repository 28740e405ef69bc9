import * as ort from 'onnxruntime-node';
import { ModelLoadError, InputError } from '../errors';
import { contextLengthOf, type ModelFolder } from '../modelFolder';
import { float16ToFloat32 } from '../../util/float16';
import { explainOrtError } from '../ortErrors';

type FloatType = 'float32' | 'float16';

interface PastSpec {
  name: string; // past_key_values.{i}.key|value
  presentName: string; // present.{i}.key|value
  kvHeads: number;
  headDim: number;
}

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

/**
 * Runs a decoder-only LM exported the Optimum way. Inputs are fed by the graph's own names and
 * types: input_ids, attention_mask and position_ids when present, past_key_values.* (empty
 * [batch, kv_heads, 0, head_dim] on the first step) in the graph's float type.
 */
export class DecoderLm {
  readonly contextLength: number;
  readonly dtype: FloatType;
  private readonly idsType: 'int64' | 'int32';
  private readonly inputNames: Set<string>;
  private readonly pasts: PastSpec[];
  readonly nLayers: number;
  /** rows of the logits (the graph's last logits dimension, else config.json's vocab_size); undefined when neither says */
  readonly vocab: number | undefined;
  private readonly name: string;

  constructor(
    readonly session: ort.InferenceSession,
    folder: ModelFolder,
  ) {
    const meta = new Map(session.inputMetadata.filter((m) => m.isTensor).map((m) => [m.name, m as ort.InferenceSession.TensorValueMetadata]));
    this.inputNames = new Set(session.inputNames);
    const ids = meta.get('input_ids');
    if (!ids) {
      throw new ModelLoadError(
        `${folder.name} is not a decoder language model: its graph has no input_ids input (inputs: ${session.inputNames.join(', ')}).`,
      );
    }
    if (!session.outputNames.includes('logits')) {
      throw new ModelLoadError(`${folder.name} has no logits output (outputs: ${session.outputNames.slice(0, 6).join(', ')}).`);
    }
    this.idsType = ids.type === 'int32' ? 'int32' : 'int64';
    const cfg = folder.config;
    const heads = cfg.num_key_value_heads ?? cfg.n_head ?? cfg.num_attention_heads;
    const hidden = cfg.n_embd ?? cfg.hidden_size;
    const headDimFromConfig = cfg.head_dim ?? (hidden && (cfg.n_head ?? cfg.num_attention_heads) ? hidden / (cfg.n_head ?? cfg.num_attention_heads ?? 1) : undefined);
    this.pasts = [];
    let floatType: FloatType = 'float32';
    for (const name of session.inputNames) {
      const m = /^past_key_values\.(\d+)\.(key|value)$/.exec(name);
      if (!m) continue;
      const md = meta.get(name);
      if (md?.type === 'float16') floatType = 'float16';
      const kvHeads = typeof md?.shape[1] === 'number' ? md.shape[1] : heads;
      const headDim = typeof md?.shape[3] === 'number' ? md.shape[3] : headDimFromConfig;
      if (!kvHeads || !headDim || !Number.isInteger(kvHeads) || !Number.isInteger(headDim)) {
        throw new ModelLoadError(`${folder.name}: cannot tell the shape of ${name}; add num_key_value_heads and head_dim to config.json.`);
      }
      this.pasts.push({ name, presentName: `present.${m[1]}.${m[2]}`, kvHeads, headDim });
    }
    this.dtype = floatType;
    this.nLayers = cfg.n_layer ?? cfg.num_hidden_layers ?? this.pasts.length / 2;
    const ctx = contextLengthOf(cfg);
    this.contextLength = ctx ?? 2048;
    this.name = folder.name;
    const logitsMeta = session.outputMetadata.find((m) => m.name === 'logits') as ort.InferenceSession.TensorValueMetadata | undefined;
    const last = logitsMeta?.isTensor ? logitsMeta.shape[logitsMeta.shape.length - 1] : undefined;
    this.vocab = typeof last === 'number' && last > 0 ? last : cfg.vocab_size;
  }

  /**
   * Token ids index the embedding: one past it failed deep in onnxruntime ("indices element out
   * of data bounds"). Say which id, and that the tokenizer does not belong to the model.
   */
  checkIds(ids: readonly number[]): void {
    if (this.vocab === undefined) return;
    const bad = ids.find((id) => id >= this.vocab! || id < 0);
    if (bad !== undefined) {
      throw new ModelLoadError(`Token id ${bad} is outside ${this.name}'s vocabulary of ${this.vocab.toLocaleString('en-US')}: its tokenizer.json and its model do not belong together.`);
    }
  }

  get hasKvCache(): boolean {
    return this.pasts.length > 0;
  }

  /** One forward pass over `ids` (batch 1), logits only: the KV cache is not copied out. */
  async forward(ids: readonly number[]): Promise<LogitsResult> {
    const { logits, vocab } = await this.run(ids, undefined, 0, false);
    return { logits, vocab };
  }

  /**
   * One generation step: `past` holds `pastLength` positions already seen (none on the first
   * step); ids are the new tokens. Returns their logits and the KV cache for the next step.
   */
  forwardCached(ids: readonly number[], past?: KvCache, pastLength = 0): Promise<ForwardResult> {
    return this.run(ids, past, pastLength, true);
  }

  /** present.* (about 4 MB at 512 tokens on the bundled LM) is copied out only for generation, the one caller that reads it. */
  private async run(ids: readonly number[], past: KvCache | undefined, pastLength: number, withPresent: boolean): Promise<ForwardResult> {
    if (ids.length === 0) throw new InputError('Nothing to run: the selection has no tokens.');
    if (pastLength + ids.length > this.contextLength) {
      throw new InputError(`${pastLength + ids.length} tokens exceed the model's context of ${this.contextLength}.`);
    }
    this.checkIds(ids);
    const seq = ids.length;
    const feeds: Record<string, ort.Tensor> = {};
    feeds.input_ids = this.intTensor(ids, [1, seq]); // [batch, seq]
    if (this.inputNames.has('attention_mask')) {
      feeds.attention_mask = this.intTensor(new Array<number>(pastLength + seq).fill(1), [1, pastLength + seq]); // [batch, past+seq]
    }
    if (this.inputNames.has('position_ids')) {
      feeds.position_ids = this.intTensor(Array.from({ length: seq }, (_, i) => pastLength + i), [1, seq]); // [batch, seq]
    }
    for (const p of this.pasts) {
      // [batch, kv_heads, past, head_dim]
      feeds[p.name] = past?.get(p.name) ?? this.emptyPast(p);
    }
    for (const name of this.inputNames) {
      if (!(name in feeds)) {
        if (name === 'token_type_ids') feeds[name] = this.intTensor(new Array<number>(seq).fill(0), [1, seq]);
        else throw new ModelLoadError(`The model needs an input Tensorloupe does not know how to fill: ${name}.`);
      }
    }
    const fetches = ['logits', ...(withPresent ? this.pasts.map((p) => p.presentName) : [])];
    const out = await this.session.run(feeds, fetches).catch((error: unknown) => {
      throw new ModelLoadError(`${explainOrtError(error, this.name)}.`);
    });
    const logitsTensor = out.logits; // [batch, seq, vocab]
    const vocab = Number(logitsTensor.dims[logitsTensor.dims.length - 1]);
    const logits = toFloat32(logitsTensor);
    checkFinite(logits, vocab, this.name);
    const present: KvCache = new Map();
    if (withPresent) for (const p of this.pasts) present.set(p.name, out[p.presentName]);
    return { logits, vocab, present };
  }

  private intTensor(values: readonly number[], dims: number[]): ort.Tensor {
    if (this.idsType === 'int32') return new ort.Tensor('int32', Int32Array.from(values), dims);
    return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }

  private emptyPast(p: PastSpec): ort.Tensor {
    const dims = [1, p.kvHeads, 0, p.headDim];
    return this.dtype === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
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
