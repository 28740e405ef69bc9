// Child of bench/realSize.ts: loads one bench model (and instruments it) with a tiny input, then
// runs one request of N tokens and reports the process's RSS after loading and at its peak.
//   realSizeRss.ts <gpt2-small|llama-100m> <tokens> <nextToken|attention|lens>
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { ensureBenchModel, type BenchModelName } from './models/benchModels';
import { benchText, LENS_FIRST_COLUMNS } from './realSize';

const [name, tokens, feature] = process.argv.slice(2) as [BenchModelName, string, 'nextToken' | 'attention' | 'lens'];
const n = Number(tokens);
const never = { cancelled: false, onCancel: () => undefined };

async function main(): Promise<void> {
  const { dir } = ensureBenchModel(name);
  const engine = createEngineHandlers({ provider: 'cpu', threads: 2, cacheDir: mkdtempSync(join(tmpdir(), 'tl-real-rss-')) });
  const text = benchText(dir, n);
  const run = (t: string, maxTokens: number) => {
    if (feature === 'nextToken') return engine['lm/nextToken']({ model: dir, text: t, maxTokens, topK: 10 }, never);
    if (feature === 'attention') return engine['attention/summary']({ model: dir, text: t, maxTokens }, never);
    return engine['lens/get']({ model: dir, text: t, maxTokens, topK: 5, positions: { from: -LENS_FIRST_COLUMNS, to: maxTokens } }, never);
  };
  await run('x = 1', 8); // load, instrument, create the sessions
  global.gc?.();
  const loaded = process.memoryUsage().rss / 2 ** 20;
  // sampled while the request runs (onnxruntime runs off the main thread, so the timer fires):
  // maxRSS would report loading's peak (weights read, then prepacked), not the request's
  let peak = loaded;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20)), 5);
  const t0 = performance.now();
  await run(text, n);
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
  console.log(`RSS ${JSON.stringify({ model: name, tokens: n, feature, loadedMb: loaded, peakMb: peak, ms })}`);
}

void main();
