// Interventions end to end: "Tensorloupe: Why This Token?" from the palette asks for the token (the
// model's top candidate prefilled) and a second one, then draws one bar per component, sorted by
// size, whose values add up to the actual logit difference the panel states; bars are reachable by Tab.
// The attention panel's Ablate: the open head, zero-ablated, changes the loss and the next-token table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('Why This Token? from the palette: sorted bars that sum to the logit', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'why-this-token', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 6);
    await workbench.runPaletteCommand('Tensorloupe: Why This Token?');
    for (const step of ['token', 'second token']) {
      await workbench.quickInput.waitFor({ state: 'visible', timeout: 120_000 });
      assert.match(await workbench.quickInput.inputValue(), /^#\d+$/, `the ${step} is prefilled with a candidate's id`);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
    }
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    const labels = await frame.locator('#dla-bars li').evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label') ?? ''));
    // embed, pos_embed, 4 layers × 4 heads, 4 MLPs, bias
    assert.equal(labels.length, 2 + 16 + 4 + 1, labels.join(' | '));
    const values = labels.map((l) => Number(l.split(' ').pop()));
    for (let i = 1; i < values.length; i++) assert.ok(Math.abs(values[i]) <= Math.abs(values[i - 1]), 'bars sorted by size');
    const line = await frame.locator('#dla-sum').innerText();
    const [, sum, logit] = /sum of components (-?[\d.]+) · actual logit (-?[\d.]+)/.exec(line) ?? [];
    assert.ok(Math.abs(Number(sum) - Number(logit)) < 1e-3, line);
    assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - Number(logit)) < 5e-3, 'the drawn values add up to the logit');
    await frame.locator('#dla-bars li').first().focus();
    await page.keyboard.press('Tab');
    assert.equal(await frame.locator('#dla-bars li:nth-child(2)').evaluate((e) => e === document.activeElement), true, 'Tab reaches the next bar');
    await workbench.screenshot('why-this-token');
  });
});

test('Attention panel: Ablate the open head shows the loss and next token before vs after', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'attention-ablate', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 12);
    await workbench.runPaletteCommand('Tensorloupe: Open Attention Map');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    await frame.locator('#ablate-add').click();
    assert.match(await frame.locator('#ablate-heads').inputValue(), /^\d+\.\d+$/);
    await frame.locator('#ablate-heads').fill('1.0, 2.3');
    await frame.locator('#ablate-run').click();
    await frame.locator('#ablate-loss').waitFor({ timeout: 120_000 });
    const line = await frame.locator('#ablate-loss').innerText();
    const [, before, after] = /loss ([\d.]+) → ([\d.]+) nats/.exec(line) ?? [];
    assert.ok(Number(before) > 0 && Number(after) > 0 && before !== after, line);
    assert.ok((await frame.locator('#ablate-next tbody tr').count()) >= 5);
    await workbench.screenshot('attention-ablate');
  });
});
