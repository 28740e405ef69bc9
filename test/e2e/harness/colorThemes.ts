// The four colour themes every panel must stay readable in, and switching between them in a running
// workbench the way a user does (Preferences: Color Theme), then waiting until the given webview
// frame wears the new theme's class. (code-server does not pick up a rewritten settings.json.)
// A session can also start in a theme: openSession({ settings: { 'workbench.colorTheme': id } }).
import type { Frame, FrameLocator } from 'playwright-core';
import { contrastRatio as contrast, type Rgb } from '../../../src/util/contrast';
import type { Session } from './session';

export interface ColorTheme {
  /** the `workbench.colorTheme` setting */
  id: string;
  /** its row in the Preferences: Color Theme picker */
  label: string;
  /** short name for screenshot files */
  slug: string;
  /** selector of a webview's <body> in this theme (VS Code sets its class) */
  body: string;
}

export const COLOR_THEMES: readonly ColorTheme[] = [
  { id: 'Default Dark Modern', label: 'Dark Modern', slug: 'dark', body: 'body.vscode-dark:not(.vscode-high-contrast)' },
  { id: 'Default Light Modern', label: 'Light Modern', slug: 'light', body: 'body.vscode-light:not(.vscode-high-contrast-light)' },
  { id: 'Default High Contrast', label: 'Dark High Contrast', slug: 'hc-dark', body: 'body.vscode-high-contrast:not(.vscode-high-contrast-light)' },
  { id: 'Default High Contrast Light', label: 'Light High Contrast', slug: 'hc-light', body: 'body.vscode-high-contrast-light' },
];

/** Switches the workbench to `theme`; resolves once `frame`'s body has the theme's class (a FrameLocator, or a Frame held across tabs). */
export async function useColorTheme(session: Session, theme: ColorTheme, frame: FrameLocator | Frame): Promise<void> {
  const { workbench, page } = session;
  await workbench.dismissOverlays();
  // Ctrl+K Ctrl+T opens the theme picker itself: in the palette, "Preferences: Color Theme" ranks
  // below "Browse Color Themes in Marketplace", which Enter would pick
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await workbench.quickInput.waitFor({ state: 'visible', timeout: 60_000 });
  await workbench.quickInput.fill(theme.label);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: theme.label }).waitFor({ timeout: 60_000 });
  await page.keyboard.press('Enter');
  await workbench.quickInput.waitFor({ state: 'hidden', timeout: 60_000 });
  await frame.locator(theme.body).waitFor({ state: 'attached', timeout: 60_000 });
  // panels redraw their canvases on the class change (a MutationObserver); give them a frame to do it
  await frame.locator('body').evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
}

/** WCAG contrast ratio of two CSS colours as computed in the page ("rgb(…)" / "rgba(…)", alpha ignored). */
export function contrastRatio(a: string, b: string): number {
  const rgb = (css: string): Rgb => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css);
    if (!m) throw new Error(`not an rgb() colour: ${css}`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  };
  return contrast(rgb(a), rgb(b));
}
