// WCAG 2 contrast measured on rendered pixels: a text box's background is its most common
// colour, its text the pixels that differ most from that background.
import type { Image } from './png';

export type Rgb = [number, number, number];

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio, 1 … 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export interface BoxContrast {
  background: Rgb;
  text: Rgb;
  ratio: number;
  /** pixels at (or near) the text colour: a box with none holds no glyph */
  textPixels: number;
}

/**
 * Contrast of the glyphs in a box of the image (CSS pixels × scale = image pixels). The text
 * colour is the one most different from the background, counted only where at least a few pixels
 * carry it, so one stray pixel cannot decide.
 */
export function boxContrast(img: Image, box: { x: number; y: number; width: number; height: number }): BoxContrast {
  const counts = colourCounts(img, box);
  const rgb = (k: number): Rgb => [(k >> 16) & 255, (k >> 8) & 255, k & 255];
  let bgKey = 0, bgCount = -1;
  for (const [k, n] of counts) if (n > bgCount) [bgKey, bgCount] = [k, n];
  const background = rgb(bgKey);
  // colours by contrast with the background, highest first; the text colour is the highest one
  // that, with the colours within 10 % of its contrast, covers at least 2 pixels
  const ranked = [...counts].map(([k, n]) => ({ k, n, r: contrastRatio(rgb(k), background) })).sort((a, b) => b.r - a.r);
  for (const c of ranked) {
    const near = ranked.filter((o) => o.r >= c.r * 0.9 && o.r <= c.r).reduce((s, o) => s + o.n, 0);
    if (near >= 2 && c.r > 1.01) return { background, text: rgb(c.k), ratio: c.r, textPixels: near };
  }
  return { background, text: background, ratio: 1, textPixels: 0 };
}

type Box = { x: number; y: number; width: number; height: number };

/** the colours of a box of the image with their pixel counts */
function colourCounts(img: Image, box: Box): Map<number, number> {
  const x0 = Math.max(0, Math.round(box.x)), y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(img.width, Math.round(box.x + box.width)), y1 = Math.min(img.height, Math.round(box.y + box.height));
  const counts = new Map<number, number>();
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const i = (y * img.width + x) * 4;
    const key = (img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
const rgbOf = (k: number): Rgb => [(k >> 16) & 255, (k >> 8) & 255, k & 255];

/** The colour of a box closest to `to` (largest channel difference), with that difference. */
export function nearestColour(img: Image, box: Box, to: Rgb): { colour: Rgb; distance: number } {
  let best: Rgb = [0, 0, 0], distance = Infinity;
  for (const k of colourCounts(img, box).keys()) {
    const c = rgbOf(k);
    const d = Math.max(Math.abs(c[0] - to[0]), Math.abs(c[1] - to[1]), Math.abs(c[2] - to[2]));
    if (d < distance) [best, distance] = [c, d];
  }
  return { colour: best, distance };
}

/**
 * The strongest mark of a box against `background`: the highest contrast that at least `minPixels`
 * pixels reach (a heatmap's hottest cells, a waveform's trace), so one stray pixel cannot decide.
 */
export function strongestContrast(img: Image, box: Box, background: Rgb, minPixels = 4): { ratio: number; colour: Rgb } {
  const ranked = [...colourCounts(img, box)].map(([k, n]) => ({ k, n, r: contrastRatio(rgbOf(k), background) })).sort((a, b) => b.r - a.r);
  let covered = 0;
  for (const c of ranked) {
    covered += c.n;
    if (covered >= minPixels) return { ratio: c.r, colour: rgbOf(c.k) };
  }
  return { ratio: 1, colour: background };
}

/** Colours that fill at least `minPixels` pixels of the box exactly: the solid strokes of a chart (a legend's swatches, its text colour). */
export function solidColours(img: Image, box: Box, minPixels: number): Rgb[] {
  return [...colourCounts(img, box)].filter(([, n]) => n >= minPixels).map(([k]) => rgbOf(k));
}

/**
 * A focus indicator, read from two pictures of the same place: focused and not. The ring is the
 * pixels that changed; its contrast is WCAG 2.2's (focused against unfocused pixel), the value
 * that `share` of the element's `perimeter` reaches — a 1-px ring all round is one perimeter of pixels.
 */
export function focusRingContrast(focused: Image, unfocused: Image, perimeter: number, share = 0.8): { ratio: number; changed: number } {
  const ratios: number[] = [];
  for (let i = 0; i < focused.data.length && i < unfocused.data.length; i += 4) {
    const a: Rgb = [focused.data[i], focused.data[i + 1], focused.data[i + 2]];
    const b: Rgb = [unfocused.data[i], unfocused.data[i + 1], unfocused.data[i + 2]];
    if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) ratios.push(contrastRatio(a, b));
  }
  ratios.sort((x, y) => y - x);
  const need = Math.max(1, Math.round(perimeter * share));
  return { ratio: ratios.length >= need ? ratios[need - 1] : 1, changed: ratios.length };
}
