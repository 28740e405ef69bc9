// Pan/zoom frame time of the projector's scatter with 50,000 points in the e2e browser (Debian's
// chromium). The real panel bundle runs in a page whose VS Code API is a stand-in that shows a
// synthetic projection, so only drawing is timed: 20 zoom steps and 20 pan steps, each drawn
// synchronously (Scatter.drawNow) and timed. Prints a table and a `BENCH {...}` line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../test/e2e/harness/browser';
import { ROOT, builtEnginePath } from '../test/helpers/paths';

const POINTS = 50_000;

/** Page script: a stand-in for acquireVsCodeApi that shows `n` clustered points. */
function hostStandIn({ n }: { n: number }): void {
  const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const r = rand(7);
  const points = Array.from({ length: n }, (_, i) => {
    const c = i % 8;
    return { x: Math.cos(c) * 5 + (r() - 0.5) * 3, y: Math.sin(c) * 5 + (r() - 0.5) * 3, id: i % 4096, text: `t${i}`, file: `f${c}.py`, line: 1 + (i % 300), position: i % 2048, layer: 3 };
  });
  let id = 1000;
  const post = (body: unknown, inReplyTo?: number) => window.postMessage({ id: id++, inReplyTo, body }, '*');
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    getState: () => undefined,
    setState: () => undefined,
    postMessage: (m: { id: number; body: { method?: string } }) => {
      if (m.body.method !== 'ready') return;
      post({ ok: null }, m.id);
      const result = { model: 'synthetic', source: 'resid', method: 'pca', explainedVariance: [0.3, 0.2], pcaAlgorithm: 'randomized', hook: 'blocks.3.hook_resid_post', dims: 128, totalPoints: n, points, ms: 0 };
      post({ method: 'show', params: { source: { fileName: 'bench', line: 1, chars: n }, result, nLayers: 4, choice: { source: 'resid', layer: 3, method: 'pca', seed: 0 } } });
    },
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  builtEnginePath();
  const script = readFileSync(join(ROOT, 'dist', 'webview', 'projector.js'), 'utf8');
  const css = readFileSync(join(ROOT, 'media', 'panel.css'), 'utf8');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body data-state="loading"><div id="app"></div></body></html>`);
    await page.evaluate('window.__name = (f) => f');
    await page.evaluate(hostStandIn, { n: POINTS });
    await page.addScriptTag({ content: script });
    await page.waitForFunction(() => document.body.dataset.state === 'drawn', undefined, { timeout: 60_000 });
    const frames = await page.evaluate(() => {
      const s = (window as unknown as { __tlScatter: { zoom(f: number): void; pan(x: number, y: number): void; drawNow(): number } }).__tlScatter;
      const zoom: number[] = [];
      const pan: number[] = [];
      for (let i = 0; i < 20; i++) { s.zoom(i < 10 ? 1.15 : 1 / 1.15); zoom.push(s.drawNow()); }
      for (let i = 0; i < 20; i++) { s.pan(15, 8); pan.push(s.drawNow()); }
      return { zoom, pan };
    });
    const zoomMs = median(frames.zoom);
    const panMs = median(frames.pan);
    console.log(`BENCH ${JSON.stringify({ name: 'projector_draw', points: POINTS, zoomFrameMs: zoomMs, panFrameMs: panMs, worstMs: Math.max(...frames.zoom, ...frames.pan) })}`);
    console.table([
      { metric: `${POINTS.toLocaleString('en-US')}-point scatter, zoom frame (target ≤ 33 ms), median ms`, value: zoomMs.toFixed(1) },
      { metric: `${POINTS.toLocaleString('en-US')}-point scatter, pan frame (target ≤ 33 ms), median ms`, value: panMs.toFixed(1) },
      { metric: 'worst of the 40 frames, ms', value: Math.max(...frames.zoom, ...frames.pan).toFixed(1) },
    ]);
  } finally {
    await browser.close();
  }
}

void main();
