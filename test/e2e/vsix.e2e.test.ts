// What a user installs: the linux-x64 VSIX from `npm run package`, installed into a fresh
// extensions dir with code-server's --install-extension (not the checkout symlinked in), runs
// Inspect Next-Token and lists the same top tokens as the CLI.
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { linuxX64Vsix } from '../helpers/vsix';
import { cliNextToken } from './harness/cli';
import { fixtureLines } from './harness/fixtureText';
import { NextTokenPanel } from './harness/nextTokenPanel';
import { repoRoot } from './harness/paths';
import { processesInGroup } from './harness/processes';
import { openSession, withFailureReport, type Session } from './harness/session';

// The VSIX carries linux-x64 binaries: elsewhere its engine could not start.
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
const skip = !onLinuxX64 && 'the linux-x64 VSIX runs on linux-x64 only';

let session: Session;
before(async () => { if (onLinuxX64) session = await openSession({ vsix: linuxX64Vsix() }); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

test('the installed linux-x64 VSIX: Inspect Next-Token Distribution matches the CLI', { timeout: 300_000, skip }, async () => {
  await withFailureReport(session, 'vsix-next-token', async () => {
    const { workbench, page, codeServer } = session;
    const installed = readdirSync(codeServer.extensionsDir).filter((name) => name.startsWith('tensorloupe.tensorloupe-'));
    assert.equal(installed.length, 1, `one Tensorloupe in ${codeServer.extensionsDir}: ${installed.join(', ')}`);
    const folder = join(codeServer.extensionsDir, installed[0]);
    assert.ok(lstatSync(folder).isDirectory() && !lstatSync(folder).isSymbolicLink(), `${folder} is an unpacked VSIX, not a link to the checkout`);

    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(12, 14);
    await workbench.runPaletteCommand('Tensorloupe: Inspect Next-Token Distribution');
    const expected = cliNextToken(fixtureLines('tokenize.ts', 12, 14), 10);
    const panel = new NextTokenPanel(page);
    await panel.waitDrawnFor(expected.tokens.length);
    const rows = await panel.rows();
    assert.deepEqual(rows.slice(0, 10).map((r) => r.id), expected.next.map((n) => n.id), 'top-10 token ids: installed VSIX vs CLI');
    for (const [i, row] of rows.slice(0, 10).entries()) {
      // The table shows 4 decimals of probability.
      assert.ok(Math.abs(row.prob - expected.next[i].prob) < 6e-5, `prob of rank ${i + 1}: ${row.prob} vs ${expected.next[i].prob}`);
    }
    await workbench.screenshot('vsix-next-token');

    // The engine that answered is the one unpacked from the VSIX.
    const engines = processesInGroup(codeServer.pgid).filter((p) => p.args.includes('dist/engine.js'));
    assert.ok(engines.length > 0, 'an engine process runs');
    for (const engine of engines) assert.ok(engine.args.includes(join(folder, 'dist', 'engine.js')), `engine runs from the installed VSIX: ${engine.args}`);
  });
});

test("the installed extension's page shows its README with the screenshots", { timeout: 300_000, skip }, async () => {
  await withFailureReport(session, 'vsix-readme', async () => {
    const { workbench, page } = session;
    const alts = [...readFileSync(join(repoRoot, 'README.md'), 'utf8').matchAll(/!\[([^\]]+)\]\(media\/[^)]+\)/g)].map((m) => m[1]);
    assert.ok(alts.length >= 3, `README screenshots: ${alts.join(', ')}`);
    await workbench.runPaletteCommand('Extensions: Show Enabled Extensions');
    await page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Tensorloupe' }).first().click();
    // The README renders in a webview of the extension editor, which loads no files of the
    // extension: its images only show if the packed README carries them itself.
    const deadline = Date.now() + 60_000;
    let images: Array<[string, number]> = [];
    for (;;) {
      for (const frame of page.frames()) {
        const found = await frame.locator('img').evaluateAll((imgs) => imgs.map((img) => [img.getAttribute('alt') ?? '', (img as HTMLImageElement).complete ? (img as HTMLImageElement).naturalWidth : -1] as [string, number])).catch(() => []);
        if (found.some(([alt]) => alts.includes(alt))) images = found.filter(([alt]) => alts.includes(alt));
      }
      if (images.length === alts.length && images.every(([, width]) => width > 0)) break;
      if (Date.now() > deadline) break;
      await page.waitForTimeout(500);
    }
    await workbench.screenshot('vsix-readme');
    assert.deepEqual(images.map(([alt]) => alt), alts, 'every README screenshot is on the extension page');
    for (const [alt, width] of images) assert.ok(width > 0, `screenshot "${alt}" shows (naturalWidth ${width})`);
  });
});
