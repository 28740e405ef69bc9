// Probe figures, side by side in one run: probe training on 10,000 × 256 with 8 classes (one
// layer: the L2 path and the scoring, then its control); hidden states of 10,000 tokens at every
// layer against plain forward passes of the same windows; peak RSS while 50,000 positions stream
// layer by layer.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { InstrumentedModels } from '../src/engine/instrumentedModels';
import { collectHiddenStates, planPositions } from '../src/engine/features/hiddenStates/collectHiddenStates';
import { fitLayer } from '../src/engine/features/probes/fitLayer';
import { controlLabels } from '../src/engine/features/probes/probeSplit';
import { seededRandom } from '../src/util/distribution';
import { textFeeds } from '../src/engine/instrument/textFeeds';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const rows: Record<string, number | string>[] = [];
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function training(): Promise<void> {
  const [nTrain, nHeld, d, k] = [10_000, 2_000, 256, 8];
  const n = nTrain + 2 * nHeld;
  const random = seededRandom(1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Float32Array.from({ length: k * d }, () => gauss() * 0.15);
  const y = Int32Array.from({ length: n }, () => Math.floor(random() * k));
  const x = new Float32Array(n * d); // [n, d]: a class centre plus unit noise
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centres[y[i] * d + j] + gauss();
  const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
  const split = { train: range(0, nTrain), validation: range(nTrain, nTrain + nHeld), test: range(nTrain + nHeld, n) };
  const t0 = performance.now();
  const real = await fitLayer(x, d, y, k, split, 1, undefined);
  const t1 = performance.now();
  const control = controlLabels(Int32Array.from({ length: n }, (_, i) => i % 3000), y, k, 1);
  await fitLayer(x, d, control, k, split, 1, undefined);
  const t2 = performance.now();
  rows.push({ metric: 'probe training 10,000 × 256, 8 classes, one layer (3 L2 strengths), s', value: ((t1 - t0) / 1000).toFixed(2), bar: '≤ 2', ratio: ((t1 - t0) / 2000).toFixed(2) });
  rows.push({ metric: '  + its control task, s (the layer in all)', value: ((t2 - t0) / 1000).toFixed(2) });
  rows.push({ metric: '  held-out accuracy (chance 0.125)', value: real.accuracy.toFixed(3) });
}

function corpus(minChars: number): string[] {
  const dir = join(ROOT, 'src', 'engine', 'instrument');
  const texts = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const out: string[] = [];
  for (let i = 0, total = 0; total < minChars; i++) {
    const t = texts[i % texts.length];
    out.push(t);
    total += t.length;
  }
  return out;
}

async function collection(): Promise<void> {
  const models = new LanguageModels({ provider: 'cpu', threads: 1 });
  const instrumented = new InstrumentedModels(models, mkdtempSync(join(tmpdir(), 'tl-bench-probes-')), 1);
  const m = await instrumented.load(CODE_LM);
  let texts = corpus(40_000);
  const window = 512;
  const cut = (tokens: number) => {
    const { windows } = planPositions(m, texts, window, 1e9);
    let kept = 0;
    const ws = [];
    for (const w of windows) {
      if (kept >= tokens) break;
      ws.push(w);
      kept += w.ids.length;
    }
    return { ws, kept };
  };
  const { ws, kept } = cut(10_000);
  // plain forward passes: the instrumented graph exposing no hook, the same windows
  const lean = await instrumented.sessionFor(m, []); // the instrumented graph exposing no hook: the model's own outputs
  await lean.run(textFeeds(m.result.inputs, ws[0].ids));
  const t0 = performance.now();
  for (const w of ws) await lean.run(textFeeds(m.result.inputs, w.ids));
  const plain = performance.now() - t0;
  texts = texts.slice(0, Math.max(...ws.map((w) => w.text)) + 1);
  await collectHiddenStates(instrumented, m, texts.slice(0, 1), { window }, () => undefined); // warm the lean session
  const t1 = performance.now();
  const positions = await collectHiddenStates(instrumented, m, texts, { window }, () => undefined);
  const collected = performance.now() - t1;
  rows.push({ metric: `plain forward passes, ${kept.toLocaleString('en-US')} tokens in windows of ${window}, ms`, value: plain.toFixed(0) });
  rows.push({ metric: `hidden states of ${positions.count.toLocaleString('en-US')} tokens at every layer (${m.info.nLayers + 1}), ms`, value: collected.toFixed(0), bar: '≤ 1.5 × plain', ratio: (collected / plain * kept / positions.count).toFixed(2) });
  // 50,000 positions: the peak RSS over the loaded model, one layer per pass (budget = one layer's matrix)
  const big = corpus(122_000);
  const { positions: p50 } = planPositions(m, big, window, 1e9);
  const layerBytes = p50.count * p50.dModel * 4;
  const peakOver = async (maxBytes: number) => {
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t = performance.now();
    await collectHiddenStates(instrumented, m, big, { window, maxBytes, maxPositions: 1e6 }, () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    });
    clearInterval(timer);
    return { mb: mb(peak - before), s: ((performance.now() - t) / 1000).toFixed(1) };
  };
  const streamed = await peakOver(layerBytes);
  const atOnce = await peakOver(Number.POSITIVE_INFINITY);
  rows.push({ metric: `${p50.count.toLocaleString('en-US')} positions, one layer (${mb(layerBytes)} MB) per pass: peak RSS over the loaded model, MB`, value: streamed.mb, bar: `all ${m.info.nLayers + 1} layers in one pass: ${atOnce.mb} MB` });
  rows.push({ metric: '  time one layer per pass / all in one pass, s', value: `${streamed.s} / ${atOnce.s}` });
}

void (async () => {
  await training();
  if (!process.argv.includes('--training-only')) await collection();
  console.table(rows);
  for (const r of rows) console.log(`BENCH ${JSON.stringify(r)}`);
})();
