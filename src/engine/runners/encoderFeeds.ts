import * as ort from 'onnxruntime-node';
import { ModelLoadError } from '../errors';

/** The integer inputs an encoder export (Optimum, transformers.js) takes, each typed as its graph says. */
export interface EncoderInputs {
  /** input name → element type, for the inputs the graph has */
  types: Map<string, 'int64' | 'int32'>;
  /** the graph's batch dimension when it is fixed (1 in some exports), else undefined */
  fixedBatch?: number;
}

const KNOWN = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']);

/** Reads the graph's inputs once; an input Tensorloupe cannot fill is named at load, not at the first run. */
export function encoderInputs(session: ort.InferenceSession, name: string): EncoderInputs {
  const types = new Map<string, 'int64' | 'int32'>();
  let fixedBatch: number | undefined;
  for (const m of session.inputMetadata) {
    if (!KNOWN.has(m.name)) {
      throw new ModelLoadError(`${name} needs an input Tensorloupe does not know how to fill for an encoder: ${m.name} (inputs: ${session.inputNames.join(', ')}).`);
    }
    const t = m.isTensor ? m.type : undefined;
    types.set(m.name, t === 'int32' ? 'int32' : 'int64');
    if (m.name === 'input_ids' && m.isTensor && typeof m.shape[0] === 'number') fixedBatch = m.shape[0];
  }
  if (!types.has('input_ids')) throw new ModelLoadError(`${name} has no input_ids input (inputs: ${session.inputNames.join(', ')}).`);
  return { types, fixedBatch };
}

/**
 * Feeds for `rows` sequences of one length (batch = rows.length): attention_mask all ones (no
 * padding: every row has the same length), token_type_ids all zeros (one segment), position_ids
 * 0..seq-1. Each [batch, seq].
 */
export function encoderFeeds(inputs: EncoderInputs, rows: readonly (readonly number[])[]): Record<string, ort.Tensor> {
  const batch = rows.length;
  const seq = rows[0].length;
  const dims = [batch, seq];
  const fill = (type: 'int64' | 'int32', value: (b: number, s: number) => number): ort.Tensor => {
    const n = batch * seq;
    if (type === 'int32') {
      const a = new Int32Array(n);
      for (let b = 0; b < batch; b++) for (let s = 0; s < seq; s++) a[b * seq + s] = value(b, s);
      return new ort.Tensor('int32', a, dims);
    }
    const a = new BigInt64Array(n);
    for (let b = 0; b < batch; b++) for (let s = 0; s < seq; s++) a[b * seq + s] = BigInt(value(b, s));
    return new ort.Tensor('int64', a, dims);
  };
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, type] of inputs.types) {
    if (name === 'input_ids') feeds[name] = fill(type, (b, s) => rows[b][s]);
    else if (name === 'attention_mask') feeds[name] = fill(type, () => 1);
    else if (name === 'token_type_ids') feeds[name] = fill(type, () => 0);
    else feeds[name] = fill(type, (_b, s) => s);
  }
  return feeds;
}
