// The panels built for images, sound, baselines, interventions, future tokens and checkpoints in the
// four themes (Dark Modern, Light Modern, Dark and Light High Contrast), in one workbench: each panel
// is opened once, in Dark Modern, and re-themes live as the user switches theme. In every theme,
// on the rendered pixels: all text ≥ 4.5:1 against what is behind it; bars, colour bands, heatmap
// canvases (their ground is the theme's background: redrawn), waveforms and chart legends ≥ 3:1
// against the panel; one control of each kind focused ≥ 3:1 against itself unfocused; and Tab,
// from the panel's title, reaches every kind of control. Compare Prompts is driven from the palette
// (token to swap, replacement, answer, wrong) to filled heatmaps. Screenshots:
// test-results/e2e/panel-theme-<panel>-<theme>.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { COLOR_THEMES, useColorTheme } from './harness/colorThemes';
import { explorerMenu } from './harness/explorerMenu';
import { auditPanel, revealPanel, tabReach, type PanelUnderTest } from './harness/panelAudit';
import { openSession, withFailureReport, type Session } from './harness/session';

const long = 180_000;
let session: Session;
// the smallest corpus for the baselines (tokenize.ts, beside the selection's stats.py): no corpus pick.
// A single click in the explorer only selects: code-server's preview of yes.wav is a webview too, and
// two webviews waiting at once for the webview service worker's controllerchange left ours blank
// (1 run in 7, code-server's race, seen in no other way)
before(async () => {
  session = await openSession({ settings: { 'tensorloupe.baselines.corpus': '**/*.ts', 'workbench.list.openMode': 'doubleClick' } });
}, { timeout: 300_000 });
after(async () => { await session?.close(); });

const panels: PanelUnderTest[] = [];

/** the document of the panel whose title reads `title`, once drawn */
async function drawnPanel(page: Page, title: RegExp, state = 'body[data-state="drawn"]'): Promise<Frame> {
  const deadline = Date.now() + long;
  for (;;) {
    for (const f of page.frames()) {
      const found = await f.evaluate((s) => ({ title: document.getElementById('title')?.textContent ?? '', state: document.body?.dataset.state ?? '', ok: !!document.querySelector(s) }), state).catch(() => undefined);
      if (found && title.test(found.title)) {
        if (found.state === 'error') throw new Error(`${title}: ${await f.locator('#error-text').innerText()}`);
        if (found.ok) return f;
      }
    }
    if (Date.now() > deadline) throw new Error(`no drawn panel titled ${title}`);
    await page.waitForTimeout(250);
  }
}

/** answers the command's input boxes in turn: a value to type (or '' to keep the prefilled one) */
async function answerInputs(session: Session, values: string[]): Promise<void> {
  const { workbench, page } = session;
  for (const v of values) {
    await workbench.quickInput.waitFor({ state: 'visible', timeout: long });
    if (v) await workbench.quickInput.fill(v);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(400);
  }
}

test('open the panels in Dark Modern; Compare Prompts from the palette fills its heatmaps', { timeout: 600_000 }, async () => {
  await withFailureReport(session, 'panel-themes-open', async () => {
    const { workbench, page } = session;
    await workbench.dismissOverlays();
    await explorerMenu(session, 'glyph-A.png', 'Inspect Image');
    panels.push({ name: 'Inspect Image', slug: 'image', tab: /^Image/, frame: await drawnPanel(page, /^Image$/), marks: [{ selector: '.prob-bar', property: 'backgroundColor' }], drawn: '.head-map' });

    await explorerMenu(session, 'yes.wav', 'Inspect Audio');
    panels.push({ name: 'Inspect Audio', slug: 'audio', tab: /^Audio/, frame: await drawnPanel(page, /^Audio$/, 'body[data-attention="drawn"]'), marks: [{ selector: '.audio-cell', property: 'borderTopColor' }, { selector: '.audio-playhead', property: 'backgroundColor' }], ramps: '#spectrogram, .audio-thumb, #head-view, #rollout', drawn: '#waveform' });

    await workbench.openFile('stats.py');
    await workbench.selectLines(7, 7);
    await workbench.runPaletteCommand('Tensorloupe: Compare with Baselines');
    panels.push({ name: 'Compare with Baselines', slug: 'baselines', tab: /^Baselines/, frame: await drawnPanel(page, /^Compare with baselines$/) });

    await workbench.focusEditor();
    await workbench.selectLines(7, 7);
    await workbench.runPaletteCommand('Tensorloupe: Why This Token?');
    await answerInputs(session, ['', '']); // the model's top two candidates, prefilled
    panels.push({ name: 'Why This Token?', slug: 'why-this-token', tab: /^Why This Token\?/, frame: await drawnPanel(page, /^Why this token\?$/), marks: [{ selector: '.dla-bar', property: 'backgroundColor' }] });

    // Compare Prompts: "        self.count = 0" against " 1" in its place; answer "\n" (#11), wrong "x" (#121)
    await workbench.focusEditor();
    await workbench.selectLines(7, 7);
    await workbench.runPaletteCommand('Tensorloupe: Compare Prompts (Activation Patching)');
    await workbench.quickInput.waitFor({ state: 'visible', timeout: long });
    await workbench.quickInput.fill('" 0"');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: '" 0"' }).first().waitFor({ timeout: long });
    await page.keyboard.press('Enter');
    await answerInputs(session, [' 1', '', '#11', '#121']);
    const patching = await drawnPanel(page, /^Compare prompts \(activation patching\)$/);
    await patching.locator('#patch-status', { hasText: /^Done\./ }).waitFor({ timeout: long });
    const hooks = await patching.locator('.patch-section').evaluateAll((ss) => ss.map((s) => ({ hook: (s as HTMLElement).dataset.hook, cells: s.querySelectorAll('button.patch-cell').length, pending: s.querySelectorAll('.patch-cell.pending').length })));
    // 4 layers × 7 positions for the residual stream and the two outputs, 4 layers × 4 heads for z
    assert.deepEqual(hooks, [{ hook: 'resid_pre', cells: 28, pending: 0 }, { hook: 'attn_out', cells: 28, pending: 0 }, { hook: 'mlp_out', cells: 28, pending: 0 }, { hook: 'z', cells: 16, pending: 0 }]);
    assert.match(await patching.locator('#subtitle').innerText(), /answer "\\n" vs wrong "x" · logit difference clean -?\d+\.\d{3}, corrupt -?\d+\.\d{3}/);
    // the swapped position restores the clean answer when patched at the first layer: 1.00 there
    const swapped = patching.locator('.patch-section[data-hook="resid_pre"] tbody tr').first().locator('button.patch-cell').last();
    assert.equal(await swapped.innerText(), '1.00');
    await swapped.focus();
    await page.keyboard.press('Enter');
    assert.match(await patching.locator('#patch-details').innerText(), /^resid_pre layer 0 position 6 \(" 0" vs corrupt " 1"\): logit difference -?\d+\.\d{4}, normalised 1\.0000$/);
    panels.push({ name: 'Compare Prompts', slug: 'compare-prompts', tab: /^Compare Prompts/, frame: patching });

    await workbench.focusEditor();
    await workbench.selectLines(7, 7);
    await workbench.runPaletteCommand('Tensorloupe: Open Attention Map');
    const attention = await drawnPanel(page, /^Attention$/);
    await attention.locator('#ablate-add').click();
    await attention.locator('#ablate-run').click();
    await attention.locator('#ablate-loss').waitFor({ timeout: long });
    panels.push({ name: 'Ablate (attention panel)', slug: 'ablate', tab: /^Attention/, frame: attention, root: '#ablate-section' });

    await workbench.focusEditor();
    await workbench.selectLines(7, 7);
    await workbench.runPaletteCommand('Tensorloupe: Probe Future Tokens');
    await answerInputs(session, ['**/*.{ts,py,md,txt}']); // the workspace's four small files
    panels.push({ name: 'Probe Future Tokens', slug: 'future-tokens', tab: /^Future Tokens/, frame: await drawnPanel(page, /^Future-token probes$/) });

    // the current model (the code LM) has no checkpoints/: the command offers the bundled runs
    await workbench.runPaletteCommandAndPick('Tensorloupe: Compare Checkpoints', 'tensorloupe-attn2');
    panels.push({ name: 'Compare Checkpoints', slug: 'checkpoints', tab: /^Checkpoints/, frame: await drawnPanel(page, /^Compare checkpoints$/), charts: 'canvas[id^="chart-"]' });

    // one group, the whole width: every panel a tab of it
    await workbench.runPaletteCommand('View: Single Column Editor Layout');
  });
});

test('each panel in Dark Modern, Light Modern, Dark and Light High Contrast: text, marks, focus rings, Tab', { timeout: 600_000 }, async () => {
  await withFailureReport(session, 'panel-themes', async () => {
    const { workbench, page } = session;
    assert.equal(panels.length, 8, 'every panel opened');
    const failures: string[] = [];
    const table: string[] = [];
    for (const [t, theme] of COLOR_THEMES.entries()) {
      await useColorTheme(session, theme, panels[0].frame);
      for (const p of panels) {
        await revealPanel(page, p, theme.body);
        let reached = '';
        if (t === 0) {
          // the keyboard reaches every kind of control from the panel's title
          const reach = await tabReach(page, p);
          reached = `  Tab reaches ${reach.reached.length}/${reach.kinds.length} kinds of control`;
          for (const k of reach.kinds) if (!reach.reached.includes(k)) failures.push(`${p.name}: Tab never reaches ${k} (reached ${reach.reached.join(', ')})`);
          for (const u of reach.unreachable) failures.push(`${p.name}: ${u} is out of the Tab order`);
        }
        const m = await auditPanel(workbench, page, p, theme.slug);
        failures.push(...m.failures);
        table.push(`${p.name.padEnd(26)} ${theme.label.padEnd(20)} text ≥ ${m.text.toFixed(2)} (${JSON.stringify(m.textWorst.slice(0, 16))})  marks ≥ ${Number.isFinite(m.marks) ? m.marks.toFixed(2) : '—'}  focus ≥ ${Number.isFinite(m.focus) ? m.focus.toFixed(2) : '—'}${reached}`);
      }
    }
    console.log(table.join('\n'));
    if (failures.length) console.log(`${failures.length} failures:\n${failures.join('\n')}`);
    assert.equal(failures.length, 0, failures.slice(0, 20).join('\n'));
  });
});
