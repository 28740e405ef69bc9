// The next-token panel in the four themes users pick most (Dark Modern, Light Modern, Dark and
// Light High Contrast): the sampling controls line up in one column and are named apart from the
// table's top-k, whitespace chips are readable (contrast measured on the rendered pixels), and a
// greedy continuation reports its log-probability under the model. Screenshots go to
// test-results/e2e/next-token-theme-*.png for a look by eye.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { boxContrast } from './harness/contrast';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { decodePng } from './harness/png';
import { openSession, withFailureReport } from './harness/session';

const THEMES = [
  { theme: 'Default Dark Modern', slug: 'dark' },
  { theme: 'Default Light Modern', slug: 'light' },
  { theme: 'Default High Contrast', slug: 'hc-dark' },
  { theme: 'Default High Contrast Light', slug: 'hc-light' },
];

for (const { theme, slug } of THEMES) {
  test(`${theme}: next-token panel controls, whitespace chips and continuation log p`, { timeout: 400_000 }, async () => {
    const session = await openSession({ settings: { 'workbench.colorTheme': theme } });
    try {
      await withFailureReport(session, `next-token-theme-${slug}`, async () => {
        const { workbench, page } = session;
        await workbench.openFile('tokenize.ts');
        await workbench.selectLines(8, 10);
        await workbench.contextMenu('Inspect Next-Token Distribution');
        const panel = new NextTokenPanel(page);
        await panel.waitDrawnFor(cliNextToken(fixtureLines('tokenize.ts', 8, 10), 1).tokens.length);

        // one name each: the table's row count is the tensorloupe.topK setting, the box samples
        const labels = (await panel.frame.locator('#controls label').allInnerTexts()).map((t) => t.trim());
        assert.deepEqual(labels, ['Temperature', 'Sample from top k', 'Sample from top p']);
        assert.match(await panel.frame.locator('#topk-count').innerText(), /setting tensorloupe\.topK = 10/);
        // aligned: the three controls start at one x, their labels end before it
        const xs = await Promise.all(['#temperature', '#topk-control', '#topp'].map(async (id) => (await panel.frame.locator(id).boundingBox())!.x));
        assert.ok(Math.max(...xs) - Math.min(...xs) < 1, `controls start at ${xs.join(', ')}`);

        // whitespace chips: the glyphs are there and readable on the chip (measured before
        // anything scrolls the panel)
        await workbench.dismissOverlays();
        await page.mouse.move(0, 0);
        await page.waitForTimeout(300);
        const img = decodePng(readFileSync(await workbench.screenshot(`next-token-theme-${slug}`)));
        const chips = panel.frame.locator('#chips .chip:not(.selected)');
        const texts = await chips.allInnerTexts();
        const spaced = texts.map((t, i) => ({ t, i })).filter(({ t }) => /[␣↵⇥]/.test(t));
        assert.ok(spaced.length >= 5, `chips with whitespace glyphs: ${spaced.length} (${texts.slice(0, 12).join(' ')})`);
        assert.ok(spaced.some(({ t }) => /^[␣↵⇥]+$/.test(t)), 'a chip of whitespace only, where the glyphs alone decide the contrast');
        for (const { t, i } of spaced) {
          const b = (await chips.nth(i).boundingBox())!;
          // inside the border, above the surprisal underline (at most 4 px)
          const c = boxContrast(img, { x: b.x + 2, y: b.y + 2, width: b.width - 4, height: b.height - 7 });
          assert.ok(c.textPixels > 0, `chip ${JSON.stringify(t)} shows its glyphs (box ${JSON.stringify(b)}, background rgb(${c.background}))`);
          assert.ok(c.ratio >= 4.5, `chip ${JSON.stringify(t)}: ${c.ratio.toFixed(2)}:1, text rgb(${c.text}) on rgb(${c.background})`);
        }
        await panel.frame.locator('#greedy').click();
        const score = panel.frame.locator('#continuations .log-prob').first();
        await score.waitFor({ timeout: 120_000 });
        const scoreText = await score.innerText();
        assert.match(scoreText, /log₂ p = -\d+\.\d\d under the model/, scoreText);
        assert.match(await panel.frame.locator('#continuations-note').innerText(), /greedy/);
        await score.scrollIntoViewIfNeeded();
        await workbench.screenshot(`next-token-theme-${slug}-2-greedy`);
      });
    } finally {
      await session.close();
    }
  });
}
