// Page object for the next-token panel webview. VS Code nests two iframes: the host frame
// (`iframe.webview.ready` once loaded) and the panel document (`iframe#active-frame`).
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';

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
    this.frame = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
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

  async rows(): Promise<TopRow[]> {
    return this.frame.locator('#topk tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cell = (name: string): string => tr.querySelector(`td.${name}`)?.textContent ?? '';
        return {
          id: Number(tr.getAttribute('data-token-id')),
          token: cell('token'),
          prob: Number.parseFloat(cell('prob')),
          logit: Number.parseFloat(cell('logit')),
          rank: Number.parseInt(cell('rank'), 10),
        };
      }),
    );
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
