/** Read initializer values as Float32Array (float32, float16, bfloat16, float64, int) without touching
 * the rest of the model. Only used for small tensors (norm weights, biases, rotary caches) and the
 * unembedding, on demand. */
import type { onnx } from 'onnx-proto';
import { toNumber } from './graphIndex.js';
import { halfToFloat } from '../../util/float16';

export const enum DataType {
  FLOAT = 1,
  INT32 = 6,
  INT64 = 7,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  BFLOAT16 = 16,
}

export function dimsOf(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map(toNumber);
}

/** values of an inline initializer; external ones are read by the caller (see readExternal) */
export function tensorToFloat32(t: onnx.ITensorProto, external?: Uint8Array): Float32Array {
  const raw = external ?? (t.rawData && t.rawData.length ? t.rawData : undefined);
  const type = t.dataType ?? DataType.FLOAT;
  const count = dimsOf(t).reduce((a, b) => a * b, 1);
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (type === DataType.FLOAT) out[i] = dv.getFloat32(i * 4, true);
      else if (type === DataType.FLOAT16) out[i] = halfToFloat(dv.getUint16(i * 2, true));
      else if (type === DataType.BFLOAT16) out[i] = new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0];
      else if (type === DataType.DOUBLE) out[i] = dv.getFloat64(i * 8, true);
      else if (type === DataType.INT64) out[i] = Number(dv.getBigInt64(i * 8, true));
      else if (type === DataType.INT32) out[i] = dv.getInt32(i * 4, true);
      else throw new Error(`tensor ${t.name} has unsupported data type ${type}`);
    }
    return out;
  }
  if (t.floatData && t.floatData.length) return Float32Array.from(t.floatData);
  if (t.doubleData && t.doubleData.length) return Float32Array.from(t.doubleData);
  if (t.int64Data && t.int64Data.length) return Float32Array.from(t.int64Data.map(toNumber));
  if (t.int32Data && t.int32Data.length) {
    // float16 values are stored one per int32 when not raw
    if (type === DataType.FLOAT16) return Float32Array.from(t.int32Data, halfToFloat);
    return Float32Array.from(t.int32Data);
  }
  return new Float32Array(count);
}
