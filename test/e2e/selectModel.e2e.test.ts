// Vision and audio models through "Choose a model folder…": refused in one line that says what
// they are, never saved as the text model, so the status bar and every text command keep the last
// good model. And a panel whose run fails shows no header of the run before it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { repoRoot } from './harness/paths';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

const modelItem = () => session.page.locator('.statusbar-item', { hasText: /tensorloupe-/ }).first();

/** Select Model → Choose a model folder… → types `folder` into the (simple) folder dialog. */
async function chooseFolder(folder: string): Promise<void> {
  const { page, workbench } = session;
  await workbench.dismissOverlays();
  await workbench.focusEditor(); // not the panel's webview, which would take the key
  await page.keyboard.press('F1');
  await workbench.quickInput.fill('>Tensorloupe: Select Model');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tensorloupe: Select Model' }).first().waitFor();
  await page.keyboard.press('Enter');
  const browse = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Choose a model folder' }).first();
  await browse.waitFor();
  await browse.click();
  await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.startsWith('/') ?? false);
  // The dialog opens on its start folder (the workspace) and lists it in the background. When that
  // listing lands after the user has typed, it writes the start folder back into the input
  // (SimpleFileDialog.updateItems with force), so Enter then accepted the workspace, or only
  // re-listed it and no message came. So: type only once the start folder is listed (its ".."
  // row), and press Enter only once the typed path is still the input's value and its folder is
  // listed (the model folder's own onnx folder).
  await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^\.\.$/ }).first().waitFor();
  const typed = `${folder}/`;
  await workbench.quickInput.fill(typed);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'onnx' }).first().waitFor();
  await page.waitForFunction((want) => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value === want, typed);
  await page.keyboard.press('Enter');
}

/** The toasts, and the notification centre's list (a toast can be folded into the bell on a busy machine). */
async function allNotifications(): Promise<string[]> {
  const centre = await session.page.locator('.notifications-center .notification-list-item-message').allInnerTexts();
  return [...(await session.workbench.notifications()), ...centre];
}

async function waitNotification(pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 120_000;
  let centreOpened = false;
  for (;;) {
    const found = (await allNotifications()).find((n) => pattern.test(n));
    if (found) return found;
    if (!centreOpened && Date.now() > deadline - 100_000) {
      centreOpened = true;
      await session.workbench.runPaletteCommand('Notifications: Show Notifications');
    }
    if (Date.now() > deadline) throw new Error(`no notification matching ${pattern}: ${(await allNotifications()).join(' | ')}`);
    await session.page.waitForTimeout(250);
  }
}

// A vision or audio folder chosen in Select Model becomes that modality's model (Inspect Image /
// Inspect Audio read it); the text commands keep theirs.
for (const [name, modality, setting] of [
  ['tensorloupe-glyph-vit', 'vision', 'visionModel'],
  ['tensorloupe-speech-kws', 'audio', 'audioModel'],
] as const) {
  test(`choosing ${name} as the model makes it the ${modality} model and keeps the text model`, { timeout: 300_000 }, async () => {
    await withFailureReport(session, `select-model-${name}`, async () => {
      const { workbench, page } = session;
      await workbench.openFile('tokenize.ts');
      await chooseFolder(join(repoRoot, 'models', name));
      const message = await waitNotification(new RegExp(`${name} is now the`));
      await workbench.screenshot(`select-model-${name}`);
      assert.match(message, new RegExp(`${name} is now the ${modality} model \\(tensorloupe\\.${setting}\\); the text model is still tensorloupe-code-lm`));
      await modelItem().waitFor({ timeout: 60_000 });
      assert.match(await modelItem().innerText(), /tensorloupe-code-lm/, 'the status bar still names the text model');

      // and the text commands still work on it
      await workbench.selectLines(8, 10);
      await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
      const panel = new NextTokenPanel(page);
      await panel.waitDrawnFor(cliNextToken(fixtureLines('tokenize.ts', 8, 10), 1).tokens.length);
      assert.match(await panel.frame.locator('#subtitle').innerText(), /^tensorloupe-code-lm · tokenize\.ts:8/);
      await workbench.runPaletteCommand('Notifications: Clear All Notifications');
    });
  });
}

test('a run that fails clears the header, notices and tab title of the run before it', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'stale-header', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(8, 10);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const panel = new NextTokenPanel(page);
    await panel.waitDrawnFor(cliNextToken(fixtureLines('tokenize.ts', 8, 10), 1).tokens.length);
    assert.match(await panel.frame.locator('#subtitle').innerText(), /tensorloupe-code-lm/);
    await page.locator('.tab', { hasText: 'Next Token · tensorloupe-code-lm' }).first().waitFor();

    // the user points tensorloupe.model at an image model by hand, in the settings file of the
    // machine the extension runs on (a machine-overridable setting in a remote window lives there)
    const machineSettings = join(session.codeServer.runDir, 'user-data', 'Machine', 'settings.json');
    mkdirSync(dirname(machineSettings), { recursive: true });
    const current = existsSync(machineSettings) ? (JSON.parse(readFileSync(machineSettings, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(machineSettings, JSON.stringify({ ...current, 'tensorloupe.model': join(repoRoot, 'models', 'tensorloupe-glyph-vit') }, null, 2));
    await page.locator('.statusbar-item', { hasText: 'tensorloupe-glyph-vit' }).first().waitFor({ timeout: 60_000 });

    await workbench.selectLines(3, 5);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    assert.equal(await panel.waitState(['error']), 'error');
    await workbench.screenshot('stale-header-error');
    assert.match(await panel.error(), /tensorloupe-glyph-vit is an image classifier/);
    assert.equal(await panel.frame.locator('#subtitle').innerText(), '', 'no subtitle of the earlier run');
    assert.equal(await panel.frame.locator('#notice').isHidden(), true, 'no notices of the earlier run');
    const tab = (await page.locator('.tab', { hasText: 'Next Token' }).first().innerText()).trim();
    assert.equal(tab, 'Next Token', 'the tab no longer names the earlier run’s model');
  });
});
