import type * as ort from 'onnxruntime-node';
import { ModelLoadError } from '../errors';
import type { ModelFolder } from '../modelFolder';
import { EncoderRunner } from './encoderRunner';

export interface ClassLogits {
  /** [rows, labels]: one row for a sequence classifier, one per token for a token classifier */
  logits: Float32Array;
  labels: readonly string[];
}

/**
 * A sequence classifier (logits [batch, num_labels], e.g. DistilBertForSequenceClassification)
 * or a token classifier (logits [batch, seq, num_labels], e.g. BertForTokenClassification). Its
 * outputs are classes named by config.json's id2label, never vocabulary tokens.
 */
export class Classifier extends EncoderRunner {
  readonly labels: readonly string[];

  constructor(
    session: ort.InferenceSession,
    folder: ModelFolder,
    tokenizerVocab: number,
    readonly kind: 'sequence-classifier' | 'token-classifier',
  ) {
    super(session, folder, tokenizerVocab);
    const logits = session.outputMetadata.find((m) => m.name === 'logits');
    const last = logits?.isTensor ? logits.shape[logits.shape.length - 1] : undefined;
    this.labels = labelsOf(folder, typeof last === 'number' ? last : undefined);
  }

  async classify(ids: readonly number[]): Promise<ClassLogits> {
    const { data, dims } = await this.runRows([ids]);
    const n = dims[dims.length - 1];
    const rank = this.kind === 'sequence-classifier' ? 2 : 3;
    if (dims.length !== rank) {
      throw new ModelLoadError(`${this.name}: a ${this.kind.replace('-', ' ')}'s logits are ${rank === 2 ? '[batch, labels]' : '[batch, seq, labels]'}, but this graph gives [${dims.join(', ')}].`);
    }
    const labels = n === this.labels.length ? this.labels : Array.from({ length: n }, (_, i) => this.labels[i] ?? `LABEL_${i}`);
    return { logits: data, labels };
  }
}

/**
 * config.json's id2label as a list ("0" → first); transformers' LABEL_i where a class has no
 * name (it writes exactly that when a config was made without labels). A broken map is named.
 */
export function labelsOf(folder: ModelFolder, width: number | undefined): string[] {
  const map = folder.config.id2label;
  if (map !== undefined && (typeof map !== 'object' || map === null || Array.isArray(map))) {
    throw new ModelLoadError(`${folder.dir}/config.json: id2label must map class ids to names.`);
  }
  const entries = Object.entries(map ?? {});
  let n = width ?? 0;
  for (const [key, value] of entries) {
    if (!/^\d+$/.test(key) || Number(key) >= 1 << 16) throw new ModelLoadError(`${folder.dir}/config.json: id2label has the key "${key.slice(0, 40)}"; class ids are whole numbers.`);
    if (typeof value !== 'string') throw new ModelLoadError(`${folder.dir}/config.json: id2label["${key}"] is not a string.`);
    if (width === undefined) n = Math.max(n, Number(key) + 1);
  }
  return Array.from({ length: n }, (_, i) => (map?.[String(i)] as string | undefined) ?? `LABEL_${i}`);
}
