// Issue 10's probe and projector figures at a real size, on the bench's GPT-2-small-shaped model
// (124M, d_model 768, 13 hidden layers): hidden states of 10,000 tokens at every layer against
// plain forward passes of the same windows (bar ≤ 1.5×), probe training of one layer on those
// 10,000 × 768 states with 8 classes, and PCA of 50,000 × 768. 2 threads, as bench/realSize.ts.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { InstrumentedModels } from '../src/engine/instrumentedModels';
import { collectHiddenStates, planPositions } from '../src/engine/features/hiddenStates/collectHiddenStates';
import { fitLayer } from '../src/engine/features/probes/fitLayer';
import { pca } from '../src/engine/analyses/pca';
import { ortProducts } from '../src/engine/features/projector/matmulGraphs';
import { textFeeds } from '../src/engine/instrument/textFeeds';
import { seededRandom } from '../src/util/distribution';
import { ensureBenchModel } from './models/benchModels';
import { ROOT } from '../test/helpers/paths';

const THREADS = 2;
const TOKENS = Number(process.env.BENCH_PROBE_TOKENS ?? 10_000);
const WINDOW = 512;
const rows: Record<string, string>[] = [];

function corpus(minChars: number): string[] {
  const dir = join(ROOT, 'src', 'engine', 'instrument');
  const texts = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const out: string[] = [];
  for (let i = 0, total = 0; total < minChars; i++) {
    out.push(texts[i % texts.length]);
    total += texts[i % texts.length].length;
  }
  return out;
}

async function main(): Promise<void> {
  const bm = ensureBenchModel('gpt2-small');
  const models = new LanguageModels({ provider: 'cpu', threads: THREADS });
  const instrumented = new InstrumentedModels(models, mkdtempSync(join(tmpdir(), 'tl-bench-real-probes-')), THREADS);
  const m = await instrumented.load(bm.dir);
  // whole texts until TOKENS: the collection runs exactly these texts, the plain passes their windows
  const all = corpus(TOKENS * 4);
  const { windows } = planPositions(m, all, WINDOW, 1e9);
  let kept = 0;
  let lastText = 0;
  for (const w of windows) {
    if (kept >= TOKENS && w.text > lastText) break;
    kept += w.ids.length;
    lastText = w.text;
  }
  const texts = all.slice(0, lastText + 1);
  const { windows: ws, positions: planned } = planPositions(m, texts, WINDOW, 1e9);
  const lean = await instrumented.sessionFor(m, []); // the model's own outputs: a plain forward of the same file
  await lean.run(textFeeds(m.result.inputs, ws[0].ids));
  await collectHiddenStates(instrumented, m, texts.slice(0, 1), { window: WINDOW }, () => undefined); // warm the hidden-state session
  const t0 = performance.now();
  for (const w of ws) await lean.run(textFeeds(m.result.inputs, w.ids));
  const plain = performance.now() - t0;
  let layer6: Float32Array | undefined;
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t1 = performance.now();
  await collectHiddenStates(instrumented, m, texts, { window: WINDOW }, (layer) => {
    if (layer.layer === 6) layer6 = layer.data;
  });
  const collected = performance.now() - t1;
  const peakOver = process.resourceUsage().maxRSS * 1024 - rssBefore;
  rows.push({ metric: `plain forward passes, ${planned.count.toLocaleString('en-US')} tokens in windows of ${WINDOW}, ms`, value: plain.toFixed(0) });
  rows.push({ metric: `hidden states of those tokens at every layer (${m.info.nLayers + 1}), ms (× plain; bar ≤ 1.5)`, value: `${collected.toFixed(0)} (${(collected / plain).toFixed(2)}×)` });
  rows.push({ metric: '  peak RSS over the loaded model while collecting, MB (at most)', value: (peakOver / 2 ** 20).toFixed(0) });
  console.log(`BENCH ${JSON.stringify({ name: 'real_hidden_states', tokens: planned.count, plainMs: plain, collectedMs: collected, ratio: collected / plain })}`);

  // probe training on layer 6's states: 8 classes by token id (a learnable, id-determined label)
  const d = planned.dModel;
  const n = planned.count;
  const y = Int32Array.from(planned.tokenId, (id) => id % 8);
  const random = seededRandom(1);
  const order = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
  const cut = (a: number, b: number) => Int32Array.from(order.slice(Math.floor(a * n), Math.floor(b * n)));
  const t2 = performance.now();
  const fit = await fitLayer(layer6 as Float32Array, d, y, 8, { train: cut(0, 0.7), validation: cut(0.7, 0.85), test: cut(0.85, 1) }, THREADS, undefined);
  const fitMs = performance.now() - t2;
  rows.push({ metric: `probe training, one layer: ${n.toLocaleString('en-US')} × ${d}, 8 classes (3 L2 strengths), s`, value: `${(fitMs / 1000).toFixed(2)} (held-out accuracy ${fit.accuracy.toFixed(3)})` });
  console.log(`BENCH ${JSON.stringify({ name: 'real_probe_fit', n, d, ms: fitMs })}`);

  // PCA of 50,000 × 768 (the projector's hidden-state source at its position cap)
  const big = { rows: 50_000, cols: d, data: Float32Array.from({ length: 50_000 * d }, () => random() - 0.5) };
  await pca({ rows: 2000, cols: d, data: big.data.subarray(0, 2000 * d) }, { seed: 1, components: 2, method: 'randomized' }, (mean) => ortProducts({ rows: 2000, cols: d, data: big.data.subarray(0, 2000 * d) }, mean, THREADS));
  const t3 = performance.now();
  await pca(big, { seed: 1, components: 10 }, (mean) => ortProducts(big, mean, THREADS));
  const pcaMs = performance.now() - t3;
  rows.push({ metric: `PCA of 50,000 × ${d} (randomized, 10 components), ms`, value: pcaMs.toFixed(0) });
  console.log(`BENCH ${JSON.stringify({ name: 'real_pca', rows: 50_000, d, ms: pcaMs })}`);
  console.table(rows);
}

void main();
