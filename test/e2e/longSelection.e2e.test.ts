// A 5,000-line log selected whole: the editor stays responsive, the next-token panel reads the
// last tokens that fit and says how many it dropped, surprisal says it truncated, and the attention
// panel draws every head of 2,048 tokens (16 chunks of rows through the KV cache, reduced in the graph).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AttentionPanel } from './harness/attentionPanel';
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

test('a whole 5,000-line file in the attention panel: every head of 2,048 tokens, a head view of 2,048 × 2,048', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'long-selection-attention', async () => {
    const { workbench, page } = session;
    await workbench.openFile('server.log');
    await workbench.selectAll();
    await workbench.runPaletteCommand('Tensorloupe: Open Attention Map');
    const panel = new AttentionPanel(page);
    await panel.waitDrawn();
    const subtitle = (await panel.frame.locator('#subtitle').textContent()) ?? '';
    assert.match(subtitle, / 2048 tokens · 4 layers × 4 heads/, `subtitle: ${subtitle}`);
    const notice = (await panel.frame.locator('#notice').textContent()) ?? '';
    assert.match(notice, /The selection has [\d,]+ tokens; the model read only the last 2047/, `notice: ${notice}`);
    assert.equal(await panel.thumbnails().count(), 16, 'one thumbnail per layer × head');
    assert.equal(await panel.statRows().count(), 16, 'one statistics row per head');
    await panel.thumbnail(3, 2).click();
    await panel.waitHead(3, 2);
    assert.deepEqual(await panel.heatmapSize(), { width: 2048, height: 2048 }, 'the head view holds every row of every chunk');
    await workbench.screenshot('long-selection-attention');
  });
});
