// Colours come from the --vscode-* variables VS Code sets on the webview's <body>, and change
// when the user switches theme (the body's class changes: vscode-light, vscode-dark,
// vscode-high-contrast, vscode-high-contrast-light).

export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function isHighContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
}

export interface ThemeColors {
  foreground: string;
  muted: string;
  accent: string;
  accentSelected: string;
  grid: string;
  border: string;
  fontFamily: string;
  /** the workbench font size in px (--vscode-font-size), for chart labels */
  fontSize: number;
  editorFontFamily: string;
  editorFontSize: number;
}

function px(value: string, fallback: number): number {
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function themeColors(): ThemeColors {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    accent: cssVar('--vscode-charts-blue', '#3794ff'),
    accentSelected: cssVar('--vscode-charts-orange', '#d18616'),
    grid: cssVar('--vscode-widget-border', cssVar('--vscode-panel-border', '#80808040')),
    border: isHighContrast() ? cssVar('--vscode-contrastBorder', '#ffffff') : 'transparent',
    fontFamily: cssVar('--vscode-font-family', 'sans-serif'),
    fontSize: px(cssVar('--vscode-font-size', '13px'), 13),
    editorFontFamily: cssVar('--vscode-editor-font-family', 'monospace'),
    editorFontSize: px(cssVar('--vscode-editor-font-size', '14px'), 14),
  };
}

/** Calls `redraw` whenever the theme changes. */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
