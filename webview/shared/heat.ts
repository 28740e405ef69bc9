// Cell backgrounds shaded by a value in [0, 1] (logit-lens cells, induction-score cells), from the
// theme's colours, with text on them kept readable.
import { parseColor } from './colorRamp';
import { cssVar } from './theme';
import { maxTintKeepingContrast, mixRgb } from '../../src/util/contrast';

/** The strongest tint a cell gets (value 1), where the theme's text stays readable on it anyway. */
const MAX_TINT = 0.65;
/**
 * WCAG AA for text (4.5:1; high-contrast themes promise it, and the others read better for it
 * too), and a little more: a cell's small figures are anti-aliased, and their rendered strokes
 * came out at 4.44:1 on a cell tinted to exactly 4.5 (Compare Prompts, Dark Modern).
 */
const MIN_CONTRAST = 4.8;

/**
 * Backgrounds for values in this theme: the editor background tinted towards the chart
 * blue (or `tintVar`) in proportion to the value, but never so far that the cell's text (the foreground colour) drops
 * below 4.5:1 (a fixed 65 % tint left Dark Modern's cell text at 3.39:1).
 * Recompute when the theme changes.
 */
export function heatScale(tintVar = '--vscode-charts-blue'): (value: number) => string {
  const fg = parseColor(cssVar('--vscode-foreground', '#cccccc'), [204, 204, 204]);
  const bg = parseColor(cssVar('--vscode-editor-background', '#1e1e1e'), [30, 30, 30]);
  const tint = parseColor(cssVar(tintVar, '#3794ff'), [55, 148, 255]);
  const max = maxTintKeepingContrast(fg, bg, tint, MIN_CONTRAST, MAX_TINT);
  return (value) => {
    const [r, g, b] = mixRgb(bg, tint, Math.max(0, Math.min(1, value)) * max);
    return `rgb(${r}, ${g}, ${b})`;
  };
}
