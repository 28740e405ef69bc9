// Select Model → Hugging Face Hub… against the loopback Hub on 127.0.0.1 (HF_ENDPOINT and HF_HOME
// set for code-server, so for the extension host): the repo id is typed, the files are downloaded
// into the HF cache (a cancelled download resumed with Range), the model is loaded and saved, the status bar names it with its provider,
// and the next-token panel runs on it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { repoRoot } from './harness/paths';
import { openSession, withFailureReport, type Session } from './harness/session';
import { selectHubModel } from './harness/selectHubModel';
import { LoopbackHub } from '../helpers/loopbackHub';

const REPO = 'tensorloupe/code-lm';
const hub = new LoopbackHub();
const hfHome = mkdtempSync(join(tmpdir(), 'tl-e2e-hub-'));
let session: Session;

before(async () => {
  await hub.start();
  hub.addRepo(REPO, join(repoRoot, 'models', 'tensorloupe-code-lm'), (p) => !p.endsWith('reference.json'));
  session = await openSession({ env: { HF_ENDPOINT: hub.url, HF_HOME: hfHome, HF_HUB_OFFLINE: '', HF_TOKEN: '' } });
}, { timeout: 300_000 });
after(async () => {
  await session?.close();
  await hub.stop();
  rmSync(hfHome, { recursive: true, force: true });
});

test('Cancel on the progress notification stops the download: the model setting is unchanged, the partial file stays', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'hub-cancel', async () => {
    const { page, workbench } = session;
    hub.switches.chunkDelayMs = 300; // ~30 s for the graph: time to press Cancel
    await workbench.openFile('tokenize.ts');
    await selectHubModel(session, REPO);
    // Cancel once bytes of the graph have arrived (a Cancel before the first byte leaves nothing to resume)
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /onnx\/model\.onnx · [\d.]+ KB of/ }).first();
    await toast.waitFor({ timeout: 120_000 });
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click({ timeout: 120_000 });
    await toast.waitFor({ state: 'hidden', timeout: 60_000 });
    const blobs = join(hfHome, 'hub', 'models--tensorloupe--code-lm', 'blobs');
    await page.waitForTimeout(1000);
    assert.ok(readdirSync(blobs).some((b) => b.endsWith('.incomplete')), 'the partial graph is kept for a resume');
    assert.ok(!existsSync(join(hfHome, 'hub', 'models--tensorloupe--code-lm', 'refs', 'main')), 'no ref to a half download');
    assert.match(await page.locator('.statusbar-item', { hasText: /tensorloupe[-/]code-lm/ }).first().innerText(), /tensorloupe-code-lm/, 'the status bar keeps the bundled model');
  });
});

test('Select Model → Hugging Face Hub… downloads the repo, the status bar names it, the next-token panel uses it', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'hub-select', async () => {
    const { page, workbench } = session;
    hub.switches.chunkDelayMs = 40;
    hub.requests.length = 0;
    await workbench.runPaletteCommand('Notifications: Clear All Notifications');
    await selectHubModel(session, REPO);

    // the transfer is slowed (64 KiB every 40 ms) so its progress notification can be read
    const progress: string[] = [];
    const status = page.locator('.statusbar-item', { hasText: REPO }).first();
    const deadline = Date.now() + 180_000;
    while (!(await status.isVisible())) {
      if (Date.now() > deadline) throw new Error(`the status bar never named ${REPO}; notifications: ${progress.join(' | ')}`);
      progress.push(...(await workbench.notifications()).filter((n) => n.includes('downloading')));
      await page.waitForTimeout(200);
    }
    const shown = progress.find((n) => /onnx\/model\.onnx · [\d.]+ (KB|MB) of [\d.]+ MB \(\d+%\) · [\d.]+ (B|KB|MB)\/s/.test(n));
    assert.ok(shown, `a progress notification with file, bytes, total and rate (saw: ${progress.slice(0, 3).join(' | ')})`);
    await page.locator('.statusbar-item', { hasText: `${REPO} · cpu` }).first().waitFor({ timeout: 60_000 });
    await workbench.screenshot('hub-selected');
    assert.ok(hub.requestsTo(`/api/models/${REPO}`).length >= 1, 'the Hub was asked');
    assert.ok(hub.requestsTo('/cdn/').some((r) => /^bytes=[1-9]\d*-$/.test(r.range ?? '')), 'the cancelled graph was resumed with a Range request through the CDN redirect');
    const snapshots = join(hfHome, 'hub', 'models--tensorloupe--code-lm', 'snapshots');
    assert.ok(existsSync(snapshots) && readdirSync(snapshots).length === 1, 'one snapshot in the HF cache');

    hub.switches.chunkDelayMs = undefined;
    hub.requests.length = 0;
    await workbench.focusEditor();
    await workbench.selectLines(8, 10);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const panel = new NextTokenPanel(page);
    const expected = cliNextToken(fixtureLines('tokenize.ts', 8, 10), 5);
    await panel.waitDrawnFor(expected.tokens.length);
    assert.match(await panel.frame.locator('#subtitle').innerText(), new RegExp(`^${REPO} · tokenize\\.ts:8`));
    assert.deepEqual(await panel.topTokenIds(5), expected.next.slice(0, 5).map((c) => c.id), 'same answer as the bundled model it is a copy of');
    assert.equal(hub.requests.length, 0, 'runs read the cache; nothing more is requested');
  });
});
