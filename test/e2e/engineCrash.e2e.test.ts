// The engine is a child process: killing it mid-request must show a clear error in the panel,
// and the next request must start a new engine and work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { enginePids } from './harness/processes';
import { openSession, withFailureReport, type Session } from './harness/session';

const delayMs = 6000; // long enough to find the engine and kill it while it holds the request

let session: Session;
before(async () => {
  session = await openSession({ env: { TENSORLOUPE_ENGINE_TEST_DELAY_MS: String(delayMs) } });
}, { timeout: 300_000 });
after(async () => { await session?.close(); });

async function waitForEngine(pgid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = enginePids(pgid);
    if (pids.length > 0) return pids[0];
    if (Date.now() > deadline) throw new Error('no dist/engine.js process appeared in code-server\'s process group');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('killing the engine mid-request shows an error, and the next request works', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'engine-crash', async () => {
    const { workbench, page, codeServer } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(8, 10);
    const started = Date.now();
    await workbench.contextMenu('Inspect Next-Token Distribution');
    const pid = await waitForEngine(codeServer.pgid, delayMs);
    // The request is held for delayMs after it reaches the engine; kill well inside that window.
    assert.ok(Date.now() - started < delayMs, 'found the engine too late to kill it mid-request');
    process.kill(pid, 'SIGKILL');

    const panel = new NextTokenPanel(page);
    const state = await panel.waitState(['error', 'drawn'], 120_000);
    await workbench.screenshot('engine-crash-1-error');
    assert.equal(state, 'error', 'the panel must show an error after the engine was killed, not a result');
    const message = await panel.error();
    assert.match(message, /engine/i, `error message should mention the engine: ${message}`);

    // The next request (through the palette this time) starts a new engine and succeeds.
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(12, 14);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const text = fixtureLines('tokenize.ts', 12, 14);
    const expected = cliNextToken(text, 10);
    await panel.waitDrawnFor(expected.tokens.length, 180_000);
    assert.deepEqual(await panel.topTokenIds(10), expected.next.map((n) => n.id));
    const after = enginePids(codeServer.pgid);
    assert.ok(after.length > 0 && !after.includes(pid), `a new engine runs (before ${pid}, now ${after.join(',')})`);
    await workbench.screenshot('engine-crash-2-recovered');
  });
});
