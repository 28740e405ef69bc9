/** Decoded pixels after PIL's convert("RGB"): 8 bits a channel, rows top to bottom. */
export interface RgbImage {
  width: number;
  height: number;
  /** [height, width, 3] uint8 */
  data: Uint8Array;
}

/** RGBA (or any 4-channel) pixels → RGB by dropping alpha, as PIL's RGBA → RGB does (no compositing). */
export function rgbaToRgb(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = rgba[i * 4];
    data[i * 3 + 1] = rgba[i * 4 + 1];
    data[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return { width, height, data };
}
