// Model Info end to end: the palette's "Tensorloupe: Show Model Info" opens the panel, which shows
// the bundled model's kind, parameter count (the onnx package's count, from the committed
// reference) and the provider its session runs on, in tables a keyboard reaches.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { panelFrame } from './harness/panelFrame';
import { COLOR_THEMES, contrastRatio, useColorTheme } from './harness/colorThemes';
import { repoRoot } from './harness/paths';
import { openSession, withFailureReport, type Session } from './harness/session';

let session: Session;
before(async () => { session = await openSession(); }, { timeout: 300_000 });
after(async () => { await session?.close(); });

const reference = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'modelInfo', 'reference.json'), 'utf8')) as { models: { model: string; parameters: number }[] };
// (a second session, below, starts with tensorloupe.executionProvider set to cuda)
const codeLmParameters = reference.models.find((m) => m.model === 'models/tensorloupe-code-lm')?.parameters ?? NaN;

test('Show Model Info: kind, parameters and provider of the bundled model', { timeout: 300_000 }, async () => {
  await withFailureReport(session, 'model-info', async () => {
    const { workbench, page } = session;
    await workbench.openFile('tokenize.ts');
    await workbench.runPaletteCommand('Tensorloupe: Show Model Info');
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    const rows = new Map<string, string>();
    for (const row of await frame.locator('#summary tbody tr').all()) {
      rows.set((await row.locator('th').innerText()).trim(), (await row.locator('td').innerText()).trim());
    }
    assert.match(rows.get('model') ?? '', /^tensorloupe-code-lm$/);
    assert.match(rows.get('kind') ?? '', /^decoder-lm \(config\.json architectures GPT2LMHeadModel\)$/);
    assert.equal(rows.get('parameters'), codeLmParameters.toLocaleString('en-US'));
    assert.match(rows.get('provider') ?? '', /^cpu\b/, 'provider in use');
    assert.match(rows.get('layers') ?? '', /^4$/);
    // the op histogram and the hooks are tables too, under folding sections reachable by keyboard
    assert.ok((await frame.locator('#ops tbody tr').count()) > 5, 'op histogram rows');
    assert.equal(await frame.locator('#hooks tbody tr', { hasText: 'attn.hook_pattern' }).count(), 4, 'one attention pattern per layer');
    const summaries = frame.locator('details.info-section > summary');
    assert.ok((await summaries.count()) >= 4);
    await summaries.first().focus();
    await page.keyboard.press('Enter'); // folds the first section
    assert.equal(await frame.locator('details.info-section').first().evaluate((d) => (d as HTMLDetailsElement).open), false, 'Enter folds a section');
    await workbench.screenshot('model-info');
  });
});

test('Model Info in Dark, Light, Dark High Contrast and Light High Contrast: every kind of text reads at 4.5:1 or more', { timeout: 400_000 }, async () => {
  await withFailureReport(session, 'model-info-themes', async () => {
    const { workbench, page } = session;
    await workbench.runPaletteCommand('Tensorloupe: Show Model Info'); // reveals (and refills) the panel, also when this test runs alone
    const frame = panelFrame(page);
    await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
    // the row headers (descriptionForeground), cells, captions, section titles, the muted line, the notice
    const selectors = ['#summary th[scope="row"]', '#summary td', '#ops caption', 'details.info-section summary h2', '#instrument-line', '#notice', '#subtitle'];
    try {
      for (const theme of COLOR_THEMES) {
        await useColorTheme(session, theme, frame);
        for (const selector of selectors) {
          const target = frame.locator(selector).first();
          if (!(await target.isVisible())) continue; // the notice shows only with a fallback or a note
          const { color, background } = await target.evaluate((e) => {
            let b: Element | null = e;
            let bg = 'rgba(0, 0, 0, 0)';
            while (b && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
              bg = getComputedStyle(b).backgroundColor;
              b = b.parentElement;
            }
            return { color: getComputedStyle(e).color, background: bg };
          });
          const ratio = contrastRatio(color, background);
          assert.ok(ratio >= 4.5, `${theme.id} ${selector}: ${ratio.toFixed(2)}:1 (${color} on ${background})`);
        }
        await workbench.screenshot(`model-info-theme-${theme.slug}`);
      }
    } finally {
      await useColorTheme(session, COLOR_THEMES[0], frame);
    }
  });
});

test("executionProvider 'cuda' on this CPU machine: the status bar says cpu (not cuda) and Model Info says why", { timeout: 400_000 }, async () => {
  const cudaSession = await openSession({ settings: { 'tensorloupe.executionProvider': 'cuda' } });
  try {
    await withFailureReport(cudaSession, 'model-info-cuda-fallback', async () => {
      const { workbench, page } = cudaSession;
      await workbench.openFile('tokenize.ts');
      await workbench.runPaletteCommand('Tensorloupe: Show Model Info');
      const frame = panelFrame(page);
      await frame.locator('body[data-state="drawn"]').waitFor({ state: 'attached', timeout: 180_000 });
      assert.match(await frame.locator('#notice').innerText(), /^Running on cpu; cuda: CUDA libraries not found at \/.*onnxruntime-node\/bin\/napi-v6\/linux\/x64 /);
      const item = page.locator('.statusbar-item', { hasText: 'tensorloupe-code-lm' }).first();
      await page.locator('.statusbar-item', { hasText: 'cpu (not cuda)' }).first().waitFor({ timeout: 60_000 });
      assert.match((await item.innerText()).replace(/\s+/g, ' ').trim(), /^tensorloupe-code-lm · cpu \(not cuda\)$/);
      assert.equal(await item.locator('.codicon-warning').count(), 1, 'a warning icon before the provider');
      await workbench.screenshot('model-info-cuda-fallback');
    });
  } finally {
    await cudaSession.close();
  }
});
