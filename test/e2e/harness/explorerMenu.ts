// The explorer's context menu on a workspace file, the way a user right-clicks it.
import type { Session } from './session';

/**
 * Right-clicks a file in the explorer and runs a context-menu item. The explorer's resource context
 * keys (resourceExtname) follow the focused row, so the row is clicked first. The menu is built from
 * the contributions known when it opens: until the extension host has registered Tensorloupe's,
 * the item is missing, so close the menu and ask again.
 */
export async function explorerMenu(s: Session, file: string, label: string): Promise<void> {
  const page = s.page;
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  const item = page.locator('.context-view .action-item .action-label', { hasText: label }).first();
  for (let attempt = 0; ; attempt++) {
    await row.click({ button: 'right' });
    if (await item.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    if (attempt === 11) throw new Error(`the explorer context menu never offered ${label}`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(5_000);
  }
  const menu = page.locator('.context-view .monaco-menu');
  for (let attempt = 0; attempt < 3; attempt++) {
    await item.hover().catch(() => undefined);
    await page.waitForTimeout(300);
    await item.click({ timeout: 5_000 }).catch(() => undefined);
    if (await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false)) return;
  }
  throw new Error(`context menu item "${label}" did not run: the menu stayed open`);
}
