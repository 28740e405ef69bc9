// Inspect Next-Token runs under a progress notification with Cancel. The engine here holds every
// request (TENSORLOUPE_ENGINE_TEST_DELAY_MS) without looking at its cancel, so Cancel must end in
// the forced restart: the panel says the request was cancelled, a new engine runs, and the next
// inspection works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { enginePids } from './harness/processes';
import { openSession, withFailureReport, type Session } from './harness/session';

const delayMs = 8000; // longer than the 1.5 s grace period, so only a restart can stop the request

let session: Session;
before(async () => {
  session = await openSession({ env: { TENSORLOUPE_ENGINE_TEST_DELAY_MS: String(delayMs) } });
}, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('Cancel on the Inspect Next-Token notification stops the request and restarts a stuck engine', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'cancel', async () => {
    const { workbench, page, codeServer } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(8, 10);
    await workbench.contextMenu('Inspect Next-Token Distribution');
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Tensorloupe: next token' });
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    const cancel = toast.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor({ state: 'visible', timeout: 10_000 });
    const before = enginePids(codeServer.pgid);
    assert.ok(before.length > 0, 'an engine runs and holds the request');
    await workbench.screenshot('cancel-1-notification');
    await cancel.click();

    const panel = new NextTokenPanel(page);
    const state = await panel.waitState(['error', 'drawn'], 60_000);
    assert.equal(state, 'error', 'a cancelled inspection shows no result');
    assert.match(await panel.error(), /cancel/i);
    await toast.waitFor({ state: 'detached', timeout: 30_000 });
    const after = enginePids(codeServer.pgid);
    assert.ok(!after.some((pid) => before.includes(pid)), `the stuck engine was stopped (before ${before.join(',')}, now ${after.join(',')})`);
    await workbench.screenshot('cancel-2-cancelled');

    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(12, 14);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const expected = cliNextToken(fixtureLines('tokenize.ts', 12, 14), 10);
    await panel.waitDrawnFor(expected.tokens.length, 180_000);
    assert.deepEqual(await panel.topTokenIds(10), expected.next.map((n) => n.id));
  });
});
