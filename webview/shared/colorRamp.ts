// Colour ramps for heatmaps drawn straight into ImageData. Endpoints come from theme variables,
// so a map reads well on light, dark and high-contrast backgrounds.
import { cssVar } from './theme';
import { standingOut } from '../../src/util/contrast';

export type Rgb = [number, number, number];

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour → RGB, using the canvas's own colour parser. */
export function parseColor(css: string, fallback: Rgb): Rgb {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return fallback;
  probe.fillStyle = '#000000';
  probe.fillStyle = css;
  const v = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgba = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(v);
  return rgba ? [Number(rgba[1]), Number(rgba[2]), Number(rgba[3])] : fallback;
}

/**
 * 256 RGBA entries from the editor background (0) to the accent colour (255), as one Uint32 each.
 * The hot end stands 3:1 off the background (nudged towards the text colour where the accent does
 * not), so the strongest cells of a map are never faint.
 */
export function themeRamp(accentVar = '--vscode-charts-blue'): Uint32Array {
  const from = parseColor(cssVar('--vscode-editor-background', '#1e1e1e'), [30, 30, 30]);
  const text = parseColor(cssVar('--vscode-foreground', '#cccccc'), [204, 204, 204]);
  const to = standingOut(parseColor(cssVar(accentVar, '#3794ff'), [55, 148, 255]), from, text, 3);
  const lut = new Uint32Array(256);
  const bytes = new Uint8Array(lut.buffer);
  for (let i = 0; i < 256; i++) {
    // sqrt so that small probabilities stay visible next to a dominant one
    const t = Math.sqrt(i / 255);
    bytes[i * 4] = Math.round(from[0] + (to[0] - from[0]) * t);
    bytes[i * 4 + 1] = Math.round(from[1] + (to[1] - from[1]) * t);
    bytes[i * 4 + 2] = Math.round(from[2] + (to[2] - from[2]) * t);
    bytes[i * 4 + 3] = 255;
  }
  return lut;
}

/**
 * Draws a [rows, cols] uint8 map into a canvas, one pixel per cell, through the ramp. CSS scales
 * the canvas (image-rendering: pixelated), so a 2048×2048 map is one ImageData, not 4M nodes.
 */
export function drawUint8Map(canvas: HTMLCanvasElement, data: Uint8Array, rows: number, cols: number, lut: Uint32Array): void {
  const image = imageFor(canvas, cols, rows);
  if (!image) return;
  writePixels(new Uint32Array(image.data.buffer), data, 0, rows * cols, lut, 1);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

/**
 * The same for a map whose rows are scaled each to its own maximum (value = data · rowScale[row]):
 * rescales to the map's maximum while writing pixels, in one pass.
 */
export function drawRowScaledMap(canvas: HTMLCanvasElement, data: Uint8Array, rowScale: Float32Array, size: number, lut: Uint32Array): void {
  const image = imageFor(canvas, size, size);
  if (!image) return;
  let max = 0;
  for (const s of rowScale) if (s > max) max = s;
  const pixels = new Uint32Array(image.data.buffer);
  for (let q = 0; q < size; q++) writePixels(pixels, data, q * size, (q + 1) * size, lut, max > 0 ? rowScale[q] / max : 0);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

function imageFor(canvas: HTMLCanvasElement, width: number, height: number): ImageData | undefined {
  canvas.width = width;
  canvas.height = height;
  return canvas.getContext('2d')?.createImageData(width, height);
}

/**
 * pixels[i] = lut[data[i] · k] over [start, end). One loop for every map, thumbnails included, so
 * it is already optimised when a 1024×1024 head map comes (a cold first pass took twice as long).
 */
function writePixels(pixels: Uint32Array, data: Uint8Array, start: number, end: number, lut: Uint32Array, k: number): void {
  if (k === 1) for (let i = start; i < end; i++) pixels[i] = lut[data[i]];
  else for (let i = start; i < end; i++) pixels[i] = lut[(data[i] * k + 0.5) | 0];
}
