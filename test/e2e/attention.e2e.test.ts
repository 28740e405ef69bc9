// Issue 4 in the real UI: context menu → attention panel → click a head → head view, keyboard
// navigation of the model view, and the per-head table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AttentionPanel } from './harness/attentionPanel';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { openSession, withFailureReport, type Session } from './harness/session';
import { boxInViewport, insideViewport } from './harness/panelMeasures';
import { COLOR_THEMES, contrastRatio, useColorTheme } from './harness/colorThemes';

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

    // hovering the map: the read-out floats inside the viewport, wherever the pointer is
    // (it was a line under the 596-px map, below the fold while hovering it)
    const map = panel.frame.locator('#head-heatmap');
    for (const [fx, fy] of [[0.5, 0.5], [0.97, 0.97], [0.03, 0.97], [0.97, 0.03]]) {
      await map.scrollIntoViewIfNeeded();
      const b = (await map.boundingBox())!;
      await page.mouse.move(b.x + b.width * fx, b.y + b.height * fy);
      const r = await boxInViewport(panel.frame, '#tooltip');
      assert.ok(insideViewport(r), `read-out at (${fx}, ${fy}) of the map: ${JSON.stringify(r)}`);
      assert.match(r.text, /^query \d+ “.*” → key \d+ “.*”: \d\.\d{4}$/);
    }
    // the map fits the panel's width; the lines view is compact and scrolls inside a box no taller than the map
    const layout = await panel.frame.locator('body').evaluate(() => {
      const m = document.getElementById('head-heatmap')!.getBoundingClientRect();
      const lines = document.querySelector<HTMLElement>('.lines')!;
      return { mapW: m.width, mapH: m.height, bodyW: document.body.clientWidth, linesH: lines.clientHeight, linesScrollH: lines.scrollHeight, row: document.querySelector<HTMLElement>('.line-token')!.offsetHeight, pageW: document.documentElement.scrollWidth, viewW: window.innerWidth };
    });
    assert.ok(layout.mapW <= layout.bodyW, `map ${layout.mapW} px in a ${layout.bodyW}-px panel`);
    assert.equal(layout.row, 14, 'lines rows are 14 px');
    assert.ok(layout.linesH <= layout.mapH + 2, `lines box ${layout.linesH} px, map ${layout.mapH} px`);
    assert.ok(layout.linesScrollH > layout.linesH, `${tokens} tokens scroll inside the lines box (${layout.linesScrollH} > ${layout.linesH})`);
    assert.ok(layout.pageW <= layout.viewW, `no sideways scroll of the page: ${layout.pageW} > ${layout.viewW}`);

    // hovering the lines view: the read-out follows it, beside the token, naming the token and its strongest keys
    await panel.lineTokens().nth(5).hover();
    const q = await boxInViewport(panel.frame, '#tooltip');
    assert.ok(insideViewport(q), JSON.stringify(q));
    assert.match(q.text, /^query 5 “.*” attends most to keys: \d+ “/);
    await panel.frame.locator('.line-col.right .line-token').nth(7).hover();
    const k = await boxInViewport(panel.frame, '#tooltip');
    assert.ok(insideViewport(k), JSON.stringify(k));
    assert.match(k.text, /^key 7 “.*” is attended most by queries: \d+ “/);
    await workbench.screenshot('attention-2-head-view');

    // the statistics table: each header aligned like the numbers under it
    const aligns = await panel.frame.locator('#stats').evaluate((t: HTMLTableElement) =>
      [...t.tHead!.rows[0].cells].map((th, i) => [getComputedStyle(th).textAlign, getComputedStyle(t.tBodies[0].rows[0].cells[i]).textAlign]),
    );
    for (const [i, [th, td]] of aligns.entries()) assert.equal(th, td, `column ${i}: header ${th}, cells ${td}`);

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

test('the attention panel in Dark, Light, Dark High Contrast and Light High Contrast: the read-out stays in view and readable', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'attention-themes', async () => {
    const { workbench, page } = session;
    const panel = new AttentionPanel(page);
    await panel.waitDrawn();
    try {
      for (const theme of COLOR_THEMES) {
        await useColorTheme(session, theme, panel.frame);
        const map = panel.frame.locator('#head-heatmap');
        await map.scrollIntoViewIfNeeded();
        const b = (await map.boundingBox())!;
        // a theme switch redraws the map; a move that lands during the redraw can leave the read-out hidden, so move again until it shows
        await page.mouse.move(b.x + b.width * 0.8 - 3, b.y + b.height * 0.9 - 3);
        await page.mouse.move(b.x + b.width * 0.8, b.y + b.height * 0.9, { steps: 3 });
        await panel.frame.locator('#tooltip').waitFor({ state: 'visible', timeout: 10_000 });
        const r = await boxInViewport(panel.frame, '#tooltip');
        assert.ok(insideViewport(r), `${theme.id}: ${JSON.stringify(r)}`);
        const ratio = contrastRatio(r.color, r.background);
        assert.ok(ratio >= 4.5, `${theme.id}: read-out contrast ${ratio.toFixed(2)} (${r.color} on ${r.background})`);
        await workbench.screenshot(`attention-theme-${theme.slug}-heatmap`);
        await panel.lineTokens().nth(12).hover();
        await workbench.screenshot(`attention-theme-${theme.slug}-lines`);
        await page.mouse.move(0, 0); // leave the token, so its read-out goes
        await panel.frame.locator('#stats').scrollIntoViewIfNeeded();
        await workbench.screenshot(`attention-theme-${theme.slug}-table`);
      }
    } finally {
      await useColorTheme(session, COLOR_THEMES[0], panel.frame);
    }
  });
});
