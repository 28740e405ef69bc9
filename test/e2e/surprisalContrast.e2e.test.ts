// Surprisal in high-contrast themes keeps the text readable: for every decorated token the
// contrast between its glyph pixels and the pixels behind them, read from a screenshot, is at
// least 4.5:1 (WCAG AA). Red fills under red or purple keywords (`class`, `if`) failed this.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { boxContrast } from './harness/contrast';
import { decodePng } from './harness/png';
import { openSession, withFailureReport } from './harness/session';

const THEMES = [
  { theme: 'Default High Contrast', slug: 'hc-dark' },
  { theme: 'Default High Contrast Light', slug: 'hc-light' },
];

for (const { theme, slug } of THEMES) {
  test(`${theme}: surprisal-decorated tokens keep a contrast of at least 4.5:1, measured on the rendered pixels`, { timeout: 400_000 }, async () => {
    const session = await openSession({ settings: { 'workbench.colorTheme': theme } });
    try {
      await withFailureReport(session, `surprisal-contrast-${slug}`, async () => {
        const { workbench, page } = session;
        await workbench.openFile('stats.py');
        await workbench.selectLines(5, 21); // class RunningStats … return math.sqrt(…): class, def, if, else, return
        await workbench.contextMenu('Show Token Surprisal');
        const overlays = workbench.editor.locator('.view-overlays [class*="ced-"]');
        await overlays.first().waitFor({ state: 'attached', timeout: 120_000 });
        // Collapse the selection onto the blank line below it and take the focus off the editor:
        // no selection, cursor or current-line box over the measured tokens.
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await workbench.dismissOverlays();
        await page.mouse.move(0, 0);
        await page.waitForTimeout(500);

        const lineHeight = await workbench.viewLines.locator('.view-line').first().evaluate((e) => e.getBoundingClientRect().height);
        const boxes = await overlays.evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            const s = getComputedStyle(e);
            return { x: r.left, y: r.top, width: r.width, height: r.height, border: `${s.borderBottomStyle} ${s.borderBottomWidth} ${s.borderBottomColor}`, fill: s.backgroundColor };
          }),
        );
        // where each visible (non-space) character of the rendered lines is: a range over only
        // spaces has no glyph to measure
        const glyphs = await workbench.viewLines.evaluate((root) => {
          const out: { x: number; y: number; ch: string }[] = [];
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent ?? '';
            for (let i = 0; i < text.length; i++) {
              if (/\s|\u00a0/.test(text[i])) continue;
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              const r = range.getBoundingClientRect();
              out.push({ x: r.left + r.width / 2, y: r.top + r.height / 2, ch: text[i] });
            }
          }
          return out;
        });
        // the fill and the underline are two decorations over the same range: measure each range once
        const seen = new Set<string>();
        const ranges = boxes.filter((b) => b.width > 2 && !seen.has(`${b.x},${b.y},${b.width}`) && Boolean(seen.add(`${b.x},${b.y},${b.width}`)));
        assert.ok(ranges.length >= 40, `expected a decoration per surprising token of 17 lines, found ${ranges.length}`);
        const withGlyphs = ranges
          .map((b) => ({ ...b, chars: glyphs.filter((g) => g.x > b.x && g.x < b.x + b.width && g.y > b.y && g.y < b.y + lineHeight).map((g) => g.ch).join('') }))
          .filter((b) => b.chars.length > 0);
        const underlined = boxes.filter((b) => !b.border.startsWith('none') && !b.border.endsWith('rgba(0, 0, 0, 0)'));
        const styles = new Set(underlined.map((b) => b.border.split(' ')[0]));
        assert.ok(styles.size >= 3, `surprisal stays visible as underlines of several styles: ${[...styles].join(', ')}`);
        const filled = boxes.filter((b) => b.fill !== 'rgba(0, 0, 0, 0)');
        assert.equal(filled.length, 0, `no fills in high contrast: ${filled.slice(0, 3).map((b) => b.fill).join(', ')}`);

        const img = decodePng(readFileSync(await workbench.screenshot(`surprisal-contrast-${slug}`)));
        // inside each range and its line box, above its underline (the border lies below the box)
        const withText = withGlyphs.map((b) => ({ b, c: boxContrast(img, { x: b.x, y: b.y + 1, width: b.width, height: lineHeight - 2 }) }));
        assert.ok(withText.length >= 40, `decorated ranges with glyphs: ${withText.length}`);
        const blank = withText.filter((m) => m.c.textPixels === 0);
        assert.equal(blank.length, 0, `every range over characters shows glyph pixels (${blank.length} do not: ${blank.map(({ b }) => `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`).join("; ")})`);
        // A 1-px stroke (an underscore, a full stop) that falls between two pixel rows is drawn
        // at half strength in both, whatever the colours: such ranges alone say nothing about contrast.
        const measurable = withText.filter(({ b }) => /[^_.,:;'"`\-]/.test(b.chars));
        const worst = [...measurable].sort((a, z) => a.c.ratio - z.c.ratio).slice(0, 5);
        const report = worst.map(({ b, c }) => `${JSON.stringify(b.chars)} ${c.ratio.toFixed(2)}:1 text rgb(${c.text}) on rgb(${c.background})`).join('; ');
        console.log(`   ${theme}: ${measurable.length} tokens measured, lowest contrasts ${report}`);
        assert.ok(worst[0].c.ratio >= 4.5, `contrast below 4.5:1 — ${report}`);
      });
    } finally {
      await session.close();
    }
  });
}
