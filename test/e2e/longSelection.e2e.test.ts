// A 5,000-line log selected whole: the editor stays responsive, the next-token panel reads the
// last tokens that fit and says how many it dropped, surprisal says it truncated.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('a whole 5,000-line file: truncated visibly, never silently', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'long-selection', async () => {
    const { workbench, page } = session;
    await workbench.openFile('server.log');
    await workbench.selectAll();
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const panel = new NextTokenPanel(page);
    await panel.waitDrawn(300_000);
    const notice = (await panel.frame.locator('#notice').textContent()) ?? '';
    assert.match(notice, /The selection has [\d,]+ tokens; the model read only the last 2047/, `notice: ${notice}`);
    assert.equal(await panel.chips().count(), 2048, 'BOS + the last 2047 tokens');
    await workbench.screenshot('long-selection-next-token');

    await workbench.selectAll();
    await workbench.runPaletteCommand('Tensorloupe: Show Token Surprisal');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Scored the first 2048' });
    await toast.waitFor({ timeout: 300_000 });
    await workbench.screenshot('long-selection-surprisal');
  });
});
