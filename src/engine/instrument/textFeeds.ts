/** Feeds for a text model from token ids, filling the usual companion inputs the way a first forward
 * pass does: attention_mask = 1, token_type_ids = 0, position_ids = 0..n-1, empty KV-cache inputs. */
import { Tensor } from 'onnxruntime-node';
import { InstrumentError } from './errors.js';
import type { GraphInputInfo } from './types.js';

const INT64 = 7;
const INT32 = 6;
const FLOAT16 = 10;

function intTensor(elemType: number, values: number[], dims: number[]): Tensor {
  if (elemType === INT32) return new Tensor('int32', Int32Array.from(values), dims);
  return new Tensor('int64', BigInt64Array.from(values.map((v) => BigInt(v))), dims);
}

export function textFeeds(inputs: GraphInputInfo[], ids: number[]): Record<string, Tensor> {
  const n = ids.length;
  const feeds: Record<string, Tensor> = {};
  for (const inp of inputs) {
    const name = inp.name;
    if (name === 'input_ids') feeds[name] = intTensor(inp.elemType || INT64, ids, [1, n]);
    else if (name === 'attention_mask') feeds[name] = intTensor(inp.elemType || INT64, ids.map(() => 1), [1, n]);
    else if (name === 'token_type_ids') feeds[name] = intTensor(inp.elemType || INT64, ids.map(() => 0), [1, n]);
    else if (name === 'position_ids') feeds[name] = intTensor(inp.elemType || INT64, ids.map((_, i) => i), [1, n]);
    else if (/past|cache/.test(name)) {
      // [batch, heads, past_len, head_dim]: symbolic dims are batch = 1, past = 0
      const dims = inp.dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 0));
      if (inp.elemType === FLOAT16) feeds[name] = new Tensor('float16', new Uint16Array(0), dims);
      else feeds[name] = new Tensor('float32', new Float32Array(0), dims);
    } else if (inp.elemType === INT64 || inp.elemType === INT32) {
      throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `text input ${name} has no default value; pass it explicitly`);
    } else {
      throw new InstrumentError('RECOMPUTE_UNSUPPORTED', `input ${name} is not a text input (is this an image or audio model?)`);
    }
  }
  return feeds;
}
