/** Compact encoding for sending maps to a webview: uint8 with an affine scale. */

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
