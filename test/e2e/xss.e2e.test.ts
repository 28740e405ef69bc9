// Token text is data, never markup: a selection holding `<img src=x onerror=alert(1)>` and
// `</script>` must render literally in the panel, create no element and fire no dialog.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliNextToken } from './harness/cli';
import { fixtureText } from './harness/fixtureText';
import { fromPanelToken } from '../../webview/shared/tokenGlyphs';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('a selection with HTML and </script> renders literally in the next-token panel', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'xss', async () => {
    const { workbench, page, dialogs } = session;
    await workbench.openFile('untrusted.txt');
    await workbench.selectAll();
    await workbench.contextMenu('Inspect Next-Token Distribution');
    const panel = new NextTokenPanel(page);
    const text = fixtureText('untrusted.txt');
    await panel.waitDrawnFor(cliNextToken(text, 1).tokens.length);
    // Give an injected onerror handler or script time to run before looking for its effects.
    await page.waitForTimeout(1500);
    await workbench.screenshot('xss-panel');

    // The chips' text, with the panel's visible-whitespace marks undone, is the selection itself.
    const chips = fromPanelToken(await panel.chipsText());
    for (const literal of ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', 'onmouseover="alert(3)"', '&amp;']) {
      assert.ok(chips.includes(literal), `chips should show ${JSON.stringify(literal)} literally; they show ${JSON.stringify(chips.slice(0, 300))}`);
    }
    for (const tag of ['img', 'b', '#chips script', 'iframe']) {
      assert.equal(await panel.count(tag), 0, `no <${tag}> element may be created from token text`);
    }
    assert.deepEqual(dialogs, [], 'no alert/confirm/prompt dialog');

    // The table's token cells are text as well.
    const tokens = (await panel.rows()).map((r) => r.token).join('');
    assert.equal(await panel.count('#topk tbody tr td.token *'), 0, `token cells hold only text (${tokens})`);
  });
});
