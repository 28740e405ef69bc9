// Inspect Audio end to end: a right-click on a .wav in the explorer opens the Audio panel with the
// bundled speech model's predictions (the engine's top class for the file, "yes"), the waveform,
// spectrogram and strip, and the encoder self-attention of its window (model view thumbnails,
// head view, rollout). Its screenshot is the README's (copied by hand to media/). The second test opens the same file with
// the explorer's Open With… → Tensorloupe Audio (the read-only custom editor Reopen With… offers too).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { explorerMenu } from './harness/explorerMenu';
import { panelFrame } from './harness/panelFrame';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('explorer right-click on a .wav → Inspect Audio → predictions, spectrogram and attention', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'audio', async () => {
    const { workbench, page } = session;
    await workbench.dismissOverlays();
    await explorerMenu(session, 'yes.wav', 'Inspect Audio');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    await frame.locator('body[data-attention="drawn"]').waitFor({ state: 'attached', timeout: 60_000 });
    const first = (await frame.locator('#predictions tbody tr').first().locator('th').innerText()).trim();
    assert.equal(first, 'yes');
    assert.match(await frame.locator('#subtitle').innerText(), /yes\.wav · WAV PCM 16-bit, 16000 Hz, 1 ch, 1\.00 s · tensorloupe-speech-kws/);
    assert.equal(await frame.locator('#strip .audio-cell').count(), 1);
    assert.equal(await frame.locator('#model-view .audio-thumb-button').count(), 12, '3 layers × 4 heads');
    // the head view follows a thumbnail chosen by keyboard
    await frame.locator('#model-view .audio-thumb-button').nth(5).focus();
    await page.keyboard.press('Enter');
    assert.match(await frame.locator('#head-view').locator('xpath=..').locator('h3').innerText(), /layer 1 head 1/);
    // hovering the spectrogram inside the window reads out that frame's attention
    const box = await frame.locator('#spectrogram').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await frame.locator('#frame-readout', { hasText: /most attention to frame/ }).waitFor({ timeout: 10_000 });
    await workbench.screenshot('audio'); // test-results/e2e/audio.png; media/screenshot-audio.png is a copy of it
  });
});

test('Open With… → Tensorloupe Audio: the same panel as a read-only editor of the file', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'audio-editor', async () => {
    const { workbench, page } = session;
    await workbench.dismissOverlays();
    // no other webview open (the Audio panel, VS Code's own media preview), so the frame found is the editor's
    await workbench.runPaletteCommand('View: Close All Editors');
    await explorerMenu(session, 'yes.wav', 'Open With...');
    const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tensorloupe Audio' }).first();
    await choice.waitFor({ timeout: 60_000 });
    await choice.click();
    await page.locator('.tab.active', { hasText: 'yes.wav' }).first().waitFor({ timeout: 60_000 });
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    assert.match(await frame.locator('#subtitle').innerText(), /^yes\.wav · /);
    assert.equal((await frame.locator('#predictions tbody tr').first().locator('th').innerText()).trim(), 'yes');
  });
});
