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
  const x0 = Math.max(0, Math.round(box.x)), y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(img.width, Math.round(box.x + box.width)), y1 = Math.min(img.height, Math.round(box.y + box.height));
  const counts = new Map<number, number>();
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const i = (y * img.width + x) * 4;
    const key = (img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
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
