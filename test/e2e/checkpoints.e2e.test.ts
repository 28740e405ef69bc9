// Compare Checkpoints end to end on the attn-checkpoints fixture (the attn2 recipe at a size that
// trains in minutes): the palette command opens the panel with one point per checkpoint, and the
// slider scrubs the induction grid from the first checkpoint, where no head copies, to the last.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { repoRoot } from './harness/paths';
import { openSession, withFailureReport, type Session } from './harness/session';

const FIXTURE = join(repoRoot, 'test', 'fixtures', 'models', 'attn-checkpoints');
let session: Session;
before(async () => { session = await openSession({ settings: { 'tensorloupe.model': FIXTURE } }); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('Compare Checkpoints: charts against the step, and a slider that scrubs the induction grid through training', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'checkpoints', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.runPaletteCommand('Tensorloupe: Compare Checkpoints');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    assert.equal(await frame.locator('body').getAttribute('data-checkpoints'), '6');
    assert.equal(await frame.locator('body').getAttribute('data-step'), '1500', 'the slider starts at the final checkpoint');
    const best = async () => Number(/best ([\d.]+)/.exec(await frame.locator('#step-label').innerText())?.[1]);
    const last = await best();
    const slider = frame.locator('#step-slider');
    await slider.focus();
    await page.keyboard.press('Home'); // the keyboard reaches the slider: to the first checkpoint
    await frame.locator('body[data-step="100"]').waitFor({ state: 'attached' });
    const first = await best();
    assert.ok(last > 3 * first, `best induction score ${first} at step 100, ${last} at step 1500`);
    assert.equal(await frame.locator('.head-cell').count(), 2 * 4, '2 layers × 4 heads');
    await workbench.screenshot('compare-checkpoints');
  });
});
