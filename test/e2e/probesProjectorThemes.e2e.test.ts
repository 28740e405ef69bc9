// The probes and projector panels in the four themes (Dark Modern, Light Modern, Dark and Light
// High Contrast), switched in one running workbench the way a user does: Train Probe… shows the
// dataset's size and class counts before any training (equal to the CLI's), Train is reached from
// the keyboard; the projector colours a TS selection by token category and by the probe just
// trained, with a legend. Contrast is measured on the rendered pixels for text (≥ 4.5:1) and from
// the computed colours for legend swatches against the panel (≥ 3:1, WCAG's non-text contrast).
// Screenshots: test-results/e2e/probes-theme-*.png and projector-theme-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { bundledModel } from './harness/cli';
import { COLOR_THEMES, contrastRatio, useColorTheme } from './harness/colorThemes';
import { boxContrast } from './harness/contrast';
import { repoRoot } from './harness/paths';
import { panelFrame } from './harness/panelFrame';
import { openProbePreview, waitProbesPhase } from './harness/probesPanel';
import { decodePng } from './harness/png';
import { openSession, withFailureReport, type Session } from './harness/session';
import type { Image } from './harness/png';

const long = 240_000;
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

/** a screenshot of the whole page, decoded, after the pointer has left any hover */
async function shot(name: string): Promise<Image> {
  await session.page.mouse.move(0, 0);
  await session.page.waitForTimeout(300);
  return decodePng(readFileSync(await session.workbench.screenshot(name)));
}

/** every element's glyphs against its own background, at least `min`:1 */
async function assertTextContrast(img: Image, items: Locator, what: string, min = 4.5): Promise<number> {
  const n = await items.count();
  assert.ok(n > 0, `${what}: nothing to measure`);
  let worst = Infinity;
  for (let i = 0; i < n; i++) {
    const b = (await items.nth(i).boundingBox())!;
    const c = boxContrast(img, b);
    assert.ok(c.textPixels > 0, `${what} ${i}: no glyphs in ${JSON.stringify(b)}`);
    assert.ok(c.ratio >= min, `${what} ${i} (${await items.nth(i).innerText()}): ${c.ratio.toFixed(2)}:1, rgb(${c.text}) on rgb(${c.background})`);
    worst = Math.min(worst, c.ratio);
  }
  return worst;
}

/** each legend swatch's colour against the panel's background */
async function assertSwatchContrast(frame: FrameLocator, theme: string): Promise<number> {
  const { background, swatches } = await frame.locator('body').evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    swatches: [...document.querySelectorAll('#legend .legend-row')].map((row) => ({ label: row.querySelector('.legend-label')?.textContent ?? '', colour: getComputedStyle(row.querySelector('.swatch')!).backgroundColor })),
  }));
  let worst = Infinity;
  for (const s of swatches) {
    const ratio = contrastRatio(s.colour, background);
    assert.ok(ratio >= 3, `${theme}: swatch of ${s.label} ${s.colour} on ${background}: ${ratio.toFixed(2)}:1`);
    worst = Math.min(worst, ratio);
  }
  return worst;
}

test('probes and projector panels in Dark, Light, High Contrast dark and light: preview before training, legends, measured contrast', { timeout: 900_000 }, async () => {
  await withFailureReport(session, 'probes-projector-themes', async () => {
    const { workbench, page } = session;
    const workspace = session.codeServer.workspace;
    let frame = await openProbePreview(session);

    // before training: the dataset's size and class counts, the same counts the CLI trains on
    const want = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'probe', '--model', bundledModel, '--dataset', 'builtin:category', '--files', join(workspace, 'tokenize.ts'), '--layer', '0', '--json'], { cwd: repoRoot, encoding: 'utf8' })) as { labels: string[]; counts: Record<string, number> };
    assert.match(await frame.locator('#subtitle').innerText(), /builtin:category over 1 file · token-level · not trained yet/);
    assert.match(await frame.locator('#dataset-size').innerText(), /^\d+ texts? cut from 1 file, [\d,]+ tokens, [\d,]+ labelled tokens, 8 labels\.$/);
    assert.deepEqual(await frame.locator('#class-counts tbody th').allTextContents(), want.labels);
    assert.deepEqual((await frame.locator('#class-counts tbody td').allTextContents()).map((t) => Number(t.replace(/,/g, ''))), want.labels.map((l) => want.counts[l]));
    assert.equal(await frame.locator('#results').isHidden(), true, 'no accuracy before training');
    assert.equal(await frame.locator('#layers tbody tr').count(), 0);

    for (const theme of COLOR_THEMES) {
      await useColorTheme(session, theme, frame);
      const img = await shot(`probes-theme-${theme.slug}-1-preview`);
      const text = await assertTextContrast(img, frame.locator('#dataset-size, #class-counts tbody th, #class-counts tbody td'), `${theme.label} preview text`);
      const button = await assertTextContrast(img, frame.locator('#train'), `${theme.label} Train button`);
      console.log(`${theme.label}: probes preview text ≥ ${text.toFixed(2)}:1, Train button ${button.toFixed(2)}:1`);
    }

    // Train from the keyboard: from the panel's heading, Tab reaches the button and Enter presses it
    await frame.locator('#title').click();
    const onTrain = () => frame.locator('#train').evaluate((e) => e === document.activeElement);
    for (let i = 0; i < 10 && !(await onTrain()); i++) await page.keyboard.press('Tab');
    assert.equal(await onTrain(), true, 'Tab reaches the Train button');
    await page.keyboard.press('Enter');
    await waitProbesPhase(frame, 'trained');
    assert.ok((await frame.locator('#layers tbody tr').count()) >= 5, 'a row per layer');
    assert.equal(await frame.locator('#train-row').isHidden(), true);
    for (const theme of COLOR_THEMES) {
      await useColorTheme(session, theme, frame);
      await frame.locator('#layers').scrollIntoViewIfNeeded();
      const img = await shot(`probes-theme-${theme.slug}-2-trained`);
      const worst = await assertTextContrast(img, frame.locator('#layers tbody td'), `${theme.label} layer table`);
      console.log(`${theme.label}: probes layer table ≥ ${worst.toFixed(2)}:1`);
    }

    // the projector on a TS selection: its hidden states at the last layer, the probe's layer + 1
    await workbench.dismissOverlays();
    await workbench.runPaletteCommand('View: Close All Editors');
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(1, 30);
    await workbench.contextMenu('Project Embeddings');
    frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"], body[data-state="error"]').waitFor({ state: 'attached', timeout: long });
    assert.equal(await frame.locator('body').getAttribute('data-state'), 'drawn', await frame.locator('#error-text').textContent() ?? '');
    assert.match(await frame.locator('#subtitle').innerText(), /blocks\.3\.hook_resid_post · tokenize\.ts:1/);

    await frame.locator('#colour').selectOption('category');
    const categories = await frame.locator('#legend .legend-label').allInnerTexts();
    for (const c of ['keyword', 'identifier', 'string', 'comment', 'operator', 'punctuation']) assert.ok(categories.includes(c), `legend lists ${c}: ${categories.join(', ')}`);
    const counted = (await frame.locator('#legend .legend-count').allInnerTexts()).reduce((s, t) => s + Number(t.replace(/,/g, '')), 0);
    const points = Number(/([\d,]+) of [\d,]+ points/.exec(await frame.locator('#subtitle').innerText())?.[1].replace(/,/g, ''));
    assert.equal(counted, points, 'the legend counts every point once');
    // hover a point: its category is in the read-out
    const at = await frame.locator('#scatter').evaluate(() => (window as unknown as { __tlScatter: { screenOf(i: number): { x: number; y: number } } }).__tlScatter.screenOf(5));
    await frame.locator('#scatter').hover({ position: at });
    await frame.locator('#readout', { hasText: /layer 3 · (keyword|identifier|string|number|comment|operator|punctuation|whitespace)/ }).waitFor({ timeout: long });

    // the probe trained above, applied in the engine to these points' hidden states
    await frame.locator('#colour').selectOption('probe');
    await frame.locator('#colour-status', { hasText: 'Predicted by the builtin:category probe on blocks.3.hook_resid_post' }).waitFor({ timeout: long });
    const predicted = await frame.locator('#legend .legend-label').allInnerTexts();
    assert.ok(predicted.length >= 3 && predicted.every((l) => want.labels.includes(l)), `predicted labels: ${predicted.join(', ')}`);
    for (const theme of COLOR_THEMES) {
      await useColorTheme(session, theme, frame);
      await frame.locator('#legend').scrollIntoViewIfNeeded();
      const img = await shot(`projector-theme-${theme.slug}`);
      const labels = await assertTextContrast(img, frame.locator('#legend .legend-label'), `${theme.label} legend labels`);
      const counts = await assertTextContrast(img, frame.locator('#legend .legend-count'), `${theme.label} legend counts`);
      const status = await assertTextContrast(img, frame.locator('#colour-status'), `${theme.label} colour status`);
      const swatches = await assertSwatchContrast(frame, theme.label);
      console.log(`${theme.label}: legend labels ≥ ${labels.toFixed(2)}:1, counts ≥ ${counts.toFixed(2)}:1, status ${status.toFixed(2)}:1, swatches ≥ ${swatches.toFixed(2)}:1`);
    }

    // the embedding matrix has no hidden states: the probe colouring is refused in one line
    await frame.locator('#source').selectOption('embeddings');
    await frame.locator('#run').click();
    await frame.locator('#subtitle', { hasText: 'input embedding' }).waitFor({ timeout: long });
    assert.match(await frame.locator('#colour-status').innerText(), /^Probe prediction reads hidden states: choose Source “selection’s hidden states” at the probe’s layer and press Project\.$/);
    assert.equal(await frame.locator('#legend').isHidden(), true);
  });
});
