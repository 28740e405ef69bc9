// Page object for the VS Code workbench in code-server: the few gestures the tests need, written
// the way a user performs them (quick open, mouse selection, right-click, palette, hover).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { resultsDir } from './paths';

const long = 120_000; // 2 shared cores: the workbench can take a while to answer

/** Monaco renders spaces as U+00A0 in the view; compare text only after normalising. */
export function normaliseViewText(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

export class Workbench {
  /** The file last opened with openFile(); its editor is the one the gestures act on. */
  private currentFile = '';

  constructor(readonly page: Page) {}

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget input');
  }

  /**
   * The text editor showing the current file. Found through its group's active tab rather than
   * the "active" group: a webview panel opened beside takes the active group for itself.
   */
  get editor(): Locator {
    if (!this.currentFile) return this.page.locator('.editor-group-container.active .monaco-editor').first();
    return this.page
      .locator('.editor-group-container', { has: this.page.locator(`.tab.active[aria-label*="${this.currentFile}"]`) })
      .locator('.monaco-editor')
      .first();
  }

  get viewLines(): Locator {
    return this.editor.locator('.view-lines');
  }

  /** Loads the workbench and waits until the explorer lists the workspace. */
  async open(url: string): Promise<void> {
    await this.page.goto(url, { timeout: long });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: long });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: long });
  }

  /** Opens a workspace file by name through quick open (Ctrl+P). */
  async openFile(name: string): Promise<void> {
    await this.dismissOverlays();
    await this.page.keyboard.press('Control+P');
    await this.quickInput.waitFor({ state: 'visible', timeout: long });
    await this.quickInput.fill(name);
    // wait for the *focused* row: Enter opens that one, and until the filter has run it can still be
    // the most recent file (after a 500-KB server.log, Enter reopened it instead of stats.py)
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: long });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab.active[aria-label*="${name}"]`).first().waitFor({ timeout: long });
    this.currentFile = name;
    await this.viewLines.waitFor({ timeout: long });
    await this.viewLines.locator('.view-line').first().waitFor({ timeout: long });
  }

  /**
   * Escape closes quick input, menus and hovers that could swallow the next key press; a click on
   * the side bar's title takes the focus back from a webview (whose iframe would get the keys).
   */
  async dismissOverlays(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.part.sidebar .composite.title').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  }

  async focusEditor(): Promise<void> {
    await this.viewLines.locator('.view-line').first().click({ position: { x: 2, y: 2 } });
    // the click lands before VS Code has made this editor the active one: a Ctrl+P sent at once
    // could still find the webview beside it active ("Open a text editor first to go to a line")
    await this.editor.and(this.page.locator('.monaco-editor.focused')).waitFor({ timeout: long });
  }

  async selectAll(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+A');
    await this.waitSelection();
  }

  /**
   * Selects columns [startCol, endCol) of a 1-based line with Go to Line (quick open with
   * `:line:column`) and Shift+Right, so it is exact whatever the font metrics are.
   */
  async selectRange(line: number, startCol: number, endCol: number): Promise<void> {
    await this.goTo(line, startCol);
    for (let i = startCol; i < endCol; i++) await this.page.keyboard.press('Shift+ArrowRight');
    await this.waitSelection();
  }

  /** Selects whole lines [fromLine, toLine] (1-based, inclusive), without the final newline. */
  async selectLines(fromLine: number, toLine: number): Promise<void> {
    await this.goTo(fromLine, 1);
    for (let i = fromLine; i < toLine; i++) await this.page.keyboard.press('Shift+ArrowDown');
    await this.page.keyboard.press('Shift+End');
    await this.waitSelection();
  }

  /**
   * Selects from the start of `fromLine` to column `toCol` of `toLine` (both 1-based; the
   * selection ends before toCol). Shift+Down keeps column 1, then Shift+Right walks the last line.
   */
  async selectFromLineStart(fromLine: number, toLine: number, toCol: number): Promise<void> {
    await this.goTo(fromLine, 1);
    for (let i = fromLine; i < toLine; i++) await this.page.keyboard.press('Shift+ArrowDown');
    for (let i = 1; i < toCol; i++) await this.page.keyboard.press('Shift+ArrowRight');
    await this.waitSelection();
  }

  private async goTo(line: number, column: number): Promise<void> {
    await this.focusEditor();
    // Quick open with a ':' prefix is Go to Line; Ctrl+G itself is not bound the same in browsers.
    await this.page.keyboard.press('Control+P');
    await this.quickInput.waitFor({ state: 'visible', timeout: long });
    await this.quickInput.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: long });
  }

  private async waitSelection(): Promise<void> {
    await this.editor.locator('.selected-text').first().waitFor({ timeout: long });
  }

  /**
   * Right-clicks on the selection and picks a context-menu item by its label (labels there omit
   * the command's category). The click lands on a text line over the selection: a click outside
   * it would move the cursor and the `editorHasSelection` items would vanish.
   */
  async contextMenu(label: string): Promise<void> {
    const point = await this.selectionPoint();
    await this.page.mouse.click(point.x, point.y, { button: 'right' });
    const item = this.page.locator('.context-view .action-item .action-label', { hasText: label }).first();
    await item.waitFor({ timeout: long });
    // A click on a menu that has just opened is ignored: hover, pause, click — and click again
    // while the menu stays open. Never press Enter as a fallback: if the menu closes meanwhile,
    // Enter lands in the editor and replaces the selection with a newline.
    const menu = this.page.locator('.context-view .monaco-menu');
    for (let attempt = 0; attempt < 3; attempt++) {
      await item.hover().catch(() => undefined);
      await this.page.waitForTimeout(300);
      await item.click({ timeout: 5_000 }).catch(() => undefined);
      const closed = await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false);
      if (closed) return;
    }
    throw new Error(`context menu item "${label}" did not run: the menu stayed open`);
  }

  /**
   * A point on the widest rendered piece of the selection. Monaco re-renders the selection layer
   * (e.g. when semantic colouring arrives), so a located element can vanish before it is
   * measured: read all pieces in one go, and retry for a while.
   */
  async selectionPoint(): Promise<{ x: number; y: number }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rects = await this.editor.locator('.selected-text').evaluateAll((els) =>
        els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.top, r.width, r.height]),
      );
      const widest = rects.filter(([, , w, h]) => w > 4 && h > 4).sort((a, b) => b[2] - a[2])[0];
      if (widest) {
        const [x, y, w, h] = widest;
        return { x: x + Math.min(20, w / 2), y: y + h / 2 };
      }
      if (Date.now() > deadline) throw new Error('no visible selection to right-click');
      await this.page.waitForTimeout(200);
    }
  }

  /** Labels of the editor context menu for the current selection (then closes it). */
  async contextMenuLabels(): Promise<string[]> {
    const point = await this.selectionPoint();
    await this.page.mouse.click(point.x, point.y, { button: 'right' });
    const labels = this.page.locator('.context-view .action-item .action-label');
    await labels.first().waitFor({ timeout: long });
    const texts = (await labels.allInnerTexts()).map((t) => t.trim()).filter((t) => t.length > 0);
    await this.page.keyboard.press('Escape');
    return texts;
  }

  /** Runs a command by its palette title, e.g. "Tensorloupe: Show Token Surprisal". */
  async runPaletteCommand(title: string): Promise<void> {
    await this.startPaletteCommand(title);
    await this.quickInput.waitFor({ state: 'hidden', timeout: long });
  }

  private async startPaletteCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor({ state: 'visible', timeout: long });
    await this.quickInput.fill('>' + title);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: long });
    await this.page.keyboard.press('Enter');
  }

  /** Runs a palette command that asks with a quick pick (e.g. "Tensorloupe: Select Model") and picks the row `label`. */
  async runPaletteCommandAndPick(title: string, label: string): Promise<void> {
    await this.startPaletteCommand(title);
    // the command's own quick pick takes over the palette's widget, so wait for its row rather than for the palette to close
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: long });
    await this.quickInput.fill(label);
    await row.click();
    await this.quickInput.waitFor({ state: 'hidden', timeout: long });
  }

  /** Runs a palette command that asks with an input box (e.g. a glob) and answers `text` in place of the proposed value. */
  async runPaletteCommandAndType(title: string, text: string): Promise<void> {
    await this.startPaletteCommand(title);
    // the input box takes over the palette's widget: wait until its input no longer holds the ">command" typed
    await this.page.waitForFunction(() => {
      const input = document.querySelector('.quick-input-widget input') as HTMLInputElement | null;
      return input !== null && input.offsetParent !== null && !input.value.startsWith('>');
    }, undefined, { timeout: long });
    await this.quickInput.fill(text);
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: long });
  }

  /**
   * Hovers the first rendered occurrence of `text` in the editor and returns the hover's text.
   * The mouse goes to the middle of the word so the hover is for that token.
   */
  async hoverText(text: string): Promise<string> {
    const hover = this.page.locator('.monaco-hover:not(.hidden)').first();
    const target = await this.textBox(text);
    // Move away first: a hover already showing for another spot would be reused.
    await this.page.mouse.move(0, 0);
    await this.page.mouse.move(target.x, target.y, { steps: 4 });
    await hover.waitFor({ state: 'visible', timeout: 30_000 });
    await this.page.waitForTimeout(300); // contents may render in a second pass
    return normaliseViewText(await hover.innerText());
  }

  /** Page coordinates of the middle of the first occurrence of `text` in the rendered lines. */
  async textBox(text: string): Promise<{ x: number; y: number }> {
    const point = await this.viewLines.evaluate((root, needle) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const value = (node.textContent ?? '').replace(/\u00a0/g, ' ');
        const at = value.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const rect = range.getBoundingClientRect();
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
      return null;
    }, text);
    if (!point) throw new Error(`text ${JSON.stringify(text)} is not rendered in the editor`);
    return point;
  }

  /**
   * Editor decorations made with `createTextEditorDecorationType`: VS Code gives them generated
   * classes `ced-<key>-<n>`; background colours render in the overlay layer, text styles inline.
   */
  decorations(): Locator {
    return this.editor.locator('.view-overlays [class*="ced-"], .view-line [class*="ced-"]');
  }

  /** Notification toasts' text (errors from the extension show up here). */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(normaliseViewText);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const path = join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
