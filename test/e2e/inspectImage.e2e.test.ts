// Inspect Image end to end: the explorer's context menu on a PNG opens the image panel, which
// shows the bundled glyph ViT's top classes (an "A" for the workspace's glyph-A.png) and the
// attention rollout drawn over the image; the fusion control redraws it from the kept run. The
// read-only custom editor is offered by "Reopen With…" and is never the default for images. The
// patch embeddings open in the Projector panel from the keyboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { explorerMenu } from './harness/explorerMenu';
import { panelFrame } from './harness/panelFrame';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
// a single explorer click only selects (see panelThemes.e2e.test.ts: no preview webview racing ours)
before(async () => { session = await openSession({ settings: { 'workbench.list.openMode': 'doubleClick' } }); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

/** how many patches of the overlay canvas have a visible tint, and its data-source */
const overlayState = (frame: ReturnType<typeof panelFrame>) =>
  frame.locator('#overlay').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let tinted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 8) tinted++;
    return { tinted, patches: canvas.width * canvas.height, source: canvas.dataset.source, alpha: Array.from(data.filter((_, i) => i % 4 === 3)).join(',') };
  });

test('explorer right-click on a PNG → Inspect Image: predictions and a rollout overlay', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'inspect-image', async () => {
    const { page, workbench } = session;
    await page.keyboard.press('Control+Shift+E');
    await explorerMenu(session, 'glyph-A.png', 'Inspect Image');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    const first = frame.locator('#predictions tbody tr').first();
    assert.equal((await first.locator('th').innerText()).trim(), 'A', 'the top class of a capital A');
    assert.match(await first.locator('td').first().innerText(), /\d+(\.\d+)? %/);
    assert.match(await frame.locator('#subtitle').innerText(), /glyph-A\.png \(32 × 32\) · tensorloupe-glyph-vit sees 32 × 32 in 8 × 8 patches/);
    const before = await overlayState(frame);
    assert.equal(before.source, 'rollout');
    assert.equal(before.patches, 64, 'one overlay pixel per patch');
    assert.ok(before.tinted >= 8, `the rollout tints patches (${before.tinted} of 64)`);
    assert.equal(await frame.locator('.head-map').count(), 4 * 5, 'layers × (mean + 4 heads) CLS maps');
    assert.equal(await frame.locator('#lens tbody tr').count(), 4, 'a logit-lens row per block');
    // a cold run (model load) may have opened the progress notification; VS Code keeps one up ≥ 800 ms
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'inspecting glyph-A.png' }).waitFor({ state: 'hidden', timeout: 10_000 });
    await workbench.screenshot('inspect-image');
    // another head fusion: the engine recomputes the rollout from the run it keeps, the overlay changes
    await frame.locator('#fusion').selectOption('min');
    await frame.locator('#overlay[data-source="rollout"]').waitFor({ state: 'attached' });
    await page.waitForFunction(() => true);
    let after = await overlayState(frame);
    for (let i = 0; i < 50 && after.alpha === before.alpha; i++) {
      await page.waitForTimeout(100);
      after = await overlayState(frame);
    }
    assert.notEqual(after.alpha, before.alpha, 'min fusion draws another rollout');
    // a layer-head map picked by keyboard goes onto the image
    await frame.locator('.head-map[data-layer="3"][data-head="-1"]').focus();
    await page.keyboard.press('Enter');
    assert.equal((await overlayState(frame)).source, 'layer3-head-1');
    // the patches' hidden states go to the projector, by keyboard: one point a patch, coloured by rollout
    await frame.locator('#open-projector').focus();
    await page.keyboard.press('Enter');
    const projector = panelFrame(page);
    await projector.locator('#scatter').waitFor({ state: 'visible', timeout: 120_000 });
    await projector.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 120_000 });
    assert.match(await projector.locator('#subtitle').innerText(), /tensorloupe-glyph-vit · blocks\.3\.hook_resid_post .*64 of 64 points · 96 dims · PCA/);
    assert.equal(await projector.locator('#colour').inputValue(), 'rollout');
    assert.ok((await projector.locator('#legend .legend-label').allInnerTexts()).every((t) => /^rollout \d\.\d–\d\.\d$/.test(t)), 'legend rows are rollout bins');
    await workbench.screenshot('inspect-image-patches-projector');
  });
});

test('an image opens in VS Code\'s own preview; Reopen With… → Tensorloupe Image Inspector shows the panel in the editor', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'image-inspector-editor', async () => {
    const { page, workbench } = session;
    await workbench.runPaletteCommand('View: Close All Editors');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'glyph-A.png' }).first().dblclick(); // openMode: doubleClick
    await page.locator('.tab.active[aria-label*="glyph-A.png"]').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2_000);
    const inspectorFrames = async () => {
      let n = 0;
      for (const f of page.frames()) n += await f.evaluate(() => document.querySelectorAll('#predictions').length).catch(() => 0);
      return n;
    };
    assert.equal(await inspectorFrames(), 0, 'the default editor for a PNG is not Tensorloupe (priority "option")');
    await workbench.runPaletteCommandAndPick('View: Reopen Editor With...', 'Tensorloupe Image Inspector');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    assert.equal((await frame.locator('#predictions tbody tr th').first().innerText()).trim(), 'A');
    assert.equal((await overlayState(frame)).source, 'rollout');
    // a warm run is quick: no progress notification is left reading "done" with a Cancel button
    assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: 'inspecting glyph-A.png' }).count(), 0, 'no lingering progress notification');
    await workbench.screenshot('image-inspector-editor');
  });
});
