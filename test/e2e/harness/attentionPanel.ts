// Page object for the attention panel webview (same nesting as every panel: iframe.webview.ready
// → iframe#active-frame).
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { panelFrame } from './panelFrame';

const long = 180_000;

export class AttentionPanel {
  readonly frame: FrameLocator;

  constructor(readonly page: Page) {
    this.frame = panelFrame(page);
  }

  /**
   * Waits for the attention panel's own document: until its webview exists, the newest one may be a
   * panel opened before it (e.g. a drawn next-token panel), so the state alone would match too early.
   */
  async waitDrawn(): Promise<void> {
    await this.frame.locator('h1#title', { hasText: /^Attention$/ }).waitFor({ state: 'attached', timeout: long });
    await this.frame.locator('body[data-state="drawn"], body[data-state="error"]').waitFor({ state: 'attached', timeout: long });
    if ((await this.frame.locator('body').getAttribute('data-state')) === 'error') {
      throw new Error(`attention panel shows an error: ${await this.frame.locator('#error-text').textContent()}`);
    }
  }

  thumbnails(): Locator {
    return this.frame.locator('.thumb-button');
  }

  thumbnail(layer: number, head: number): Locator {
    return this.frame.locator(`.thumb-button[data-layer="${layer}"][data-head="${head}"]`);
  }

  /** Waits until the head view shows `layer`.`head`. */
  async waitHead(layer: number, head: number): Promise<void> {
    await this.frame.locator(`body[data-head-drawn="${layer}.${head}"]`).waitFor({ state: 'attached', timeout: long });
  }

  async headTitle(): Promise<string> {
    return (await this.frame.locator('#head-title').textContent()) ?? '';
  }

  async heatmapSize(): Promise<{ width: number; height: number }> {
    return this.frame.locator('#head-heatmap').evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height }));
  }

  statRows(): Locator {
    return this.frame.locator('#stats tbody tr');
  }

  lineTokens(): Locator {
    return this.frame.locator('.line-col.left .line-token');
  }
}
