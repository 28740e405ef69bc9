import type { Session } from './session';

/**
 * Tensorloupe: Select Model → Hugging Face Hub… → `repo` → Enter (revision main). The Hub item
 * opens an input box in the same quick-input widget, so the palette helper that waits for the
 * widget to close does not fit: the steps by hand.
 */
export async function selectHubModel(session: Session, repo: string): Promise<void> {
  const { page, workbench } = session;
  await workbench.dismissOverlays();
  await workbench.focusEditor();
  await page.keyboard.press('F1');
  await workbench.quickInput.fill('>Tensorloupe: Select Model');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tensorloupe: Select Model' }).first().waitFor();
  await page.keyboard.press('Enter');
  const hubRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Hugging Face Hub…' }).first();
  await hubRow.waitFor();
  await hubRow.click();
  await page.locator('.quick-input-widget', { hasText: 'Hugging Face Hub model' }).first().waitFor();
  await workbench.quickInput.fill(repo);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: `revision of ${repo}` }).first().waitFor();
  await page.keyboard.press('Enter'); // main
}
