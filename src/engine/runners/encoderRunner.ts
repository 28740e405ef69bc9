import type * as ort from 'onnxruntime-node';
import { InputError, ModelLoadError } from '../errors';
import { contextLengthOf, type ModelFolder } from '../modelFolder';
import { explainOrtError } from '../ortErrors';
import { toFloat32 } from './decoderLm';
import { encoderFeeds, encoderInputs, type EncoderInputs } from './encoderFeeds';

/** BERT's 512 when config.json gives no max_position_embeddings. */
const DEFAULT_ENCODER_CONTEXT = 512;

/**
 * What the masked-LM and classifier runners share: a session fed the encoder's inputs for a
 * batch of equal-length rows, and the token vocabulary ids are checked against (the embedding's,
 * which for a classifier is not the logits' width).
 */
export abstract class EncoderRunner {
  readonly contextLength: number;
  readonly nLayers: number;
  readonly dtype: 'float32' | 'float16';
  /** token vocabulary: config.json's vocab_size, else the tokenizer's */
  readonly vocab: number | undefined;
  protected readonly inputs: EncoderInputs;
  protected readonly name: string;

  /** frees the session (the engine is idle); DecoderLm.release frees its with-past twin too */
  async release(): Promise<void> {
    await this.session.release();
  }

  constructor(
    readonly session: ort.InferenceSession,
    folder: ModelFolder,
    tokenizerVocab: number,
  ) {
    this.name = folder.name;
    this.inputs = encoderInputs(session, folder.name);
    if (!session.outputNames.includes('logits')) {
      throw new ModelLoadError(`${folder.name} has no logits output (outputs: ${session.outputNames.slice(0, 6).join(', ')}).`);
    }
    const cfg = folder.config;
    this.contextLength = contextLengthOf(cfg) ?? DEFAULT_ENCODER_CONTEXT;
    this.nLayers = cfg.num_hidden_layers ?? cfg.n_layer ?? 0;
    const logits = session.outputMetadata.find((m) => m.name === 'logits');
    this.dtype = logits?.isTensor && logits.type === 'float16' ? 'float16' : 'float32';
    this.vocab = cfg.vocab_size ?? (tokenizerVocab > 0 ? tokenizerVocab : undefined);
  }

  /** the graph takes one sequence a run (its batch dimension is fixed at 1) */
  get maxBatch(): number {
    return this.inputs.fixedBatch ?? Number.MAX_SAFE_INTEGER;
  }

  checkIds(ids: readonly number[]): void {
    if (this.vocab === undefined) return;
    const bad = ids.find((id) => id >= this.vocab! || id < 0);
    if (bad !== undefined) {
      throw new ModelLoadError(`Token id ${bad} is outside ${this.name}'s vocabulary of ${this.vocab.toLocaleString('en-US')}: its tokenizer.json and its model do not belong together.`);
    }
  }

  /** logits of a batch of equal-length rows, float32, with their dims ([batch, seq, n] or [batch, n]) */
  protected async runRows(rows: readonly (readonly number[])[]): Promise<{ data: Float32Array; dims: number[] }> {
    const seq = rows[0]?.length ?? 0;
    if (seq === 0) throw new InputError('Nothing to run: the selection has no tokens.');
    if (seq > this.contextLength) throw new InputError(`${seq} tokens exceed the model's context of ${this.contextLength}.`);
    for (const r of rows) this.checkIds(r);
    const out = await this.session.run(encoderFeeds(this.inputs, rows), ['logits']).catch((error: unknown) => {
      throw new ModelLoadError(`${explainOrtError(error, this.name)}.`);
    });
    const t = out.logits;
    const data = toFloat32(t);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new ModelLoadError(`${this.name} produced NaN or infinite logits: its weights or its export are broken.`);
    }
    return { data, dims: t.dims.map(Number) };
  }
}
