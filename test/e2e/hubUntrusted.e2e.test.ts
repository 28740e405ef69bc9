// Workspace trust: in an untrusted (restricted mode) workspace a model downloaded from the Hub is
// loaded only after the user says yes in a modal; "no" leaves the model setting as it was, and a
// yes is remembered for the session (the next run asks nothing).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
let session: Session;
const hfHome = mkdtempSync(join(tmpdir(), 'tl-e2e-untrusted-'));

before(async () => {
  await hub.start();
  hub.addRepo(REPO, join(repoRoot, 'models', 'tensorloupe-code-lm'), (p) => !p.endsWith('reference.json'));
  session = await openSession({
    env: { HF_ENDPOINT: hub.url, HF_HOME: hfHome, HF_HUB_OFFLINE: '', HF_TOKEN: '' },
    // restricted mode: trust on, never prompted, so the workspace stays untrusted
    workspaceTrust: true,
    settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' },
  });
}, { timeout: 300_000 });
after(async () => {
  await session?.close();
  await hub.stop();
  rmSync(hfHome, { recursive: true, force: true });
});

const dialog = () => session.page.locator('.monaco-dialog-box', { hasText: 'This workspace is not trusted' });

test('untrusted workspace: a Hub model waits for a modal yes; no keeps the setting; yes is remembered', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'hub-untrusted', async () => {
    const { page, workbench } = session;
    await workbench.openFile('tokenize.ts');
    await selectHubModel(session, REPO);
    await dialog().waitFor({ timeout: 180_000 });
    assert.match(await dialog().innerText(), /Load the model tensorloupe\/code-lm\?[\s\S]*downloaded from the Hugging Face Hub/);
    await workbench.screenshot('hub-untrusted-ask');
    await dialog().locator('.monaco-button', { hasText: 'Cancel' }).click();
    await page.locator('.notifications-toasts', { hasText: 'was not loaded: the workspace is not trusted and loading it was declined' }).first().waitFor();
    assert.match(await page.locator('.statusbar-item', { hasText: 'tensorloupe-code-lm' }).first().innerText(), /tensorloupe-code-lm/, 'the status bar keeps the bundled model');
    await workbench.runPaletteCommand('Notifications: Clear All Notifications');

    hub.requests.length = 0;
    await selectHubModel(session, REPO);
    await dialog().waitFor({ timeout: 60_000 });
    assert.deepEqual(hub.requests.map((r) => r.url), [`/api/models/${REPO}`], 'the second time only main’s commit is asked; the cache has every file');
    await dialog().locator('.monaco-button', { hasText: 'Load Model' }).click();
    await page.locator('.statusbar-item', { hasText: `${REPO} · cpu` }).first().waitFor({ timeout: 120_000 });

    await workbench.focusEditor();
    await workbench.selectLines(8, 10);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const panel = new NextTokenPanel(page);
    await panel.waitDrawnFor(cliNextToken(fixtureLines('tokenize.ts', 8, 10), 1).tokens.length);
    assert.match(await panel.frame.locator('#subtitle').innerText(), new RegExp(`^${REPO} · tokenize\\.ts:8`));
    assert.equal(await dialog().count(), 0, 'consent is remembered for the session');
  });
});
