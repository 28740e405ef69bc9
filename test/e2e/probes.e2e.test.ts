// Issue 10, probes in the editor: palette → Train Probe… → builtin:category over the workspace's
// TS/JS files draws accuracy per layer equal to the CLI's on the same files; Save Probe writes the
// probe; Apply Probe to Selection underlines the selection's tokens with their labels; Clear Probe
// removes them; the saved file colours the projector's points at its layer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundledModel } from './harness/cli';
import { repoRoot } from './harness/paths';
import { panelFrame } from './harness/panelFrame';
import { openProbePreview, waitProbesPhase } from './harness/probesPanel';
import { openSession, withFailureReport, type Session } from './harness/session';
import type { ProbeTrainResult } from '../../src/protocol/probes';

const long = 240_000;
let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

const panel = panelFrame;

test('Train Probe → builtin:category: per-layer figures equal the CLI’s; Save Probe; Apply Probe labels the selection; Clear Probe removes them', { timeout: 600_000 }, async () => {
  await withFailureReport(session, 'probes', async () => {
    const { workbench, page } = session;
    const workspace = session.codeServer.workspace;
    // first the dataset's size and class counts, before any forward pass; Train starts training
    const frame = await openProbePreview(session);
    await frame.locator('#train').click();
    await waitProbesPhase(frame, 'trained');

    // the workspace's only TS/JS file is tokenize.ts: the CLI on the same file must give the same run
    const want = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'probe', '--model', bundledModel, '--dataset', 'builtin:category', '--files', join(workspace, 'tokenize.ts'), '--json'], { cwd: repoRoot, encoding: 'utf8' })) as Pick<ProbeTrainResult, 'labels' | 'counts' | 'majorityBaseline'> & { layers: Omit<ProbeTrainResult['layers'][number], 'confusion' | 'l2'>[] };
    assert.match((await frame.locator('#subtitle').textContent()) ?? '', /builtin:category over 1 file/);
    const rows = await frame.locator('#layers tbody tr').evaluateAll((trs) => trs.map((tr) => ({ layer: Number(tr.getAttribute('data-layer')), accuracy: Number(tr.getAttribute('data-accuracy')), control: Number(tr.getAttribute('data-control')), selectivity: Number(tr.getAttribute('data-selectivity')) })));
    assert.deepEqual(rows, want.layers.map((l) => ({ layer: l.layer, accuracy: l.accuracy, control: l.controlAccuracy, selectivity: l.selectivity })));
    const plotted = await frame.locator('#accuracy-chart').evaluate(() => (window as unknown as { __tlProbeChart: { label: string; data: { x: number; y: number }[] }[] }).__tlProbeChart);
    assert.deepEqual(plotted.find((d) => d.label === 'probe accuracy')?.data, want.layers.map((l) => ({ x: l.layer, y: l.accuracy })));
    assert.deepEqual(plotted.find((d) => d.label === 'control task')?.data, want.layers.map((l) => ({ x: l.layer, y: l.controlAccuracy })));
    assert.ok(plotted.find((d) => d.label === 'majority baseline')?.data.every((p) => p.y === want.majorityBaseline));
    // the canvas was painted (not left blank)
    const painted = await frame.locator('#accuracy-chart').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(painted > 1000, `chart pixels painted: ${painted}`);
    // class counts and the chosen layer's confusion matrix (counts sum to the test split)
    assert.deepEqual(await frame.locator('#class-counts tbody th').allTextContents(), want.labels);
    assert.deepEqual((await frame.locator('#class-counts tbody td').allTextContents()).map(Number), want.labels.map((l) => want.counts[l]));
    const layer = Number(await frame.locator('#confusion-layer').inputValue());
    const cells = (await frame.locator('#confusion tbody td').allTextContents()).map(Number);
    assert.equal(cells.length, want.labels.length ** 2);
    const testExamples = Number(/test (\d+)/.exec((await frame.locator('#dataset-size').textContent()) ?? '')?.[1]);
    assert.ok(testExamples >= 20, `enough test tokens to compare (${testExamples})`);
    assert.equal(cells.reduce((a, b) => a + b, 0), testExamples);
    // the diagonal over the test examples is the accuracy the CLI printed for that layer
    const diagonal = want.labels.reduce((sum, _, i) => sum + cells[i * want.labels.length + i], 0);
    assert.equal(diagonal / testExamples, want.layers.find((l) => l.layer === layer)!.accuracy);
    await workbench.screenshot('probes-1-panel');

    // Save Probe: the (simple) save dialog opens on the default name in the workspace; accept it
    await frame.locator('#save-probe').click();
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('.json') ?? false, undefined, { timeout: long });
    await page.keyboard.press('Enter');
    await frame.locator('#save-status', { hasText: 'Saved the layer' }).waitFor({ timeout: long });
    const out = /to (\/.*\.json) \(/.exec((await frame.locator('#save-status').textContent()) ?? '')?.[1] ?? '';
    assert.equal(dirname(out), workspace);
    assert.ok(existsSync(out), `${out} exists`);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { format: string; layer: number; labels: string[] };
    assert.equal(saved.format, 'tensorloupe-probe');
    assert.equal(saved.layer, layer);

    // Apply Probe to a selection: the saved probe is offered first
    await workbench.dismissOverlays();
    await workbench.openFile('tokenize.ts');
    await workbench.selectLines(2, 6);
    assert.equal(await workbench.decorations().count(), 0);
    await workbench.runPaletteCommandAndPick('Tensorloupe: Apply Probe to Selection', basename(out));
    await workbench.decorations().first().waitFor({ state: 'attached', timeout: long });
    const labels = await workbench.decorations().evaluateAll((els) => els.map((e) => getComputedStyle(e, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal'));
    assert.ok(labels.length > 0, 'labels shown after the tokens');
    for (const l of labels) assert.ok(saved.labels.includes(JSON.parse(l) as string), `label ${l} is one of the probe's`);
    // the language server's hover may still be loading beside ours: hover again until ours has rendered
    let hover = '';
    for (let i = 0; i < 5 && !/Probe .* confidence/.test(hover); i++) hover = await workbench.hoverText('left');
    assert.match(hover, new RegExp(`Probe .* confidence \\d+\\.\\d% · layer ${layer}\\b`));
    await workbench.screenshot('probes-2-applied');

    await workbench.dismissOverlays();
    await workbench.runPaletteCommand('Tensorloupe: Clear Probe');
    await workbench.decorations().first().waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await workbench.decorations().count(), 0);

    // the saved file colours the projector's points: their hidden states at the probe's hook
    // (probe layer L + 1 is projector layer L; the embedding, probe layer 0, is not projected)
    await workbench.selectLines(1, 30);
    await workbench.contextMenu('Project Embeddings');
    const projector = panel(page);
    await projector.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: long });
    if (layer > 0) {
      await projector.locator('#layer').fill(String(layer - 1));
      await projector.locator('#run').click();
      await projector.locator('#subtitle', { hasText: `blocks.${layer - 1}.hook_resid_post` }).waitFor({ timeout: long });
    }
    await projector.locator('#colour').selectOption('probe');
    await projector.locator('#probe-source').selectOption('file');
    await projector.locator('#probe-go').click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: basename(out) }).first().click();
    if (layer > 0) {
      await projector.locator('#colour-status', { hasText: `Predicted by the builtin:category probe on blocks.${layer - 1}.hook_resid_post.` }).waitFor({ timeout: long });
      const legend = await projector.locator('#legend .legend-label').allInnerTexts();
      assert.ok(legend.length >= 2 && legend.every((l) => saved.labels.includes(l)), `legend: ${legend.join(', ')}`);
      await workbench.screenshot('probes-3-projector');
    } else {
      await projector.locator('#colour-status', { hasText: 'reads blocks.0.hook_resid_pre (probe layer 0)' }).waitFor({ timeout: long });
    }
  });
});
