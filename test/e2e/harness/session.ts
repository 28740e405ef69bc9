// One code-server + one chromium page per test file: what every e2e test starts from.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { fixtureWorkspace } from './paths';
import { Workbench } from './workbench';

export interface Session {
  codeServer: CodeServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  workbench: Workbench;
  /** Messages of every JS dialog (alert/confirm/prompt) any frame opened; tests expect none. */
  dialogs: string[];
  close(): Promise<void>;
}

export async function openSession(options: Partial<CodeServerOptions> = {}): Promise<Session> {
  const codeServer = await startCodeServer({ workspace: fixtureWorkspace, ...options });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => undefined);
    });
    if (process.env.TENSORLOUPE_E2E_DEBUG === '1') {
      page.on('console', (m) => console.log(`   [console.${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`   [pageerror] ${e.message}`));
    }
    const workbench = new Workbench(page);
    await workbench.open(codeServer.url);
    const opened = browser;
    const close = async (): Promise<void> => {
      await opened.close().catch(() => undefined);
      await codeServer.stop();
    };
    return { codeServer, browser: opened, context, page, workbench, dialogs, close };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await codeServer.stop();
    throw error;
  }
}

/**
 * Runs one test body; on failure saves a screenshot and the tail of code-server's log (which
 * includes the extension host's output) so the failure can be read without re-running.
 */
export async function withFailureReport(session: Session, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const shot = await session.workbench.screenshot(`${name}-FAILED`).catch(() => 'none');
    const notes = await session.workbench.notifications().catch(() => []);
    const detail = [
      `screenshot: ${shot}`,
      notes.length ? `notifications: ${notes.join(' | ')}` : '',
      `code-server log tail:\n${session.codeServer.log().slice(-2500)}`,
    ].filter(Boolean).join('\n');
    if (error instanceof Error) error.message += `\n${detail}`;
    throw error;
  }
}
