// Compare Checkpoints end to end on the bundled tensorloupe-attn2 checkpoints (its own seeded run
// replayed to step 1,200, across the induction phase change): with the default model (which has no
// checkpoints) the command offers the bundled runs; picking tensorloupe-attn2 opens the panel with one
// point per checkpoint, and the slider, driven by the keyboard, scrubs the induction grid from the first
// checkpoint to the last, each step's best score the one `tensorloupe checkpoints` computes. Through
// the phase change the best head goes from not copying (< 0.1) to copying (≥ 0.3).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { repoRoot } from './harness/paths';
import { openSession, withFailureReport, type Session } from './harness/session';

const ATTN2 = join(repoRoot, 'models', 'tensorloupe-attn2');
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

interface CheckpointsJson { checkpoints: { step: number; inductionBest: number }[] }

test('Compare Checkpoints on the bundled attn2: the induction score rises through the phase change, step by step as the CLI reads it', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'checkpoints', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.runPaletteCommandAndPick('Tensorloupe: Compare Checkpoints', 'tensorloupe-attn2');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 240_000 });
    assert.match(await frame.locator('#subtitle').innerText(), /^tensorloupe-attn2 · /);
    const cli = (JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'checkpoints', '--model', ATTN2, '--json'], { encoding: 'utf8', timeout: 300_000 })) as CheckpointsJson).checkpoints;
    assert.equal(await frame.locator('body').getAttribute('data-checkpoints'), String(cli.length));
    const last = cli[cli.length - 1];
    assert.equal(await frame.locator('body').getAttribute('data-step'), String(last.step), 'the slider starts at the final checkpoint');
    const best = async () => Number(/best ([\d.]+)/.exec(await frame.locator('#step-label').innerText())?.[1]);
    const shown: number[] = [];
    await frame.locator('#step-slider').focus();
    await page.keyboard.press('Home'); // the keyboard reaches the slider: to the first checkpoint
    for (const [i, c] of cli.entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight');
      await frame.locator(`body[data-step="${c.step}"]`).waitFor({ state: 'attached' });
      shown.push(await best());
      assert.equal(shown[i].toFixed(3), c.inductionBest.toFixed(3), `step ${c.step}: the panel's best score is the CLI's`);
      if (i === 0) await workbench.screenshot('compare-checkpoints-first');
    }
    assert.ok(shown[0] < 0.1 && shown[shown.length - 1] >= 0.3, `best induction score ${shown[0]} at step ${cli[0].step}, ${shown[shown.length - 1]} at step ${last.step}`);
    assert.equal(await frame.locator('.head-cell').count(), 2 * 8, '2 layers × 8 heads');
    await workbench.screenshot('compare-checkpoints');
  });
});
