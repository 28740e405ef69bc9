/** Compact encodings for sending maps to a webview: uint8 with an affine scale, or IEEE float16. */

export interface QuantizedU8 {
  data: Uint8Array;
  /** value ≈ min + q * scale */
  min: number;
  scale: number;
}

/** uint8 over [min, max] of the data (probabilities: error ≤ max / 510) */
export function quantizeU8(values: Float32Array): QuantizedU8 {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!values.length) return { data: new Uint8Array(0), min: 0, scale: 0 };
  const scale = max > min ? (max - min) / 255 : 0;
  const data = new Uint8Array(values.length);
  if (scale) for (let i = 0; i < values.length; i++) data[i] = Math.round((values[i] - min) / scale);
  return { data, min, scale };
}

export function dequantizeU8(q: QuantizedU8): Float32Array {
  return Float32Array.from(q.data, (v) => q.min + v * q.scale);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> float16 bits, round to nearest even, with subnormals, ±Inf and NaN */
export function toFloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

export function toFloat16(values: Float32Array): Uint16Array {
  return Uint16Array.from(values, toFloat16Bits);
}
