// Issue 4 from the palette: Logit Lens, Find Induction Heads and Attention Dilution open their
// panels, draw, answer clicks and the keyboard, and agree with the CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { bundledModel } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { repoRoot } from './harness/paths';
import { visibleToken } from '../../src/util/format';
import { panelFrame } from './harness/panelFrame';
import { openSession, withFailureReport, type Session } from './harness/session';
import { legendSwatch } from './harness/panelMeasures';
import { COLOR_THEMES, contrastRatio, useColorTheme } from './harness/colorThemes';

const long = 240_000;
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

/** The newest panel's page; each test closes its editors after itself, so it is the only one. */
const panel = panelFrame;

async function waitDrawn(frame: FrameLocator, name: string): Promise<void> {
  await frame.locator('body[data-state="drawn"], body[data-state="error"]').waitFor({ state: 'attached', timeout: long });
  if ((await frame.locator('body').getAttribute('data-state')) === 'error') {
    throw new Error(`${name} panel shows an error: ${await frame.locator('#error-text').textContent()}`);
  }
}

/** Lens positions whose header cell is wholly inside the grid's scroll box, and the box's width. */
function columnsInView(frame: FrameLocator): Promise<{ positions: number[]; width: number }> {
  return frame.locator('#lens-wrap').evaluate((w: HTMLElement) => {
    const box = w.getBoundingClientRect();
    const labels = w.querySelector('thead th.lens-kl')!.getBoundingClientRect().right; // the sticky row labels and KL cover what is under them
    const positions = [...w.querySelectorAll<HTMLElement>('thead th.lens-input')]
      .filter((th) => { const r = th.getBoundingClientRect(); return r.left >= labels - 0.5 && r.right <= box.right + 0.5; })
      .map((th) => Number(th.dataset.position));
    return { positions, width: Math.round(box.width) };
  });
}

function timingsOf(frame: FrameLocator): Promise<Record<string, number>> {
  return frame.locator('body').evaluate(() => (window as unknown as { __tlTimings: Record<string, number> }).__tlTimings);
}

/** Closes every editor and panel, and waits until no tab is left (a 500-KB editor can outlive the first try). */
async function closeEditors(): Promise<void> {
  const tabs = session.page.locator('.tabs-container .tab');
  for (let attempt = 0; attempt < 3; attempt++) {
    await session.workbench.dismissOverlays();
    await session.workbench.runPaletteCommand('View: Close All Editors');
    if (await tabs.first().waitFor({ state: 'detached', timeout: 10_000 }).then(() => true, () => false)) return;
  }
  throw new Error(`editors still open after Close All Editors: ${(await tabs.allInnerTexts()).join(', ')}`);
}

function cli<T>(args: string[], model = bundledModel): T {
  const out = execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args, '--model', model, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return JSON.parse(out) as T;
}

test('palette: Logit Lens draws layers × positions; a column click and the keyboard retarget the trace', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'lens', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(5, 9);
    await workbench.runPaletteCommand('Tensorloupe: Logit Lens');
    const frame = panel(page);
    await waitDrawn(frame, 'logit lens');
    const rows = await frame.locator('#lens-grid tbody tr').count();
    assert.equal(rows, 5 + 1, 'embed, 3 inner layers, output, and the "next" row');
    const columns = await frame.locator('#lens-grid thead th.lens-input').count();
    assert.equal(await frame.locator('#lens-grid .lens-cell').count(), 5 * columns);
    await frame.locator('body[data-target]').waitFor({ state: 'attached', timeout: long });
    assert.equal(await frame.locator('#trace-table tbody tr').count(), 5, 'one trace row per lens row');
    // the default target position (the last) is scrolled into view when the panel opens
    const lastShown = await columnsInView(frame);
    assert.ok(lastShown.positions.includes(columns - 1), `position ${columns - 1} in view: ${JSON.stringify(lastShown)}`);
    await workbench.screenshot('lens-1-grid');
    // dense cells: many positions fit the panel beside the editor (8 did, in a ~570-px panel)
    await frame.locator('#lens-wrap').evaluate((w: HTMLElement) => { w.scrollLeft = 0; });
    const first = await columnsInView(frame);
    console.log(`lens: ${first.positions.length} of ${columns} columns in view in a ${first.width}-px grid box`);
    assert.ok(first.positions.length >= 12, `${first.positions.length} columns in view in ${first.width} px`);
    // <|endoftext|> is clipped inside its header cell with an ellipsis; the title holds it whole
    const bos = await frame.locator('#lens-grid thead th.lens-input[data-position="0"]').evaluate((th: HTMLElement) => {
      const span = th.querySelector<HTMLElement>('.lens-clip')!;
      return { text: span.textContent, title: th.title, clipped: span.scrollWidth > span.clientWidth, overflow: getComputedStyle(span).textOverflow, spanRight: span.getBoundingClientRect().right, thRight: th.getBoundingClientRect().right };
    });
    assert.equal(bos.text, '<|endoftext|>');
    assert.ok(bos.clipped && bos.overflow === 'ellipsis' && bos.spanRight <= bos.thRight + 0.5, JSON.stringify(bos));
    assert.match(bos.title, /<\|endoftext\|>/);
    // the chart's legend: the rank swatch is a dashed line, the probability's a solid one (the rank's was a filled blob)
    const rank = await legendSwatch(frame, '#target-chart', '--vscode-charts-orange');
    const prob = await legendSwatch(frame, '#target-chart', '--vscode-charts-blue');
    assert.ok(rank.rows <= 4 && rank.runs >= 2, `rank swatch ${JSON.stringify(rank)}`);
    assert.ok(prob.rows <= 4 && prob.runs === 1, `probability swatch ${JSON.stringify(prob)}`);

    // the output row's top token at the last position is the CLI's next-token answer
    const last = columns - 1;
    const outCell = frame.locator(`.lens-cell[data-layer="4"][data-position="${last}"] .lens-token`);
    const lens = cli<{ grid: { top: { text: string }[] }[][] }>(['lens', '--top-k', '1', fixtureLines('stats.py', 5, 9)]);
    assert.equal(lens.grid[4].length, columns, 'the CLI reads the same tokens');
    assert.equal(await outCell.textContent(), visibleToken(lens.grid[4][last].top[0].text), 'output row = CLI lens = the model’s next token');

    await frame.locator('#lens-grid thead th.lens-input').nth(2).click();
    await frame.locator('body[data-position="2"]').waitFor({ state: 'attached', timeout: long });
    // the text about the position follows the click at once, before the trace comes back
    assert.match((await frame.locator('#cell-info').textContent()) ?? '', /after position 2 /);
    assert.match((await frame.locator('#target-title').textContent()) ?? '', /after position 2 /);
    await frame.locator('.lens-cell[data-layer="0"][data-position="2"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await frame.locator('body[data-position="3"]').waitFor({ state: 'attached', timeout: long });
    // the title follows once the new position's trace has come back from the engine
    await frame.locator('#target-title', { hasText: 'after position 3' }).waitFor({ timeout: long });
    assert.match((await frame.locator('#target-title').textContent()) ?? '', /after position 3/);
    const timings = await frame.locator('body').evaluate(() => (window as unknown as { __tlTimings: Record<string, number> }).__tlTimings);
    assert.ok(timings.gridMs >= 0 && timings.targetChartMs >= 0, JSON.stringify(timings));
    console.log(`lens panel timings (ms): ${JSON.stringify(timings)}`);
    await workbench.screenshot('lens-2-position-3');

    // a token that does not exist is several tokens: the panel says so and which one it traces
    await frame.locator('#target-input').fill('notarealtoken_zzz');
    await frame.locator('#target-input').press('Enter');
    const note = frame.locator('#target-note', { hasText: 'notarealtoken_zzz' });
    await note.waitFor({ timeout: long });
    assert.match((await note.textContent()) ?? '', /^"notarealtoken_zzz" is \d+ tokens \(“not” “are”.*traces the first, “not” \(id \d+\)\.$/);
    await frame.locator('#target-title', { hasText: 'Target “not”' }).waitFor({ timeout: long });
    await workbench.screenshot('lens-3-several-tokens');
    await frame.locator('#target-input').fill(' return');
    await frame.locator('#target-input').press('Enter');
    await frame.locator('#target-title', { hasText: 'Target “·return”' }).waitFor({ timeout: long });
    assert.equal(await frame.locator('#target-note').isHidden(), true, 'a single token needs no note');
    await closeEditors();
  });
});

test('palette: Find Induction Heads draws layers × heads and matches the CLI; clicking a head opens it', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'induction', async () => {
    const { workbench, page } = session;
    await workbench.runPaletteCommand('Tensorloupe: Find Induction Heads');
    const frame = panel(page);
    await waitDrawn(frame, 'induction');
    assert.equal(await frame.locator('.head-grid').count(), 3, 'induction, duplicate-token and previous-token grids');
    assert.equal(await frame.locator('.head-cell').count(), 3 * 16, '4 layers × 4 heads each');
    const want = cli<{ best: { layer: number; head: number; score: number }; lossFirstHalf: number }>(['induction']);
    const text = (await frame.locator('#loss').textContent()) ?? '';
    assert.ok(text.includes(`L${want.best.layer}H${want.best.head}, score ${want.best.score.toFixed(3)}`), `${text} vs CLI ${JSON.stringify(want.best)}`);
    assert.ok(text.includes(want.lossFirstHalf.toFixed(3)));
    await frame.locator('.head-grid').first().locator('.head-cell[data-layer="1"][data-head="2"]').click();
    await frame.locator('body[data-layer="1"][data-head="2"]').waitFor({ state: 'attached', timeout: long });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.locator('body[data-layer="2"][data-head="2"]').waitFor({ state: 'attached', timeout: long });
    const size = await frame.locator('#pattern').evaluate((c: HTMLCanvasElement) => c.width);
    assert.equal(size, 101, 'pattern is (2 × 50 + 1) square');
    console.log(`induction panel timings (ms): ${JSON.stringify(await timingsOf(frame))}`);
    await workbench.screenshot('induction-1-heads');
    await closeEditors();
  });
});

test('palette: Attention Dilution measures every prefix length and draws three charts, beside the editor with the other panels', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'dilution', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 30);
    // another panel first, from the palette too: the dilution panel must join its group, not open a third
    await workbench.runPaletteCommand('Tensorloupe: Logit Lens');
    await waitDrawn(panel(page), 'logit lens');
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'the editor and the lens panel');
    // the user clicks into the lens panel: its group becomes the active one, the one Beside is relative to
    await page.locator('.tab', { hasText: 'Logit Lens' }).click();
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'Logit Lens' }).waitFor({ timeout: long });
    await workbench.runPaletteCommand('Tensorloupe: Attention Dilution');
    const frame = panel(page);
    await frame.locator('body[data-complete="true"]').waitFor({ state: 'attached', timeout: long });
    await waitDrawn(frame, 'dilution');
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'the dilution panel opens in the lens panel’s group');
    assert.match((await frame.locator('#progress').textContent()) ?? '', /Measured \d+ prefix lengths: 4, 8, 16/);
    assert.equal(await frame.locator('#notice').isHidden(), true, 'the selection fits: no truncation notice');
    // legend: layer 1 is drawn dashed, and so is its swatch (a filled blob before)
    const dashed = await legendSwatch(frame, '#chart-entropyRatio', '--vscode-charts-orange');
    const solid = await legendSwatch(frame, '#chart-entropyRatio', '--vscode-charts-blue');
    assert.ok(dashed.rows <= 4 && dashed.runs >= 2, `layer 1 swatch ${JSON.stringify(dashed)}`);
    assert.ok(solid.rows <= 4 && solid.runs === 1, `layer 0 swatch ${JSON.stringify(solid)}`);
    await frame.locator('#show-table').check();
    assert.ok((await frame.locator('#numbers tbody tr').count()) >= 4 * 4);
    console.log(`dilution panel timings (ms): ${JSON.stringify(await timingsOf(frame))}`);
    await workbench.screenshot('dilution-1-charts');
    await closeEditors();
  });
});

test('Attention Dilution on a selection longer than the context: truncation notice; Cancel keeps the curves, labelled as cancelled', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'dilution-cancel', async () => {
    const { workbench, page } = session;
    await workbench.openFile('server.log'); // 500 KB: far more than the 2,048-token context
    await workbench.selectAll();
    await workbench.runPaletteCommand('Tensorloupe: Attention Dilution');
    const frame = panel(page);
    // cancel while the longest prefixes are still to come
    await frame.locator('#progress', { hasText: 'next n = 1024' }).waitFor({ timeout: long });
    assert.match((await frame.locator('#notice').textContent()) ?? '', /^The selection has [\d,]+ tokens; the model read only the last 2047 \(limit 2048\)\.$/);
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'attention dilution' }).first();
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await frame.locator('body[data-cancelled="true"]').waitFor({ state: 'attached', timeout: long });
    const progress = (await frame.locator('#progress').textContent()) ?? '';
    assert.match(progress, /^Cancelled after n = (512|1024); curves so far: \d+ of 10 prefix lengths \(4, 8, 16, 32, 64, 128, 256, 512/);
    assert.equal(await frame.locator('body').getAttribute('data-complete'), 'true', 'no more lengths will come');
    assert.ok(await frame.locator('#progress.notice').isVisible(), 'the cancelled label stands out (notice style)');
    await workbench.screenshot('dilution-2-cancelled');
    await closeEditors();
  });
});

test('Logit Lens and Attention Dilution in Dark, Light, Dark High Contrast and Light High Contrast', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'internals-themes', async () => {
    const { workbench, page } = session;
    await closeEditors();
    await workbench.openFile('stats.py');
    await workbench.selectLines(5, 15);
    try {
      for (const command of ['Logit Lens', 'Attention Dilution']) {
        await workbench.runPaletteCommand(`Tensorloupe: ${command}`);
        const frame = panel(page);
        await waitDrawn(frame, command);
        await frame.locator(command === 'Logit Lens' ? 'body[data-target]' : 'body[data-complete="true"]').waitFor({ state: 'attached', timeout: long });
        for (const theme of COLOR_THEMES) {
          await useColorTheme(session, theme, frame);
          // the legends keep their dashed and solid swatches in every theme
          const canvas = command === 'Logit Lens' ? '#target-chart' : '#chart-entropyRatio';
          const dashed = await legendSwatch(frame, canvas, '--vscode-charts-orange');
          assert.ok(dashed.rows <= 4 && dashed.runs >= 2, `${theme.id} ${command}: ${JSON.stringify(dashed)}`);
          if (command === 'Logit Lens') {
            // every cell's token and probability stay at 4.5:1 or more on its heat shade
            const cells = await frame.locator('#lens-grid').evaluate((t: HTMLElement) =>
              [...t.querySelectorAll<HTMLElement>('.lens-cell')].flatMap((td) => [...td.querySelectorAll<HTMLElement>('.lens-token, .lens-prob')].map((span) => [getComputedStyle(span).color, getComputedStyle(td).backgroundColor, span.textContent ?? ''])),
            );
            const worst = cells.map(([fg, bg, text]) => ({ ratio: contrastRatio(fg, bg), fg, bg, text })).sort((a, b) => a.ratio - b.ratio)[0];
            console.log(`lens ${theme.slug}: lowest text contrast in a cell ${worst.ratio.toFixed(2)} (${worst.fg} on ${worst.bg})`);
            assert.ok(worst.ratio >= 4.5, `${theme.id}: ${JSON.stringify(worst)}`);
          }
          await workbench.screenshot(`${command === 'Logit Lens' ? 'lens' : 'dilution'}-theme-${theme.slug}`);
        }
        await useColorTheme(session, COLOR_THEMES[0], frame);
        await closeEditors();
        await workbench.openFile('stats.py');
        await workbench.selectLines(5, 15);
      }
    } finally {
      await useColorTheme(session, COLOR_THEMES[0], panel(page)).catch(() => undefined);
    }
  });
});

test('Select Model → tensorloupe-attn2, then Find Induction Heads finds its layer-1 induction head (score ≥ 0.4)', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'induction-attn2', async () => {
    const { workbench, page } = session;
    await closeEditors();
    await workbench.runPaletteCommandAndPick('Tensorloupe: Select Model', 'tensorloupe-attn2');
    try {
      await page.locator('.notifications-toasts', { hasText: 'tensorloupe-attn2 loaded' }).waitFor({ timeout: long });
      await workbench.runPaletteCommand('Tensorloupe: Find Induction Heads');
      const frame = panel(page);
      await waitDrawn(frame, 'induction');
      assert.equal(await frame.locator('.head-grid').first().locator('.head-cell').count(), 2 * 8, '2 layers × 8 heads');
      const text = (await frame.locator('#loss').textContent()) ?? '';
      const best = /Best induction head: L(\d+)H(\d+), score (\d+\.\d+)/.exec(text);
      assert.ok(best, text);
      assert.equal(best[1], '1', 'the induction head sits in layer 1, after a previous-token head');
      assert.ok(Number(best[3]) >= 0.4, `best score ${best[3]}`);
      const want = cli<{ best: { layer: number; head: number; score: number } }>(['induction'], join(repoRoot, 'models', 'tensorloupe-attn2'));
      assert.equal(`L${best[1]}H${best[2]} ${best[3]}`, `L${want.best.layer}H${want.best.head} ${want.best.score.toFixed(3)}`, 'panel and CLI agree');
      await frame.locator(`body[data-layer="${best[1]}"][data-head="${best[2]}"]`).waitFor({ state: 'attached', timeout: long });
      await frame.locator('#pattern').scrollIntoViewIfNeeded(); // the stripe is the picture
      await workbench.screenshot('induction-2-attn2');
    } finally {
      await closeEditors();
      await workbench.runPaletteCommandAndPick('Tensorloupe: Select Model', 'tensorloupe-code-lm');
    }
  });
});
