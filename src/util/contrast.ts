// WCAG 2 contrast between two sRGB colours, for keeping text readable on tinted backgrounds (the
// logit-lens cells) and for the tests that check it. Channels are 0–255.

export type Rgb = readonly [number, number, number];

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio, 1 (same) to 21 (black on white). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `from` moved a fraction t (0–1) of the way to `to`, in sRGB, as color-mix(in srgb) does. */
export function mixRgb(from: Rgb, to: Rgb, t: number): [number, number, number] {
  return [0, 1, 2].map((i) => Math.round(from[i] + (to[i] - from[i]) * t)) as [number, number, number];
}

/**
 * The largest t in [0, maxT] for which `text` on mixRgb(background, tint, t) keeps at least
 * `minRatio` contrast (0 when even the plain background does not). Bisection: contrast is monotone
 * in t for any one pair of colours as long as the mix does not cross the text's luminance, and
 * where it does, the smaller t found is the safe side.
 */
export function maxTintKeepingContrast(text: Rgb, background: Rgb, tint: Rgb, minRatio: number, maxT = 1): number {
  if (contrastRatio(text, background) < minRatio) return 0;
  if (contrastRatio(text, mixRgb(background, tint, maxT)) >= minRatio) return maxT;
  let lo = 0;
  let hi = maxT;
  for (let i = 0; i < 20; i++) {
    const mid = (lo + hi) / 2;
    if (contrastRatio(text, mixRgb(background, tint, mid)) >= minRatio) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * `colour`, or the least mix of it with `text` (in steps of 5 %) that stands `minRatio` off
 * `background`: a theme's chart colour kept where it is legible, nudged towards the text colour
 * where it is not (Light Modern's chart orange is 2.9:1 on white). `text` itself if no mix does.
 */
export function standingOut(colour: Rgb, background: Rgb, text: Rgb, minRatio: number): [number, number, number] {
  for (let t = 0; t < 1; t += 0.05) {
    const m = mixRgb(colour, text, t);
    if (contrastRatio(m, background) >= minRatio) return m;
  }
  return [text[0], text[1], text[2]];
}
