// Issue 4 in the real UI: context menu → attention panel → click a head → head view, keyboard
// navigation of the model view, and the per-head table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AttentionPanel } from './harness/attentionPanel';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('context menu: Open Attention Map shows every head; clicking one opens its head view', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'attention', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(5, 15);
    await workbench.contextMenu('Open Attention Map');
    const panel = new AttentionPanel(page);
    await panel.waitDrawn();
    // the bundled code LM: 4 layers × 4 heads
    assert.equal(await panel.thumbnails().count(), 16, 'one thumbnail per layer × head');
    assert.equal(await panel.statRows().count(), 16, 'one statistics row per head');
    await panel.waitHead(0, 0);
    await workbench.screenshot('attention-1-model-view');

    await panel.thumbnail(2, 3).click();
    await panel.waitHead(2, 3);
    assert.match(await panel.headTitle(), /Layer 2, head 3/);
    const tokens = cliNextToken(fixtureLines('stats.py', 5, 15), 1).tokens.length;
    assert.deepEqual(await panel.heatmapSize(), { width: tokens, height: tokens }, 'heatmap is tokens × tokens, one pixel per cell');
    assert.equal(await panel.lineTokens().count(), tokens, 'token-to-token lines list every token');
    await panel.lineTokens().nth(5).hover();
    await workbench.screenshot('attention-2-head-view');

    // keyboard: from L2H3, ArrowUp then Enter opens L1H3
    await panel.thumbnail(2, 3).focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await panel.waitHead(1, 3);

    // sort the table by induction score, descending, with the keyboard
    const header = panel.frame.locator('#stats th', { hasText: 'induction' });
    await header.focus();
    await page.keyboard.press('Enter');
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    await workbench.screenshot('attention-3-sorted');
  });
});
