import type { FrameLocator, Page } from 'playwright-core';

/** The newest panel's document: the webview host iframe (`iframe.webview.ready` once loaded), then the panel's own `iframe#active-frame`. */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}
