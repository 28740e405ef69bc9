// Compare with Baselines end to end: on a selection of stats.py, with the workspace as the corpus
// (the quick pick's first row; stats.py itself is left out), the panel shows the mean bits of the
// model, the n-gram and the bag-of-tokens model, the top-1 agreement and the share of tokens the
// model wins by a bit; the editor is decorated ("model − n-gram" first), and the panel's radio
// buttons, driven by the keyboard, switch the decorations to the model's surprisal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('Compare with Baselines on a selection: the panel\'s figures and the switchable decorations', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'baselines', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 20);
    await workbench.runPaletteCommandAndPick('Tensorloupe: Compare with Baselines', 'Workspace');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 240_000 });
    const cell = async (id: string) => (await frame.locator(`#${id}`).innerText()).trim();
    for (const id of ['model-bits', 'ngram-bits', 'bag-bits']) {
      const bits = Number(await cell(id));
      assert.ok(bits > 0 && bits < 20, `${id}: ${bits}`);
    }
    assert.match(await cell('top1-agreement'), /^\d+(\.\d)? %$/);
    assert.match(await cell('model-beats'), /^\d+(\.\d)? %$/);
    assert.match(await frame.locator('#subtitle').innerText(), /stats\.py:1 .* corpus workspace: \d+ files/);
    // "model − n-gram" first: tokens one model wins by a bit or more are marked
    const decorations = workbench.decorations();
    await decorations.first().waitFor({ state: 'attached', timeout: 60_000 });
    const diffCount = await decorations.count();
    assert.ok(diffCount >= 3, `difference decorations: ${diffCount}`);
    await workbench.focusEditor();
    await page.keyboard.press('ArrowRight'); // the selection's highlight would hide the decorations
    await workbench.screenshot('baselines-1-difference');

    // keyboard: focus the checked radio, arrow to the first ("model"): the editor shows the model's surprisal
    await frame.locator('#mode-difference').focus();
    await page.keyboard.press('Home');
    await frame.locator('#mode-model:checked').waitFor({ state: 'attached', timeout: 10_000 }).catch(async () => {
      await page.keyboard.press('ArrowRight'); // Home is not a radio key in every browser: wrap round instead
    });
    await frame.locator('#mode-model:checked').waitFor({ state: 'attached', timeout: 30_000 });
    await frame.locator('#mode-legend', { hasText: 'under the model' }).waitFor({ timeout: 30_000 });
    let modelCount = await decorations.count();
    const deadline = Date.now() + 30_000;
    while (modelCount <= diffCount && Date.now() < deadline) { await page.waitForTimeout(250); modelCount = await decorations.count(); }
    assert.ok(modelCount > diffCount, `the model's surprisal shades every token (${modelCount}) where the difference marks only the clear wins (${diffCount})`);
    await workbench.screenshot('baselines-2-model');
  });
});
