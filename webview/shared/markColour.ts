// Colours for marks — bars, chart lines, swatches, the hot end of a heatmap, a playhead — from the
// theme's variables, kept 3:1 off the panel background (WCAG 2.1's non-text contrast). Read them
// again when the theme changes (onThemeChange).
import { parseColor, type Rgb } from './colorRamp';
import { cssVar } from './theme';
import { standingOut } from '../../src/util/contrast';

export const MARK_CONTRAST = 3;

/** The panel background and text colours, as RGB. */
export function panelRgb(): { background: Rgb; text: Rgb } {
  return {
    background: parseColor(cssVar('--vscode-editor-background', '#1e1e1e'), [30, 30, 30]),
    text: parseColor(cssVar('--vscode-foreground', '#cccccc'), [204, 204, 204]),
  };
}

/** A CSS colour as a mark on the panel: itself, or moved towards the text colour until it stands 3:1 off the background. */
export function markRgbOf(colour: string): Rgb {
  const { background, text } = panelRgb();
  return standingOut(parseColor(colour, text), background, text, MARK_CONTRAST);
}

/** The theme variable `name` (else `fallback`) as a mark colour, `rgb(…)`. */
export function markColour(name: string, fallback: string): string {
  const [r, g, b] = markRgbOf(cssVar(name, fallback));
  return `rgb(${r}, ${g}, ${b})`;
}
