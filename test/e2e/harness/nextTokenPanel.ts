// Page object for the next-token panel webview. VS Code nests two iframes: the host frame
// (`iframe.webview.ready` once loaded) and the panel document (`iframe#active-frame`).
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { panelFrame } from './panelFrame';

const long = 120_000;

export type PanelState = 'loading' | 'drawn' | 'error';

export interface TopRow {
  id: number;
  token: string;
  prob: number;
  logit: number;
  rank: number;
}

export class NextTokenPanel {
  readonly frame: FrameLocator;

  constructor(readonly page: Page) {
    // `.last()`: other webviews (none today) would come before the newest panel.
    this.frame = panelFrame(page);
  }

  get body(): Locator {
    return this.frame.locator('body');
  }

  async state(): Promise<string | null> {
    return this.body.getAttribute('data-state', { timeout: long });
  }

  /** Waits until body[data-state] is one of `states`, and returns it. */
  async waitState(states: PanelState[], timeout = long): Promise<PanelState> {
    const selector = states.map((s) => `body[data-state="${s}"]`).join(', ');
    await this.frame.locator(selector).waitFor({ state: 'attached', timeout });
    return (await this.state()) as PanelState;
  }

  /** Waits for the drawn state; an error state fails at once with the panel's message. */
  async waitDrawn(timeout = long): Promise<void> {
    const state = await this.waitState(['drawn', 'error'], timeout);
    if (state === 'error') throw new Error(`panel shows an error: ${await this.error()}`);
  }

  /**
   * Waits for a drawn panel showing `tokenCount` chips. The panel is reused between requests, so
   * "drawn" alone could still be the previous selection's result.
   */
  async waitDrawnFor(tokenCount: number, timeout = long): Promise<void> {
    const deadline = Date.now() + timeout;
    let seen = -1;
    for (;;) {
      await this.waitDrawn(Math.max(1, deadline - Date.now()));
      seen = await this.chips().count();
      if (seen === tokenCount) return;
      if (Date.now() > deadline) throw new Error(`panel drawn with ${seen} token chips, expected ${tokenCount}`);
      await this.page.waitForTimeout(250);
    }
  }

  async rows(): Promise<TopRow[]> {
    // No helper functions inside the page callback: tsx compiles with keepNames, which wraps
    // named functions in a `__name(...)` call that does not exist in the browser.
    const cells = await this.frame.locator('#topk tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-token-id') ?? '',
        tr.querySelector('td.token')?.textContent ?? '',
        tr.querySelector('td.prob')?.textContent ?? '',
        tr.querySelector('td.logit')?.textContent ?? '',
        tr.querySelector('td.rank')?.textContent ?? '',
      ]),
    );
    return cells.map(([id, token, prob, logit, rank]) => ({
      id: Number(id),
      token,
      prob: Number.parseFloat(prob),
      logit: Number.parseFloat(logit),
      rank: Number.parseInt(rank, 10),
    }));
  }

  async topTokenIds(k: number): Promise<number[]> {
    return (await this.rows()).slice(0, k).map((r) => r.id);
  }

  chips(): Locator {
    return this.frame.locator('#chips .chip');
  }

  async chipsText(): Promise<string> {
    return (await this.frame.locator('#chips').textContent({ timeout: long })) ?? '';
  }

  async error(): Promise<string> {
    return (await this.frame.locator('#error').textContent({ timeout: long })) ?? '';
  }

  async entropy(): Promise<string> {
    return (await this.frame.locator('#entropy').textContent({ timeout: long })) ?? '';
  }

  async chartSize(): Promise<{ width: number; height: number } | null> {
    return this.frame.locator('canvas#chart').boundingBox();
  }

  /** Counts elements matching `selector` in the panel document (e.g. "img", "script"). */
  async count(selector: string): Promise<number> {
    return this.frame.locator(selector).count();
  }

  /** The panel document's Frame (for page-level evaluation such as window.__tlTimings). */
  async contentFrame(): Promise<Frame | null> {
    const handle = await this.frame.locator('body').elementHandle({ timeout: long });
    return handle ? handle.ownerFrame() : null;
  }
}
