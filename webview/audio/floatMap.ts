// Float maps (attention [n, n], log-mel [mels, frames]) into a canvas through the theme's ramp.
import { drawUint8Map } from '../shared/colorRamp';

/** data [rows, cols] scaled from [lo, hi] to 0-255; `flipRows` draws row 0 at the bottom (low frequencies). */
export function drawFloatMap(canvas: HTMLCanvasElement, data: Float32Array, rows: number, cols: number, lut: Uint32Array, lo: number, hi: number, flipRows = false): void {
  const bytes = new Uint8Array(rows * cols);
  const span = hi - lo || 1;
  for (let r = 0; r < rows; r++) {
    const to = (flipRows ? rows - 1 - r : r) * cols;
    for (let c = 0; c < cols; c++) bytes[to + c] = Math.max(0, Math.min(255, Math.round(((data[r * cols + c] - lo) / span) * 255)));
  }
  drawUint8Map(canvas, bytes, rows, cols, lut);
}

export function range(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
