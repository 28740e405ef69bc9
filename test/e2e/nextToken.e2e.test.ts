// Issue 3's first promise, end to end: select text, ask for the next-token distribution (context
// menu, then palette), and the panel lists the same top tokens the engine's CLI computes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { cliNextToken, cliSurprisal } from './harness/cli';
import { fixtureWorkspace } from './harness/paths';
import { fixtureLines, fixtureText } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

async function assertPanelMatchesCli(panel: NextTokenPanel, text: string): Promise<void> {
  const expected = cliNextToken(text, 10);
  await panel.waitDrawnFor(expected.tokens.length);
  const rows = await panel.rows();
  assert.ok(rows.length >= 10, `panel lists ${rows.length} candidates, expected at least 10`);
  assert.deepEqual(rows.slice(0, 10).map((r) => r.id), expected.next.map((n) => n.id), 'top-10 token ids: panel vs CLI');
  assert.deepEqual(rows.slice(0, 10).map((r) => r.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'ranks');
  for (const [i, row] of rows.slice(0, 10).entries()) {
    // The table shows 4 decimals of probability.
    assert.ok(Math.abs(row.prob - expected.next[i].prob) < 6e-5, `prob of rank ${i + 1}: ${row.prob} vs ${expected.next[i].prob}`);
  }
  const chart = await panel.chartSize();
  assert.ok(chart && chart.width > 50 && chart.height > 50, `bar chart drawn (${JSON.stringify(chart)})`);
  assert.match(await panel.entropy(), /bits/);
}

test('context menu: Inspect Next-Token Distribution on a TypeScript selection matches the CLI', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'next-token-context-menu', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectAll();
    await workbench.screenshot('next-token-context-menu-1-selection');
    await workbench.contextMenu('Inspect Next-Token Distribution');
    const panel = new NextTokenPanel(page);
    await assertPanelMatchesCli(panel, fixtureText('tokenize.ts'));
    await workbench.screenshot('next-token-context-menu-2-panel');

    // Clicking a chip shows that position's distribution.
    const chips = panel.chips();
    await chips.nth(3).click();
    await panel.frame.locator('body[data-position="3"]').waitFor({ state: 'attached', timeout: 60_000 });
    // the line under the chips: the token that came next, its rank (from the clicked row's logits) and bits, as the CLI's surprisal says
    const info = panel.frame.locator('#position-info');
    await info.filter({ hasText: 'continues with' }).waitFor({ timeout: 60_000 });
    const m = /rank (\d+), p = ([\d.]+), ([\d.]+) bits/.exec((await info.textContent()) ?? '');
    assert.ok(m, `position line: ${await info.textContent()}`);
    const after = cliSurprisal(join(fixtureWorkspace, 'tokenize.ts')).tokens[3]; // its tokens leave out the BOS, chip 0
    assert.equal(Number(m[1]), after.rank, 'rank of the token after chip 3: panel vs tensorloupe surprisal');
    assert.ok(Math.abs(Number(m[3]) - after.bits) <= 0.006, `bits: ${m[3]} vs ${after.bits}`);
    await workbench.screenshot('next-token-context-menu-3-chip');
  });
});

test('command palette: Tensorloupe: Inspect Next-Token Distribution matches the CLI', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'next-token-palette', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(12, 14);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    await assertPanelMatchesCli(new NextTokenPanel(page), fixtureLines('tokenize.ts', 12, 14));
    await workbench.screenshot('next-token-palette');
  });
});

test('after a window reload the restored panel says so, and its Retry runs on the editor selection', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'next-token-restored', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(12, 14);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    await new NextTokenPanel(page).waitDrawn();

    const reloaded = page.waitForEvent('load', { timeout: 120_000 });
    await workbench.runPaletteCommand('Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    const restored = new NextTokenPanel(page);
    assert.equal(await restored.waitState(['error', 'drawn']), 'error', 'a restored panel has no result to show');
    assert.match(await restored.error(), /restored after a reload\. Press Retry, or run "Tensorloupe: Inspect Next-Token Distribution"/);
    await workbench.screenshot('next-token-restored-1');

    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(3, 5);
    await restored.frame.locator('#retry').click();
    await assertPanelMatchesCli(restored, fixtureLines('tokenize.ts', 3, 5));
    await workbench.screenshot('next-token-restored-2-retried');
  });
});
