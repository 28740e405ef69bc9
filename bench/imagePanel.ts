// Image → panel drawn, warm: Inspect Image's engine request through the real engine process
// (decode, preprocess, instrumented forward, rollout, CLS maps, lens; EngineClient and IPC
// included) on the bundled glyph ViT, then the image panel's real bundle drawing that result in
// Debian's chromium (a stand-in VS Code API replies with it). Target: ≤ 500 ms together.
// Prints a table and a `BENCH {...}` line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../src/host/engineClient';
import { launchBrowser } from '../test/e2e/harness/browser';
import { ROOT, builtEnginePath } from '../test/helpers/paths';
import type { InspectImageResult } from '../src/protocol/vision';

const REPEATS = Number(process.env.REPEATS ?? 7);
const MODEL = join(ROOT, 'models', 'tensorloupe-glyph-vit');
const FILE = join(MODEL, 'samples', 'A_LiberationMono-Bold.png');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Page script: acquireVsCodeApi answering `ready` with a `show` of the engine's result. */
function hostStandIn(result: InspectImageResult): void {
  let id = 1000;
  const post = (body: unknown, inReplyTo?: number) => window.postMessage({ id: id++, inReplyTo, body }, '*');
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    getState: () => undefined,
    setState: () => undefined,
    postMessage: (m: { id: number; body: { method?: string } }) => {
      if (m.body.method === 'ready') {
        post({ ok: null }, m.id);
        // the page's own clock (the bench module's node:perf_hooks import would not exist in the page)
        (window as unknown as { __t0: number }).__t0 = window.performance.now();
        post({ method: 'show', params: { result, fileName: 'A.png', fusion: 'mean', discardRatio: 0 } });
      }
    },
  });
}

async function main(): Promise<void> {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1 } });
  const engineMs: number[] = [];
  const forwardMs: number[] = [];
  let result: InspectImageResult | undefined;
  try {
    await client.call('vision/inspect', { model: MODEL, file: FILE, topK: 10, fusion: 'mean', discardRatio: 0 }); // cold: load + instrument
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      result = await client.call('vision/inspect', { model: MODEL, file: FILE, topK: 10, fusion: 'mean', discardRatio: 0 });
      engineMs.push(performance.now() - t0);
      forwardMs.push(result.ms.forward);
    }
  } finally {
    client.dispose();
  }
  const script = readFileSync(join(ROOT, 'dist', 'webview', 'image.js'), 'utf8');
  const css = ['panel.css', 'internals.css'].map((f) => readFileSync(join(ROOT, 'media', f), 'utf8')).join('\n');
  const browser = await launchBrowser();
  const drawMs: number[] = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      page.on('pageerror', (e) => console.log(`  [pageerror] ${e.message}`));
      await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body data-state="loading"><div id="app"></div></body></html>`);
      await page.evaluate('window.__name = (f) => f');
      await page.evaluate(hostStandIn, result!);
      await page.addScriptTag({ content: script });
      await page.waitForFunction(() => document.body.dataset.state === 'drawn', undefined, { timeout: 60_000 });
      drawMs.push(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now() - (window as unknown as { __t0: number }).__t0)))));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const total = median(engineMs) + median(drawMs);
  console.log(`BENCH ${JSON.stringify({ name: 'image_panel', engineWarmMs: median(engineMs), forwardMs: median(forwardMs), drawMs: median(drawMs), totalMs: total })}`);
  console.table([
    { metric: 'vision/inspect through the engine process, warm, ms', value: median(engineMs).toFixed(1) },
    { metric: '  of which the instrumented + plain forward, ms', value: median(forwardMs).toFixed(1) },
    { metric: 'image panel drawn from the result (chromium, to next frame), ms', value: median(drawMs).toFixed(1) },
    { metric: 'image → panel drawn, warm (target ≤ 500 ms), ms', value: total.toFixed(1) },
  ]);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
