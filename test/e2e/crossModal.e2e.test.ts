// Fit Cross-Modal Map end to end: palette → source / layer / method picks → the panel charts
// retrieval per source layer equal to `tensorloupe crossmap --json` on the same bundled samples,
// switches to the held-out candidates, and its text stays at 4.5:1 in all four colour themes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { repoRoot } from './harness/paths';
import { COLOR_THEMES, contrastRatio, useColorTheme } from './harness/colorThemes';
import { openSession, withFailureReport, type Session } from './harness/session';
import type { CrossModalResult } from '../../src/protocol/crossModal';

const long = 240_000;
type Plotted = Record<string, { label: string; data: { x: number; y: number }[] }[]>;
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('Fit Cross-Modal Map: glyph images → code LM, the chart equals the CLI, readable in every theme', { timeout: 600_000 }, async () => {
  await withFailureReport(session, 'cross-modal', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await page.keyboard.press('F1');
    await workbench.quickInput.waitFor({ state: 'visible', timeout: long });
    await workbench.quickInput.fill('>Tensorloupe: Fit Cross-Modal Map');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tensorloupe: Fit Cross-Modal Map' }).first().waitFor({ timeout: long });
    await page.keyboard.press('Enter');
    for (const label of ['Images of characters', 'Chosen by cross-validation', 'Ridge and Procrustes']) {
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
      await row.waitFor({ timeout: long });
      await row.click();
    }
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: long });

    const want = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'crossmap', '--json'], { cwd: repoRoot, encoding: 'utf8' })) as CrossModalResult;
    const plotted = () => frame.locator('#chart-at1').evaluate(() => (window as unknown as { __tlCrossModalCharts: Plotted }).__tlCrossModalCharts);
    const series = (p: Plotted, chart: string, label: string) => p[chart].find((d) => d.label === label)?.data;
    let p = await plotted();
    assert.equal(await frame.locator('body').getAttribute('data-layers'), String(want.layers.length));
    assert.deepEqual(series(p, 'at1', 'ridge'), want.layers.map((l) => ({ x: l.layer, y: l.ridge!.retrievalAt1 })));
    assert.deepEqual(series(p, 'at5', 'Procrustes'), want.layers.map((l) => ({ x: l.layer, y: l.procrustes!.retrievalAt5 })));
    assert.deepEqual(series(p, 'at5', 'ridge, shuffled pairs'), want.layers.map((l) => ({ x: l.layer, y: l.shuffled.ridge!.retrievalAt5 })));
    assert.deepEqual(series(p, 'at1', 'chance'), want.layers.map((l) => ({ x: l.layer, y: want.chance.retrievalAt1 })));
    // the held-out table: one row per held-out class, at the layer cross-validation chose
    assert.deepEqual(await frame.locator('#held-out tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-class'))), want.split.test);
    assert.match((await frame.locator('#table-title').textContent()) ?? '', new RegExp(`layer ${want.tableLayer} .*chosen by cross-validation`));
    assert.match((await frame.locator('#notice').textContent()) ?? '', /every sample has the same blocks\.0\.hook_resid_pre/);

    await frame.locator('#candidates').selectOption('held-out');
    await frame.locator('body[data-candidates="held-out"]').waitFor({ state: 'attached' });
    p = await plotted();
    assert.deepEqual(series(p, 'at1', 'Procrustes'), want.layers.map((l) => ({ x: l.layer, y: l.procrustes!.heldOutRetrievalAt1 })));
    assert.deepEqual(series(p, 'at1', 'chance'), want.layers.map((l) => ({ x: l.layer, y: want.chance.heldOutRetrievalAt1 })));
    await workbench.screenshot('cross-modal-map');

    try {
      for (const theme of COLOR_THEMES) {
        await useColorTheme(session, theme, frame);
        // every piece of text against the background it is drawn on (the nearest ancestor with one)
        const pairs = await frame.locator('#content').evaluate((root: HTMLElement) =>
          [...root.querySelectorAll<HTMLElement>('td, th, p, strong, h2, label')].filter((e) => (e.textContent ?? '').trim() !== '').map((e) => {
            let b: Element | null = e;
            let bg = 'rgba(0, 0, 0, 0)';
            while (b && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
              bg = getComputedStyle(b).backgroundColor;
              b = b.parentElement;
            }
            return { fg: getComputedStyle(e).color, bg, text: (e.textContent ?? '').slice(0, 30) };
          }),
        );
        const worst = pairs.map((x) => ({ ...x, ratio: contrastRatio(x.fg, x.bg) })).sort((a, b) => a.ratio - b.ratio)[0];
        console.log(`cross-modal ${theme.slug}: lowest text contrast ${worst.ratio.toFixed(2)} (${worst.fg} on ${worst.bg}, "${worst.text}")`);
        assert.ok(worst.ratio >= 4.5, `${theme.id}: ${JSON.stringify(worst)}`);
        await workbench.screenshot(`cross-modal-map-${theme.slug}`);
      }
    } finally {
      await useColorTheme(session, COLOR_THEMES[0], frame).catch(() => undefined);
    }
  });
});
