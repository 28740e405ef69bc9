// Proves the harness on plain code-server, without the extension: if this file fails, the e2e
// failures elsewhere are the harness's (or the environment's), not Tensorloupe's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSession, withFailureReport, type Session } from './harness/session';
import { normaliseViewText } from './harness/workbench';

let session: Session;
before(async () => { session = await openSession({ withExtension: false }); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('harness: quick open, select a range, palette command edits the selection', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'harness-palette', async () => {
    const { workbench } = session;
    await workbench.openFile('stats.py');
    // line 5: "class RunningStats:" → select "RunningStats" (columns 7..19)
    await workbench.selectRange(5, 7, 19);
    await workbench.runPaletteCommand('Transform to Uppercase');
    const line = workbench.viewLines.locator('.view-line', { hasText: 'class ' }).first();
    await line.filter({ hasText: 'RUNNINGSTATS' }).waitFor({ timeout: 60_000 });
    assert.match(normaliseViewText(await line.innerText()), /^class RUNNINGSTATS:/);
    await workbench.screenshot('harness-palette');
  });
});

test('harness: context menu on the selection runs an item', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'harness-context-menu', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectAll();
    const labels = await workbench.contextMenuLabels();
    assert.ok(labels.includes('Cut'), `context menu labels: ${labels.join(', ')}`);
    await workbench.contextMenu('Command Palette...');
    await workbench.quickInput.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await workbench.quickInput.inputValue(), '>');
    await workbench.screenshot('harness-context-menu');
    await page.keyboard.press('Escape');
  });
});
