// Probe Future Tokens end to end on the fixture workspace (three small files as the corpus, one
// each for train / validation / test): the palette command asks for the glob, the panel shows the
// layer × k grid with the same figures as `tensorloupe future` on those files, and on a selection
// each position's guesses for t+2 … t+4, each checked against the token that is really k ahead.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { fixtureWorkspace, repoRoot } from './harness/paths';
import { openSession, withFailureReport, type Session } from './harness/session';

const GLOB = '*.{ts,py,md}'; // README.md, stats.py, tokenize.ts
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

interface FutureJson { layers: { layer: number; k: number; top1: number; top5: number; ngramTop1: number }[] }

test('Probe Future Tokens: the layer × k grid the CLI computes, and per-position guesses on a selection', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'future-tokens', async () => {
    const { workbench, page } = session;
    await workbench.openFile('stats.py');
    await workbench.selectLines(1, 4);
    await workbench.runPaletteCommandAndType('Tensorloupe: Probe Future Tokens', GLOB);
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 240_000 });
    assert.match(await frame.locator('#subtitle').innerText(), /files 1 \/ 1 \/ 1 \(train \/ validation \/ test\)/);

    // the grid: 5 layers (embedding + 4 blocks) × k = 1..4, each cell the engine's figures
    const cli = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'future', '--corpus', GLOB, '--seed', '0', '--json'], { cwd: fixtureWorkspace, encoding: 'utf8', timeout: 300_000 })) as FutureJson;
    const rows = frame.locator('#grid tbody tr');
    assert.equal(await rows.count(), 5);
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    for (let layer = 0; layer < 5; layer++) {
      const cells = await rows.nth(layer).locator('td').allInnerTexts();
      assert.equal(cells.length, 4, `layer ${layer}: t+1 … t+4`);
      cells.forEach((text, i) => {
        const c = cli.layers.find((x) => x.layer === layer && x.k === i + 1);
        assert.ok(c, `CLI cell ${layer}:${i + 1}`);
        const shown = /^([\d.]+)% \/ ([\d.]+)% · n-gram ([\d.]+)%/.exec(text);
        assert.ok(shown, text);
        assert.equal(`${shown[3]}%`, pct(c.ngramTop1), `n-gram at layer ${layer} t+${i + 1}`);
        // probes fit in float32 on onnxruntime's threads: allow a tenth of a point of rounding
        assert.ok(Math.abs(Number(shown[1]) - 100 * c.top1) <= 0.15 && Math.abs(Number(shown[2]) - 100 * c.top5) <= 0.15, `layer ${layer} t+${i + 1}: panel ${text}, CLI ${JSON.stringify(c)}`);
      });
    }

    // the selection: one row per token, guesses for t+2 … t+4; what "came true" is the token k rows down
    const positions = frame.locator('#selection tbody tr');
    const n = await positions.count();
    assert.ok(n > 10, `${n} positions`);
    const tokens = await positions.locator('td.token').allInnerTexts();
    for (const i of [0, 1, Math.floor(n / 2), n - 4]) {
      const cells = positions.nth(i).locator('td:not(.token)');
      assert.equal(await cells.count(), 3, `row ${i}: t+2, t+3, t+4`);
      for (let j = 0; j < 3; j++) {
        const k = j + 2;
        const cell = cells.nth(j);
        assert.match(await cell.innerText(), /^".*" [\d.]+%/, `row ${i} t+${k} shows a guess with its probability`);
        assert.equal(await cell.getAttribute('title'), i + k < n ? `actual: ${tokens[i + k]}` : 'past the end of the selection', `row ${i} t+${k}`);
      }
    }
    await workbench.screenshot('future-tokens');
  });
});
