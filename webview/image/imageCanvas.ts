// Drawing for the image panel: the model's view of the image, and patch maps over it, straight
// into ImageData (one pixel per image pixel or per patch; CSS scales them up, pixelated).
import { parseColor, type Rgb } from '../shared/colorRamp';
import { markRgbOf } from '../shared/markColour';
import { cssVar } from '../shared/theme';

/** [height, width, 3] RGB bytes into a canvas of that size */
export function drawRgb(canvas: HTMLCanvasElement, rgb: Uint8Array, width: number, height: number): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    img.data[i * 4] = rgb[i * 3];
    img.data[i * 4 + 1] = rgb[i * 3 + 1];
    img.data[i * 4 + 2] = rgb[i * 3 + 2];
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * The overlay's colour: the theme's orange chart colour, so it reads on light, dark and
 * high-contrast themes, kept 3:1 off the panel where the head maps lie (Light Modern's is 2.9:1).
 */
export function overlayColour(): Rgb {
  return markRgbOf(cssVar('--vscode-charts-orange', '#d18616'));
}

/**
 * A [rows, cols] map of values into a canvas, one pixel per patch: the colour at opacity
 * `maxAlpha` × value / max (sqrt, so weak but real attention stays visible).
 */
export function drawPatchMap(canvas: HTMLCanvasElement, map: Float32Array, rows: number, cols: number, colour: Rgb, maxAlpha = 0.85, cursor?: number): void {
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(cols, rows);
  let max = 0;
  for (const v of map) max = Math.max(max, v);
  for (let i = 0; i < rows * cols; i++) {
    const t = max > 0 ? Math.sqrt(Math.max(0, map[i]) / max) : 0;
    img.data[i * 4] = colour[0];
    img.data[i * 4 + 1] = colour[1];
    img.data[i * 4 + 2] = colour[2];
    img.data[i * 4 + 3] = Math.round(255 * maxAlpha * t);
  }
  if (cursor !== undefined && cursor >= 0 && cursor < rows * cols) {
    // the patch the pointer or the arrow keys are on: solid focus colour
    const focus = parseColor(cssVar('--vscode-focusBorder', '#007fd4'), [0, 127, 212]);
    img.data.set([focus[0], focus[1], focus[2], 255], cursor * 4);
  }
  ctx.putImageData(img, 0, 0);
}

/** Decodes WebP / GIF bytes with the browser's decoder (GIF: its first frame, as PIL reads it). */
export async function decodeInBrowser(bytes: Uint8Array, mime: string): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: mime }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to decode the image into');
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  bitmap.close();
  return { width: data.length / 4 / canvas.height, height: canvas.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
