import type * as ort from 'onnxruntime-node';
import { ModelLoadError } from '../errors';
import type { ModelFolder } from '../modelFolder';
import type { LogitsResult } from './decoderLm';
import { EncoderRunner } from './encoderRunner';

/** A batch of pseudo-log-likelihood rows stays under this many logits floats (BERT-base: 30,522 × 512 is 62 MB a row). */
const MAX_BATCH_FLOATS = 32 * 1024 * 1024;

/**
 * A BERT / DistilBERT / RoBERTa masked LM (Optimum `fill-mask`, transformers.js): logits
 * [batch, seq, vocab], where row i is the model's distribution for the token AT position i (not
 * after it), which matters only where that token is the mask.
 */
export class MaskedLm extends EncoderRunner {
  readonly kind = 'masked-lm' as const;

  constructor(
    session: ort.InferenceSession,
    folder: ModelFolder,
    tokenizerVocab: number,
    /** the tokenizer's [MASK] / <mask> id */
    readonly maskId: number,
  ) {
    super(session, folder, tokenizerVocab);
  }

  /** One sequence: logits [seq, vocab]. */
  async forward(ids: readonly number[]): Promise<LogitsResult> {
    const { data, dims } = await this.runRows([ids]);
    if (dims.length !== 3) throw new ModelLoadError(`${this.name}: a masked LM's logits are [batch, seq, vocab], but this graph gives [${dims.join(', ')}].`);
    return { logits: data, vocab: dims[2] };
  }

  /**
   * Pseudo-log-likelihood rows (Salazar et al. 2020): for each position in `positions`, the
   * sequence with that token replaced by the mask; `onRow` gets the distribution at the masked
   * position. As many rows a run as the graph's batch dimension and the memory bound allow.
   */
  async maskedInTurn(ids: readonly number[], positions: readonly number[], onRow: (position: number, row: Float32Array) => void | Promise<void>, between?: () => Promise<void>): Promise<void> {
    const vocab = this.vocab ?? 1;
    const perRun = Math.max(1, Math.min(this.maxBatch, Math.floor(MAX_BATCH_FLOATS / Math.max(1, ids.length * vocab))));
    for (let start = 0; start < positions.length; start += perRun) {
      await between?.();
      const chunk = positions.slice(start, start + perRun);
      const rows = chunk.map((p) => ids.map((id, i) => (i === p ? this.maskId : id)));
      const { data, dims } = await this.runRows(rows);
      const [, seq, v] = dims;
      for (let b = 0; b < chunk.length; b++) {
        const at = (b * seq + chunk[b]) * v;
        await onRow(chunk[b], data.subarray(at, at + v));
      }
    }
  }
}
