/** One IEEE 754 half-precision value (its 16 bits) as a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** every half's float32 value (256 KB, built on first use): a lookup per element instead of a
 *  mapped Float32Array.from with a power per element, which made a float16 model's logits
 *  (4096 × 512 of them on the code LM) cost more than its forward pass */
let table: Float32Array | undefined;

/** Half-precision bits → float32 values (exact: every half is a float32). */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfToFloat(h);
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}
