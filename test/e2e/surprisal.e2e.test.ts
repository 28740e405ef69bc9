// Surprisal in the editor: the selected tokens get coloured decorations, and hovering one shows
// its surprisal in bits, its rank and the token itself; Clear Surprisal removes them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

/** The token (as the tokenizer split it) covering character `offset` of `text`. */
function tokenAt(text: string, offset: number): string {
  const { tokens } = cliNextToken(text, 1);
  let at = 0;
  for (const t of tokens) {
    if (!text.startsWith(t.text, at)) continue; // special tokens such as BOS take no text
    if (offset < at + t.text.length) return t.text;
    at += t.text.length;
  }
  throw new Error(`no token covers offset ${offset}`);
}

test('Show Token Surprisal decorates the selection and the hover shows bits and rank', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'surprisal', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(11, 15);
    await workbench.contextMenu('Show Token Surprisal');

    const decorations = workbench.decorations();
    await decorations.first().waitFor({ state: 'attached', timeout: 120_000 });
    const count = await decorations.count();
    assert.ok(count >= 10, `expected a decoration per token of 5 lines, found ${count}`);
    await page.locator('.statusbar-item', { hasText: 'bits/token' }).first().waitFor({ timeout: 60_000 });
    await workbench.screenshot('surprisal-1-decorations');

    // Hover the middle of "delta" on line 13 (the first line that holds it).
    const text = fixtureLines('stats.py', 11, 15);
    const word = 'delta';
    const token = tokenAt(text, text.indexOf(word) + Math.floor(word.length / 2));
    await workbench.dismissOverlays(); // also moves the focus off the editor: no cursor blinking over the hover
    const hover = await workbench.hoverText(word);
    await workbench.screenshot('surprisal-2-hover');
    assert.match(hover, /bits/, `hover text: ${hover}`);
    assert.match(hover, /rank/, `hover text: ${hover}`);
    assert.ok(hover.includes(token.trim()), `hover should name the token ${JSON.stringify(token)}: ${hover}`);
  });
});

test('Clear Surprisal removes the decorations', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'surprisal-clear', async () => {
    const { workbench } = session;
    await workbench.focusEditor();
    await workbench.runPaletteCommand('Tensorloupe: Clear Surprisal');
    const decorations = workbench.decorations();
    const deadline = Date.now() + 60_000;
    while ((await decorations.count()) > 0 && Date.now() < deadline) await session.page.waitForTimeout(250);
    assert.equal(await decorations.count(), 0, 'decorations left after Clear Surprisal');
    await workbench.screenshot('surprisal-3-cleared');
  });
});

test('in a TypeScript file the surprisal hover comes first, whole, above the language server’s', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'surprisal-ts-hover', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(12, 25);
    await workbench.contextMenu('Show Token Surprisal');
    await workbench.decorations().first().waitFor({ state: 'attached', timeout: 120_000 });
    await workbench.dismissOverlays();
    // the TypeScript server starts on first use: hover again until its part is there too
    let text = '';
    const deadline = Date.now() + 120_000;
    while (!/function applyMerges/.test(text) && Date.now() < deadline) {
      text = await workbench.hoverText('applyMerges');
      if (!/function applyMerges/.test(text)) await page.waitForTimeout(1000);
    }
    await workbench.screenshot('surprisal-4-ts-hover');
    assert.match(text, /function applyMerges/, `the TypeScript hover: ${text}`);
    assert.ok(text.indexOf('Surprisal') >= 0 && text.indexOf('Surprisal') < text.indexOf('function applyMerges'), `surprisal first: ${text}`);
    // whole: the surprisal part (its table's last row included) lies inside the hover's visible box
    const hover = page.locator('.monaco-hover:not(.hidden)').first();
    const box = await hover.boundingBox();
    const lastRow = hover.locator('table tr').last();
    const row = await lastRow.boundingBox();
    assert.ok(box && row && row.y + row.height <= box.y + box.height + 1, `the table's last row is visible (${JSON.stringify(row)} in ${JSON.stringify(box)})`);
    assert.equal(await hover.locator('table tr').count(), 4, 'a header and three alternatives');
  });
});
