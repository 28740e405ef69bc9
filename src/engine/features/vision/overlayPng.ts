import { PNG } from 'pngjs';

/**
 * The model's view of the image with a patch map over it, as PNG bytes: each view pixel scaled by
 * a whole factor (the longer side ≥ 256 px, nearest neighbour so patches stay square), blended
 * half and half with a black → red → yellow ramp of the patch's value in [0, 1].
 */
export function overlayPng(view: { width: number; height: number; rgb: Uint8Array }, map: Float32Array, rows: number, cols: number): Buffer {
  const scale = Math.max(1, Math.ceil(256 / Math.max(view.width, view.height)));
  const W = view.width * scale;
  const H = view.height * scale;
  const png = new PNG({ width: W, height: H });
  for (let y = 0; y < H; y++) {
    const vy = Math.floor(y / scale);
    const r = Math.min(rows - 1, Math.floor((vy * rows) / view.height));
    for (let x = 0; x < W; x++) {
      const vx = Math.floor(x / scale);
      const c = Math.min(cols - 1, Math.floor((vx * cols) / view.width));
      const v = Math.max(0, Math.min(1, map[r * cols + c]));
      const heat = [Math.min(1, v * 2) * 255, Math.max(0, v * 2 - 1) * 255, 0];
      const s = (vy * view.width + vx) * 3;
      const d = (y * W + x) * 4;
      for (let k = 0; k < 3; k++) png.data[d + k] = Math.round(view.rgb[s + k] * 0.5 + heat[k] * 0.5);
      png.data[d + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
