// Drawing speed of the attention panel in the e2e browser (Debian's chromium): 144 thumbnails
// (12 layers × 12 heads, like GPT-2 small) and one 1024 × 1024 head map. The real panel bundle
// runs in a page whose VS Code API is a stand-in that answers the panel's calls with synthetic
// maps, so only drawing is timed. Prints a table and `BENCH {...}` lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../test/e2e/harness/browser';
import { ROOT, builtEnginePath } from '../test/helpers/paths';

const LAYERS = 12;
const HEADS = 12;
const T = 1024;
const REPEATS = 5;

/** Page script: a stand-in for acquireVsCodeApi that replies like the extension host would. */
function hostStandIn({ layers, heads, T }: { layers: number; heads: number; T: number }): void {
  const thumb = Math.min(T, 64);
  const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const r = rand(1);
  const thumbnails = new Uint8Array(layers * heads * thumb * thumb).map(() => Math.floor(r() * 256));
  const stats: { layer: number; head: number; entropyBits: number; prevToken: number; firstToken: number; induction: number }[] = [];
  for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) stats.push({ layer: l, head: h, entropyBits: r() * 5, prevToken: r(), firstToken: r(), induction: r() });
  const tokens = Array.from({ length: T }, (_, i) => ({ id: i, text: `t${i}`, start: i, end: i + 1, special: false }));
  const data = new Uint8Array(T * T).map(() => Math.floor(r() * 256));
  const rowScale = new Float32Array(T).fill(1 / 255);
  let id = 1000;
  const post = (body: unknown, inReplyTo?: number) => window.postMessage({ id: id++, inReplyTo, body }, '*');
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    getState: () => undefined,
    setState: () => undefined,
    postMessage: (m: { id: number; body: { method?: string; params?: { layer: number; head: number } } }) => {
      if (m.body.method === 'ready') {
        post({ ok: null }, m.id);
        const summary = {
          model: { name: 'synthetic', provider: 'cpu' }, internals: { recomputedLayers: [], unavailable: [] }, tokens, truncation: null,
          runId: 'bench', nLayers: layers, nHeads: heads, thumbSize: thumb, thumbnails, stats, ms: 0,
        };
        post({ method: 'show', params: { source: { fileName: 'bench', line: 1, chars: T }, summary } });
      } else if (m.body.method === 'head') {
        const { layer, head } = m.body.params!;
        post({ ok: { layer, head, size: T, data, rowScale, recomputed: false } }, m.id);
      }
    },
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  builtEnginePath(); // builds dist/ when missing
  const script = readFileSync(join(ROOT, 'dist', 'webview', 'attention.js'), 'utf8');
  const css = readFileSync(join(ROOT, 'media', 'panel.css'), 'utf8');
  const browser = await launchBrowser();
  const thumbs: number[] = [];
  const heads: number[] = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body data-state="loading"><div id="app"></div></body></html>`);
      await page.evaluate('window.__name = (f) => f'); // tsx's esbuild wraps functions in __name(); give the page one
      await page.evaluate(hostStandIn, { layers: LAYERS, heads: HEADS, T });
      await page.addScriptTag({ content: script });
      await page.waitForFunction(() => document.body.dataset.headDrawn !== undefined, undefined, { timeout: 60_000 });
      const t = await page.evaluate(() => (window as unknown as { __tlTimings: Record<string, number> }).__tlTimings);
      thumbs.push(t.thumbnailsMs);
      heads.push(t.headDrawMs);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`BENCH ${JSON.stringify({ name: 'attention_draw', thumbnails144Ms: median(thumbs), heatmap1024Ms: median(heads) })}`);
  console.table([
    { metric: `${LAYERS * HEADS} thumbnails drawn (target ≤ 100 ms), ms`, value: median(thumbs).toFixed(1) },
    { metric: `${T}×${T} head map drawn (target ≤ 16 ms), ms`, value: median(heads).toFixed(1) },
  ]);
}

void main();
