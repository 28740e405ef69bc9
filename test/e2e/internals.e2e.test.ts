// Issue 4 from the palette: Logit Lens, Find Induction Heads and Attention Dilution open their
// panels, draw, answer clicks and the keyboard, and agree with the CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { bundledModel } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { repoRoot } from './harness/paths';
import { visibleToken } from '../../src/util/format';
import { openSession, withFailureReport, type Session } from './harness/session';

const long = 240_000;
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

/** The newest panel's page; each test closes its editors after itself, so it is the only one. */
function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

async function waitDrawn(frame: FrameLocator, name: string): Promise<void> {
  await frame.locator('body[data-state="drawn"], body[data-state="error"]').waitFor({ state: 'attached', timeout: long });
  if ((await frame.locator('body').getAttribute('data-state')) === 'error') {
    throw new Error(`${name} panel shows an error: ${await frame.locator('#error-text').textContent()}`);
  }
}

function timingsOf(frame: FrameLocator): Promise<Record<string, number>> {
  return frame.locator('body').evaluate(() => (window as unknown as { __tlTimings: Record<string, number> }).__tlTimings);
}

async function closeEditors(): Promise<void> {
  await session.workbench.runPaletteCommand('View: Close All Editors');
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
    await workbench.screenshot('lens-1-grid');

    // the output row's top token at the last position is the CLI's next-token answer
    const last = columns - 1;
    const outCell = frame.locator(`.lens-cell[data-layer="4"][data-position="${last}"] .lens-token`);
    const lens = cli<{ grid: { top: { text: string }[] }[][] }>(['lens', '--top-k', '1', fixtureLines('stats.py', 5, 9)]);
    assert.equal(lens.grid[4].length, columns, 'the CLI reads the same tokens');
    assert.equal(await outCell.textContent(), visibleToken(lens.grid[4][last].top[0].text), 'output row = CLI lens = the model’s next token');

    await frame.locator('#lens-grid thead th.lens-input').nth(2).click();
    await frame.locator('body[data-position="2"]').waitFor({ state: 'attached', timeout: long });
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

test('palette: Attention Dilution measures every prefix length and draws three charts', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'dilution', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 30);
    await workbench.runPaletteCommand('Tensorloupe: Attention Dilution');
    const frame = panel(page);
    await frame.locator('body[data-complete="true"]').waitFor({ state: 'attached', timeout: long });
    await waitDrawn(frame, 'dilution');
    assert.match((await frame.locator('#progress').textContent()) ?? '', /Measured \d+ prefix lengths: 4, 8, 16/);
    await frame.locator('#show-table').check();
    assert.ok((await frame.locator('#numbers tbody tr').count()) >= 4 * 4);
    console.log(`dilution panel timings (ms): ${JSON.stringify(await timingsOf(frame))}`);
    await workbench.screenshot('dilution-1-charts');
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
