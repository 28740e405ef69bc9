// Measurements of what a user sees in a panel, read from its DOM and its canvases' pixels.
// (No named functions inside evaluate callbacks: see the README's gotchas.)
import type { FrameLocator } from 'playwright-core';

export interface BoxInViewport {
  hidden: boolean;
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** the frame's viewport */
  width: number;
  height: number;
  color: string;
  background: string;
}

/** An element's box in its frame's viewport coordinates, its text and colours. */
export function boxInViewport(frame: FrameLocator, selector: string): Promise<BoxInViewport> {
  return frame.locator(selector).evaluate((e: HTMLElement) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return {
      hidden: e.hidden || s.display === 'none' || s.visibility === 'hidden',
      text: e.textContent ?? '',
      left: r.left, top: r.top, right: r.right, bottom: r.bottom,
      width: window.innerWidth, height: window.innerHeight,
      color: s.color, background: s.backgroundColor,
    };
  });
}

export function insideViewport(b: BoxInViewport): boolean {
  return !b.hidden && b.right > b.left && b.left >= 0 && b.top >= 0 && b.right <= b.width && b.bottom <= b.height;
}

export interface Swatch {
  /** pixel rows of the legend band holding the series' colour (a line: 1–4; the old filled box: ~12) */
  rows: number;
  /** separate runs of that colour along its fullest row (a dashed line: ≥ 2; solid: 1) */
  runs: number;
  /** pixels of that colour in the band */
  pixels: number;
}

/**
 * The legend swatch of the series drawn in `cssVar`'s colour, found in the top band of a chart.js
 * canvas (the legend sits above the plot). `band` is in CSS pixels.
 */
export function legendSwatch(frame: FrameLocator, canvasSelector: string, cssVar: string, band = 30): Promise<Swatch> {
  return frame.locator(canvasSelector).evaluate((canvas: HTMLCanvasElement, args: { cssVar: string; band: number }) => {
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.body).getPropertyValue(args.cssVar).trim();
    const hex = String(probe.fillStyle);
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const ctx = canvas.getContext('2d')!;
    const w = canvas.width;
    const h = Math.min(canvas.height, Math.round(args.band * devicePixelRatio));
    const data = ctx.getImageData(0, 0, w, h).data;
    const perRow: number[] = [];
    let pixels = 0;
    let best = -1;
    for (let y = 0; y < h; y++) {
      let n = 0;
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        const d = Math.abs(data[i] - want[0]) + Math.abs(data[i + 1] - want[1]) + Math.abs(data[i + 2] - want[2]);
        if (data[i + 3] > 200 && d < 60) n++;
      }
      perRow.push(n);
      pixels += n;
      if (best < 0 || n > perRow[best]) best = y;
    }
    let runs = 0;
    let gap = 99;
    for (let x = 0; x < w && best >= 0; x++) {
      const i = (best * w + x) * 4;
      const d = Math.abs(data[i] - want[0]) + Math.abs(data[i + 1] - want[1]) + Math.abs(data[i + 2] - want[2]);
      const on = data[i + 3] > 200 && d < 60;
      if (on && gap >= 2) runs++;
      gap = on ? 0 : gap + 1;
    }
    return { rows: perRow.filter((n) => n > 0).length, runs, pixels };
  }, { cssVar, band });
}
