// Issue 10 from the palette and the context menu: Project Embeddings draws the embedding matrix's
// PCA scatter, a click on a point lists its 10 neighbours, a typed token and an analogy answer
// like the CLI, and a selection projects its tokens' hidden states with file:line on hover.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { bundledModel } from './harness/cli';
import { repoRoot } from './harness/paths';
import { panelFrame } from './harness/panelFrame';
import { openSession, withFailureReport, type Session } from './harness/session';

const long = 240_000;
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

const panel = panelFrame;

async function waitDrawn(frame: FrameLocator): Promise<void> {
  await frame.locator('body[data-state="drawn"], body[data-state="error"]').waitFor({ state: 'attached', timeout: long });
  if ((await frame.locator('body').getAttribute('data-state')) === 'error') throw new Error(`projector panel shows an error: ${await frame.locator('#error-text').textContent()}`);
}

function cli(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, ['dist/cli.js', ...args, '--model', bundledModel, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
}

async function closeEditors(): Promise<void> {
  await session.workbench.dismissOverlays();
  await session.workbench.runPaletteCommand('View: Close All Editors');
  await session.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 30_000 });
}

test('palette: Project Embeddings draws the embedding PCA; click → 10 neighbours; token box and analogy agree with the CLI; pan/zoom redraws', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'projector', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.runPaletteCommand('Tensorloupe: Project Embeddings');
    const frame = panel(page);
    await waitDrawn(frame);
    assert.match((await frame.locator('#subtitle').textContent()) ?? '', /input embedding · 4,096 of 4,096 points · 128 dims · PCA/);
    assert.match((await frame.locator('#variance').textContent()) ?? '', /PC1 36\.4%, PC2 2\.7%/);
    // click the point the scatter drew for token 612 ("def")
    const at = await frame.locator('#scatter').evaluate((c: HTMLCanvasElement) => {
      const s = (window as unknown as { __tlScatter: { screenOf(i: number): { x: number; y: number } } }).__tlScatter;
      const r = c.getBoundingClientRect();
      const p = s.screenOf(612);
      return { x: p.x, y: p.y, inside: p.x > 0 && p.y > 0 && p.x < r.width && p.y < r.height };
    });
    assert.ok(at.inside, 'the point is in view');
    await frame.locator('#scatter').click({ position: { x: at.x, y: at.y } });
    await frame.locator('#neighbours tbody tr').nth(9).waitFor({ timeout: long });
    // the list is the clicked point's: the title names the id the read-out shows (points may overlap, so not necessarily 612)
    const clicked = Number(/id (\d+)/.exec((await frame.locator('#neighbours-title').textContent()) ?? '')?.[1]);
    assert.match((await frame.locator('#readout').textContent()) ?? '', new RegExp(`· id ${clicked}\\b`));
    assert.equal(await frame.locator('#neighbours tbody tr').count(), 10);
    const want = cli(['neighbours', 'def']) as { neighbours: { id: number; cosine: number }[] };
    // typed token
    await frame.locator('#token').fill('def');
    await frame.locator('#token-go').click();
    await frame.locator('#neighbours-title', { hasText: 'id 612' }).waitFor({ timeout: long });
    assert.deepEqual((await frame.locator('#neighbours tbody tr td:nth-child(3)').allTextContents()).map(Number), want.neighbours.map((n) => n.id));
    assert.deepEqual(await frame.locator('#neighbours tbody tr td:nth-child(4)').allTextContents(), want.neighbours.map((n) => n.cosine.toFixed(4)));
    // analogy
    await frame.locator('#analogy-a').fill(' True');
    await frame.locator('#analogy-b').fill(' False');
    await frame.locator('#analogy-c').fill(' 1');
    await frame.locator('#analogy-go').click();
    await frame.locator('#analogy tbody tr').nth(9).waitFor({ timeout: long });
    const analogy = cli(['analogy', ' True', ' False', ' 1']) as { answers: { id: number }[] };
    assert.deepEqual((await frame.locator('#analogy tbody tr td:nth-child(3)').allTextContents()).map(Number), analogy.answers.map((a) => a.id));
    // an unknown token: a one-line message, the panel stays drawn
    await frame.locator('#token').fill('zzqqxxjj');
    await frame.locator('#token-go').click();
    await frame.locator('#neighbours-title', { hasText: 'is not one token' }).waitFor({ timeout: long });
    assert.equal(await frame.locator('body').getAttribute('data-state'), 'drawn');
    // search highlights; pan and zoom redraw (the frame time is printed, not asserted)
    await frame.locator('#search').fill('def');
    assert.match((await frame.locator('#search-count').textContent()) ?? '', /^\d+ match/);
    const box = (await frame.locator('#scatter').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    const drawMs = await frame.locator('#scatter').evaluate(() => (window as unknown as { __tlScatter: { lastDrawMs: number } }).__tlScatter.lastDrawMs);
    console.log(`projector scatter frame after pan/zoom (4,096 points): ${drawMs.toFixed(1)} ms`);
    await workbench.screenshot('projector-1-embeddings');
    await closeEditors();
  });
});

test('context menu on a selection: the last layer’s hidden states of its tokens, file:line on hover', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'projector-resid', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 20);
    await workbench.contextMenu('Project Embeddings');
    const frame = panel(page);
    await waitDrawn(frame);
    assert.match((await frame.locator('#subtitle').textContent()) ?? '', /blocks\.3\.hook_resid_post · stats\.py:1/);
    const at = await frame.locator('#scatter').evaluate(() => (window as unknown as { __tlScatter: { screenOf(i: number): { x: number; y: number } } }).__tlScatter.screenOf(5));
    await frame.locator('#scatter').hover({ position: at });
    await frame.locator('#readout', { hasText: 'stats.py:' }).waitFor({ timeout: long });
    assert.match((await frame.locator('#readout').textContent()) ?? '', /id \d+ · stats\.py:\d+ · position \d+ · layer 3/);
    await workbench.screenshot('projector-2-selection');
    await closeEditors();
  });
});

test('UMAP from the panel: the progress notification shows the engine’s epochs', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'projector-progress', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.runPaletteCommand('Tensorloupe: Project Embeddings');
    const frame = panel(page);
    await waitDrawn(frame);
    await frame.locator('#method').selectOption('umap');
    await frame.locator('#run').click();
    // the notification's message while the engine runs (a toast, or the centre's list on a busy machine)
    const seen = new Set<string>();
    const messages = page.locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message');
    const started = Date.now();
    while (!/· UMAP ·/.test((await frame.locator('#subtitle').textContent()) ?? '') && Date.now() - started < long) {
      for (const text of await messages.allInnerTexts()) if (/project embeddings/i.test(text)) seen.add(text);
      await page.waitForTimeout(100);
    }
    await waitDrawn(frame);
    assert.match((await frame.locator('#subtitle').textContent()) ?? '', /· UMAP ·/);
    assert.ok([...seen].some((t) => /UMAP epoch \d+\/\d+/.test(t)), `notification messages seen: ${[...seen].join(' | ') || 'none'}`);
    await closeEditors();
  });
});
